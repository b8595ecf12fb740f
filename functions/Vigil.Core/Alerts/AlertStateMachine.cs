namespace Vigil.Core.Alerts;

/// <summary>A rule's reading for one group at one evaluation.</summary>
public sealed record Observation(IReadOnlyDictionary<string, string> Group, string GroupKey, double Value, double Threshold, bool Holds);

public abstract record AlertChange(string Rule, string GroupKey);

/// <summary>A new alert, pending (the rule has a "for") or firing at once.</summary>
public sealed record OpenAlert(string Rule, string GroupKey, Alert Alert) : AlertChange(Rule, GroupKey);

/// <summary>A pending alert fires; <see cref="Plan"/> is its escalation, fixed now.</summary>
public sealed record FireAlert(string Rule, string GroupKey, Guid Id, DateTimeOffset At, double Value) : AlertChange(Rule, GroupKey)
{
    public EscalationPlan? Plan { get; init; }
}

public sealed record UpdateAlert(string Rule, string GroupKey, Guid Id, double Value, double Threshold) : AlertChange(Rule, GroupKey);

public sealed record ResolveAlert(string Rule, string GroupKey, Guid Id, DateTimeOffset At, string Reason, double? Value, bool WasFired) : AlertChange(Rule, GroupKey);

/// <summary>
/// The lifecycle of one (rule, group), as a pure function of what was observed and what is open:
/// pending while the condition has held for less than the rule's "for", then firing; resolved when
/// it clears (or the rule is gone); after a fired alert resolves, the cooldown keeps the same
/// alert from opening again at once.
/// <para>
/// Durations ("for", cooldown) are compared in whole minutes of evaluation (<c>evaluatedAt</c>
/// is the minute), so evaluating the same minute twice decides the same and changes nothing the
/// second time; transitions are stamped with the real time (<c>now</c>), from which
/// escalation delays count.
/// </para>
/// </summary>
public static class AlertStateMachine
{
    public static AlertChange? Decide(AlertRule? rule, Observation? observation, Alert? open, DateTimeOffset? lastFiredResolution, DateTimeOffset evaluatedAt, DateTimeOffset now, Func<Guid> newId)
    {
        if (open is null)
        {
            if (rule is null || observation is not { Holds: true }) return null;
            if (lastFiredResolution is { } resolved && evaluatedAt < Minute(resolved) + rule.Cooldown) return null;
            var firesNow = rule.For <= TimeSpan.Zero;
            var alert = new Alert
            {
                Id = newId(),
                RuleTenantId = rule.TenantId,
                Rule = rule.Name,
                TenantId = rule.TenantOf(observation.Group),
                Group = observation.Group,
                GroupKey = observation.GroupKey,
                Severity = rule.Severity,
                Priority = rule.EffectivePriority,
                State = firesNow ? AlertState.Firing : AlertState.Pending,
                Value = observation.Value,
                Threshold = observation.Threshold,
                StartedAt = now,
                // The evaluator moves this back to the first breaching minute of the window (BreachOnset).
                BreachStartedAt = evaluatedAt,
                FiredAt = firesNow ? now : null,
                Channels = rule.Channels,
                Escalates = rule.Escalates,
                Metric = rule.Metric.ToName(),
                Comparator = rule.Comparator.ToSymbol(),
                Window = DurationText.Format(rule.Window),
                Description = rule.Description,
            };
            return new OpenAlert(rule.Name, observation.GroupKey, alert);
        }

        if (rule is null)
        {
            return new ResolveAlert(open.Rule, open.GroupKey, open.Id, now, "the rule was deleted or disabled", open.Value, open.FiredAt is not null);
        }
        if (observation is not { Holds: true })
        {
            var reason = observation is null ? "no longer enough data to hold" : $"{open.Metric} is {observation.Value:0.###}, no longer {open.Comparator} {observation.Threshold:0.###}";
            return new ResolveAlert(open.Rule, open.GroupKey, open.Id, now, reason, observation?.Value ?? open.Value, open.FiredAt is not null);
        }
        if (open.State == AlertState.Pending && evaluatedAt - Minute(open.StartedAt) >= rule.For)
        {
            return new FireAlert(open.Rule, open.GroupKey, open.Id, now, observation.Value);
        }
        return open.Value == observation.Value && open.Threshold == observation.Threshold
            ? null
            : new UpdateAlert(open.Rule, open.GroupKey, open.Id, observation.Value, observation.Threshold);
    }

    private static DateTimeOffset Minute(DateTimeOffset t) => Metrics.Align.Floor(t, Metrics.Resolution.Minute);
}
