using Microsoft.Extensions.Options;

namespace Vigil.Core.Alerts;

/// <summary>Section <c>Vigil:Escalation</c> (settings <c>Vigil__Escalation__Level2After</c>, <c>…Level3After</c>).</summary>
public sealed class EscalationOptions
{
    public const string Section = "Vigil:Escalation";

    public TimeSpan Level2After { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan Level3After { get; set; } = TimeSpan.FromMinutes(15);
}

internal sealed class EscalationOptionsValidator : IValidateOptions<EscalationOptions>
{
    public ValidateOptionsResult Validate(string? name, EscalationOptions o) =>
        o.Level2After <= TimeSpan.Zero || o.Level3After <= o.Level2After
            ? ValidateOptionsResult.Fail($"{EscalationOptions.Section}: need 0 < Level2After < Level3After (were {o.Level2After} and {o.Level3After}).")
            : ValidateOptionsResult.Success;
}

/// <summary>
/// The escalation policy both hosts interpret (the Functions app in a Durable orchestration, the local
/// host from PostgreSQL): level 1 at once to the rule's channels; level 2 after Level2After to email,
/// Slack and webhook; level 3 after Level3After to PagerDuty and Opsgenie. Critical alerts escalate
/// through all levels, warnings and info notify once unless the rule says otherwise. It stops when the
/// alert is acknowledged or resolved. Delays count from when the alert fired.
/// </summary>
public sealed class EscalationPolicy(IOptionsMonitor<EscalationOptions> options)
{
    public const int FirstLevel = 1;
    public const int LastLevel = 3;

    public static readonly IReadOnlyList<string> Level2Channels = [Channels.Email, Channels.Slack, Channels.Webhook];
    public static readonly IReadOnlyList<string> Level3Channels = [Channels.PagerDuty, Channels.Opsgenie];

    public TimeSpan DelayOf(int level) => level switch
    {
        1 => TimeSpan.Zero,
        2 => options.CurrentValue.Level2After,
        3 => options.CurrentValue.Level3After,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Levels are 1 to 3."),
    };

    public IReadOnlyList<string> ChannelsOf(int level, IReadOnlyList<string> ruleChannels) => level switch
    {
        1 => ruleChannels,
        2 => Level2Channels,
        3 => Level3Channels,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Levels are 1 to 3."),
    };

    /// <summary>The level after <paramref name="sent"/>, or null when escalation is over.</summary>
    public static int? NextLevel(int sent, bool escalates) => escalates && sent < LastLevel ? sent + 1 : null;

    public DateTimeOffset DueAt(DateTimeOffset firedAt, int level) => firedAt + DelayOf(level);

    /// <summary>Only a firing alert escalates; acknowledged or resolved ends it.</summary>
    public static bool Continues(AlertState state) => state == AlertState.Firing;

    /// <summary>
    /// Everything a Durable orchestration needs to escalate one alert, fixed when it starts so that
    /// replays are deterministic even if the settings change meanwhile.
    /// </summary>
    public EscalationPlan Plan(Alert alert)
    {
        var steps = new List<EscalationStep> { new(FirstLevel, DelayOf(FirstLevel)) };
        for (var level = FirstLevel; NextLevel(level, alert.Escalates) is { } next; level = next) steps.Add(new EscalationStep(next, DelayOf(next)));
        return new EscalationPlan(alert.Id, (alert.FiredAt ?? alert.StartedAt).UtcDateTime, steps);
    }
}

/// <summary>A level and how long after firing it is due.</summary>
public sealed record EscalationStep(int Level, TimeSpan After);

/// <summary>The input of the escalation orchestration.</summary>
public sealed record EscalationPlan(Guid AlertId, DateTime FiredAtUtc, IReadOnlyList<EscalationStep> Steps);

/// <summary>The input of the activity that sends one level.</summary>
public sealed record EscalationLevelRequest(Guid AlertId, int Level);
