using Microsoft.Extensions.Options;
using Vigil.Core.Events;

namespace Vigil.Core.Jobs;

/// <summary>Section <c>Vigil:Retention</c>: how long raw events and rollups are kept.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Vigil:Retention";

    public TimeSpan Events { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Minute and five-minute rollups: hours are re-merged from minutes when a late event arrives, so they outlive the ingest window.</summary>
    public TimeSpan MinuteRollups { get; set; } = TimeSpan.FromDays(8);

    public TimeSpan HourRollups { get; set; } = TimeSpan.FromDays(90);

    public TimeSpan DayRollups { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Cost per conversation per minute, for cost by conversation over windows up to 30 days.</summary>
    public TimeSpan ConversationCosts { get; set; } = TimeSpan.FromDays(31);

    /// <summary>
    /// How long the text of <c>message</c> events is kept (setting <c>Vigil__Retention__MessageText</c>);
    /// then it is erased and only the scores derived from it remain.
    /// </summary>
    public TimeSpan MessageText { get; set; } = TimeSpan.FromDays(7);

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
        if (options.MinuteRollups < minimum)
        {
            return ValidateOptionsResult.Fail($"{RetentionOptions.Section}:MinuteRollups must be at least {DurationText.Format(minimum)}: hours are re-merged from minutes when a late event arrives.");
        }
        if (options.HourRollups < options.MinuteRollups || options.DayRollups < options.HourRollups)
        {
            return ValidateOptionsResult.Fail($"{RetentionOptions.Section}: keep HourRollups at least as long as MinuteRollups, and DayRollups at least as long as HourRollups.");
        }
        if (options.HourRollups < TimeSpan.FromDays(31) || options.ConversationCosts < TimeSpan.FromDays(31))
        {
            return ValidateOptionsResult.Fail($"{RetentionOptions.Section}: HourRollups and ConversationCosts must cover the longest query window (30 days) plus a day.");
        }
        if (options.MessageText <= TimeSpan.Zero || options.MessageText > options.Events)
        {
            return ValidateOptionsResult.Fail($"{RetentionOptions.Section}:MessageText must be positive and at most Events ({DurationText.Format(options.Events)}), was {DurationText.Format(options.MessageText)}.");
        }
        if (options.PartitionsAhead < TimeSpan.FromDays(2))
        {
            return ValidateOptionsResult.Fail($"{RetentionOptions.Section}:PartitionsAhead must be at least 2 days.");
        }
        return ValidateOptionsResult.Success;
    }
}
