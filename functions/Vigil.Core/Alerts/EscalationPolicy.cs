namespace Vigil.Core.Alerts;

/// <summary>
/// A named list of escalation levels that rules choose with <c>escalation_policy</c>. Both engines
/// (the Durable orchestration, the local host's scheduler) interpret it the same way, from a plan
/// captured when the alert fires (<see cref="EscalationPlanner"/>), so editing a policy never changes
/// an escalation already running.
/// </summary>
public sealed record EscalationPolicy
{
    public const string DefaultName = "default";
    public const string RunbookName = "runbook";

    /// <summary>In a level's channels: the channels of the alert's rule.</summary>
    public const string RuleChannels = "rule";

    public const int MaxLevels = 10;
    public const int MaxRepeat = 10;

    /// <summary>The latest a level may come after firing; beyond it an alert is better re-raised than escalated.</summary>
    public static readonly TimeSpan MaxAfter = TimeSpan.FromDays(7);

    /// <summary>How far from firing the last step of every cycle may fall.</summary>
    public static readonly TimeSpan MaxPlanSpan = TimeSpan.FromDays(30);

    public string? TenantId { get; init; }

    public required string Name { get; init; }

    public string Description { get; init; } = "";

    /// <summary>1 to 10 levels, each <see cref="EscalationLevel.After"/> strictly later than the one before.</summary>
    public required IReadOnlyList<EscalationLevel> Levels { get; init; }

    /// <summary>How many times to start over after the last level while nobody acknowledges.</summary>
    public int Repeat { get; init; }

    /// <summary>How long after the last level a repeat starts; null: the gap between the last two levels.</summary>
    public TimeSpan? RepeatInterval { get; init; }

    /// <summary>
    /// The seeded <c>default</c> while no operator has edited it: its delays follow the settings
    /// <c>Vigil__Escalation__Level2After</c> and <c>…Level3After</c>.
    /// </summary>
    public bool ManagedBySettings { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>From one cycle's level 1 to the next cycle's level 1.</summary>
    public TimeSpan CycleLength => Levels[^1].After + (RepeatInterval ?? DefaultRepeatInterval);

    private TimeSpan DefaultRepeatInterval =>
        TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(1).Ticks, (Levels.Count >= 2 ? Levels[^1].After - Levels[^2].After : Levels[0].After).Ticks));

    /// <summary>
    /// Today's three levels, as the product brief has them: at once to the rule's channels, after
    /// <c>Level2After</c> to e-mail, Slack and the webhook, after <c>Level3After</c> to PagerDuty and Opsgenie.
    /// </summary>
    public static EscalationPolicy Default(EscalationOptions options, DateTimeOffset at) => new()
    {
        Name = DefaultName,
        Description = "Level 1 at once to the rule's channels; level 2 to e-mail, Slack and webhook; level 3 to PagerDuty and Opsgenie.",
        Levels =
        [
            new EscalationLevel(TimeSpan.Zero, [RuleChannels], []),
            new EscalationLevel(options.Level2After, [Channels.Email, Channels.Slack, Channels.Webhook], []),
            new EscalationLevel(options.Level3After, [Channels.PagerDuty, Channels.Opsgenie], []),
        ],
        ManagedBySettings = true,
        CreatedAt = at,
        UpdatedAt = at,
    };

    /// <summary>
    /// The FA runbook's path, primary on-call (15 minutes), secondary (30 minutes), engineering
    /// manager (1 hour), VP (2 hours), read as how long each has before the next is paged: the
    /// primary at once, the secondary after 15 minutes, the manager after 45, the VP after 1 h 45.
    /// It names the schedule <c>primary-oncall</c> and the people <c>engineering-manager</c> and
    /// <c>vp-engineering</c>, which an operator creates before a rule chooses this policy.
    /// </summary>
    public static EscalationPolicy Runbook(DateTimeOffset at) => new()
    {
        Name = RunbookName,
        Description = "FA runbook: primary on-call, then secondary after 15 min, engineering manager after 45 min, VP Engineering after 1 h 45 min.",
        Levels =
        [
            new EscalationLevel(TimeSpan.Zero, [RuleChannels], [new NotifyTarget(true, "primary-oncall", false)]),
            new EscalationLevel(TimeSpan.FromMinutes(15), [RuleChannels], [new NotifyTarget(true, "primary-oncall", true)]),
            new EscalationLevel(TimeSpan.FromMinutes(45), [RuleChannels, Channels.PagerDuty], [new NotifyTarget(false, "engineering-manager", false)]),
            new EscalationLevel(TimeSpan.FromMinutes(105), [RuleChannels, Channels.PagerDuty], [new NotifyTarget(false, "vp-engineering", false)]),
        ],
        CreatedAt = at,
        UpdatedAt = at,
    };

    /// <summary>Every way this policy breaks the rules above, as (field, message).</summary>
    public IReadOnlyList<(string Field, string Message)> Problems()
    {
        var problems = new List<(string, string)>();
        if (Levels.Count is 0 or > MaxLevels) problems.Add(("levels", $"a policy has 1 to {MaxLevels} levels (got {Levels.Count})."));
        for (var i = 0; i < Levels.Count; i++)
        {
            var level = Levels[i];
            if (level.After < TimeSpan.Zero) problems.Add(($"levels[{i}].after", "after must not be negative."));
            else if (level.After > MaxAfter) problems.Add(($"levels[{i}].after", $"after is at most {DurationText.Format(MaxAfter)} from firing."));
            else if (level.After.Ticks % TimeSpan.TicksPerSecond != 0) problems.Add(($"levels[{i}].after", "after is a whole number of seconds."));
            if (i > 0 && level.After <= Levels[i - 1].After)
            {
                problems.Add(($"levels[{i}].after", $"each level's after must be later than the one before ({DurationText.Format(Levels[i - 1].After)})."));
            }
            if (level.Channels.Count == 0 && level.Notify.Count == 0) problems.Add(($"levels[{i}]", "a level sends to at least one channel or person."));
            foreach (var channel in level.Channels.Where(c => c != RuleChannels && !Alerts.Channels.All.Contains(c)))
            {
                problems.Add(($"levels[{i}].channels", $"unknown channel '{channel}'; use {RuleChannels} or {string.Join(", ", Alerts.Channels.All)}."));
            }
        }
        if (Repeat is < 0 or > MaxRepeat) problems.Add(("repeat", $"repeat is 0 to {MaxRepeat}."));
        if (RepeatInterval is { } interval && (interval < TimeSpan.FromMinutes(1) || interval > TimeSpan.FromDays(7)))
        {
            problems.Add(("repeat_interval", "repeat_interval is 1m to 7d."));
        }
        // Every bound above holds, so this cannot overflow: at most (7d + 7d) × 11.
        if (problems.Count == 0 && CycleLength * (Repeat + 1) > MaxPlanSpan)
        {
            problems.Add(("repeat", $"the levels and their repeats must all fall within {DurationText.Format(MaxPlanSpan)} of firing."));
        }
        return problems;
    }
}
