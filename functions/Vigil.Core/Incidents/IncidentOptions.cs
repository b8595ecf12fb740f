using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;

namespace Vigil.Core.Incidents;

/// <summary>
/// Section <c>Vigil:Incidents</c>: the acknowledge target of each priority (settings
/// <c>Vigil__Incidents__AckTarget__P0</c> … <c>__P3</c>), written as durations ("5m", "1h", "1h30m")
/// or as TimeSpans ("00:05:00"). An alert's <c>ack_due_at</c> is its firing plus its priority's target.
/// Targets are read when an alert is shown or reported, so changing one re-judges past alerts too.
/// </summary>
public sealed class IncidentOptions
{
    public const string Section = "Vigil:Incidents";

    /// <summary>The longest target accepted: a target past a month is a typo, not a policy.</summary>
    public static readonly TimeSpan LongestTarget = TimeSpan.FromDays(31);

    public AckTargetOptions AckTarget { get; set; } = new();

    /// <summary>The target of <paramref name="priority"/>; the options are validated at start, so this parses.</summary>
    public TimeSpan TargetFor(Priority priority) =>
        TryParseTarget(AckTarget.Of(priority), out var target) ? target : throw new InvalidOperationException($"{Section}:AckTarget:{priority.ToName()} is not a duration.");

    internal static bool TryParseTarget(string? text, out TimeSpan target)
    {
        if (DurationText.TryParse(text, out target)) return true;
        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out target);
    }
}

internal sealed class IncidentOptionsValidator : IValidateOptions<IncidentOptions>
{
    public ValidateOptionsResult Validate(string? name, IncidentOptions o)
    {
        var failures = new List<string>();
        foreach (var priority in Enum.GetValues<Priority>())
        {
            var text = o.AckTarget.Of(priority);
            var setting = $"{IncidentOptions.Section}:AckTarget:{priority.ToName()}";
            if (!IncidentOptions.TryParseTarget(text, out var target))
            {
                failures.Add($"{setting} must be a duration such as 5m, 1h or 24h (was '{text}').");
            }
            else if (target <= TimeSpan.Zero || target > IncidentOptions.LongestTarget)
            {
                failures.Add($"{setting} must be more than 0 and at most 31 days (was '{text}').");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
