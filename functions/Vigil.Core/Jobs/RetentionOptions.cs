using Microsoft.Extensions.Options;
using Vigil.Core.Events;

namespace Vigil.Core.Jobs;

/// <summary>Section <c>Vigil:Retention</c>: how long raw events are kept.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Vigil:Retention";

    public TimeSpan Events { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Daily event partitions are created this far ahead.</summary>
    public TimeSpan PartitionsAhead { get; set; } = TimeSpan.FromDays(7);
}

internal sealed class RetentionOptionsValidator(IOptions<IngestOptions> ingest) : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        // Late events re-roll their minute from raw rows, so raw rows must outlive the ingest window.
        var minimum = ingest.Value.MaxEventAge + TimeSpan.FromDays(1);
        if (options.Events < minimum)
        {
            return ValidateOptionsResult.Fail($"{RetentionOptions.Section}:Events must be at least {DurationText.Format(minimum)} (the ingest age limit plus a day), was {DurationText.Format(options.Events)}.");
        }
        if (options.PartitionsAhead < TimeSpan.FromDays(2))
        {
            return ValidateOptionsResult.Fail($"{RetentionOptions.Section}:PartitionsAhead must be at least 2 days.");
        }
        return ValidateOptionsResult.Success;
    }
}
