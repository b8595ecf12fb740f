using Microsoft.Extensions.Options;

namespace Vigil.Core.Events;

/// <summary>Limits of <c>POST /api/events</c>; section <c>Vigil:Ingest</c>.</summary>
public sealed class IngestOptions
{
    public const string Section = "Vigil:Ingest";

    public int MaxBatchItems { get; set; } = 1000;
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromDays(7);
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);
    public int MaxAttributes { get; set; } = 32;
}

internal sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions o)
    {
        var failures = new List<string>();
        if (o.MaxBatchItems is < 1 or > 100_000) failures.Add($"{IngestOptions.Section}:MaxBatchItems must be between 1 and 100000 (was {o.MaxBatchItems}).");
        if (o.MaxBodyBytes is < 1024 or > 64 * 1024 * 1024) failures.Add($"{IngestOptions.Section}:MaxBodyBytes must be between 1024 and 67108864 (was {o.MaxBodyBytes}).");
        if (o.MaxEventAge <= TimeSpan.Zero) failures.Add($"{IngestOptions.Section}:MaxEventAge must be positive.");
        if (o.MaxFutureSkew < TimeSpan.Zero) failures.Add($"{IngestOptions.Section}:MaxFutureSkew must not be negative.");
        if (o.MaxAttributes is < 0 or > 1000) failures.Add($"{IngestOptions.Section}:MaxAttributes must be between 0 and 1000.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
