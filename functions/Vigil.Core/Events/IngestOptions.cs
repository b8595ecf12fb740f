using Microsoft.Extensions.Options;

namespace Vigil.Core.Events;

/// <summary>Limits of <c>POST /api/events</c>; section <c>Vigil:Ingest</c>.</summary>
public sealed class IngestOptions
{
    public const string Section = "Vigil:Ingest";

    /// <summary>Above this a setting would let one event overflow the stored cost (numeric(20,10)) or the rollup sums.</summary>
    public const decimal CostCeilingUsd = 1_000_000m;

    /// <summary>Above this a setting would let a minute's token sums approach the bigint rollup columns.</summary>
    public const long TokenCeiling = 1_000_000_000;

    public int MaxBatchItems { get; set; } = 1000;
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromDays(7);
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);
    public int MaxAttributes { get; set; } = 32;

    /// <summary>
    /// The most one event may cost, whether reported (<c>cost_usd</c>) or computed from its tokens
    /// with the price table; an item beyond it is rejected. One event with an absurd token count
    /// would otherwise cross every budget it counts towards, and a global budget's
    /// <c>disable_batch_jobs</c> would stop batch work it has nothing to do with.
    /// </summary>
    public decimal MaxEventCostUsd { get; set; } = 100m;

    /// <summary>The most <c>input_tokens</c>, <c>output_tokens</c> or <c>cached_input_tokens</c> one event may report.</summary>
    public long MaxTokensPerEvent { get; set; } = 10_000_000;
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
        if (o.MaxEventCostUsd <= 0 || o.MaxEventCostUsd > IngestOptions.CostCeilingUsd)
        {
            failures.Add($"{IngestOptions.Section}:MaxEventCostUsd must be greater than 0 and at most " +
                $"{IngestOptions.CostCeilingUsd:0} (was {o.MaxEventCostUsd}).");
        }
        if (o.MaxTokensPerEvent is < 1 or > IngestOptions.TokenCeiling)
        {
            failures.Add($"{IngestOptions.Section}:MaxTokensPerEvent must be between 1 and {IngestOptions.TokenCeiling} " +
                $"(was {o.MaxTokensPerEvent}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
