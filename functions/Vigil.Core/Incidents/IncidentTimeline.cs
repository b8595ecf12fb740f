using Vigil.Core.Alerts;

namespace Vigil.Core.Incidents;

/// <summary>
/// An alert's timeline, built from what is stored: the breach start, its state transitions, each
/// escalation step (the first record of the step's sends), every notification with its channel,
/// recipients and outcome, and each postmortem write — in time order. Things stamped with the same
/// instant keep the order in which they happen (a firing before its first step, a step before its
/// sends), since the sort is stable over that order.
/// </summary>
public static class IncidentTimeline
{
    public static IReadOnlyList<TimelineEntry> Build(Alert alert, IReadOnlyList<AlertTransition> transitions, IReadOnlyList<Postmortem> postmortems)
    {
        var entries = new List<TimelineEntry>();
        if (alert.BreachStartedAt is { } breach)
        {
            entries.Add(new(breach, "breach_started", TimelineEntry.VigilActor, $"first minute the rollups saw {alert.Metric} {alert.Comparator} {alert.Threshold:0.###}"));
        }
        foreach (var t in transitions)
        {
            var (name, actor) = t.To switch
            {
                AlertState.Pending => ("pending", TimelineEntry.VigilActor),
                AlertState.Firing => ("fired", TimelineEntry.VigilActor),
                AlertState.Acknowledged => ("acknowledged", alert.AcknowledgedBy ?? TimelineEntry.VigilActor),
                _ => ("resolved", alert.ResolvedBy ?? TimelineEntry.VigilActor),
            };
            entries.Add(new(t.At, name, actor, t.Detail));
        }
        foreach (var step in alert.Notifications.Where(n => n.Kind == NotificationKind.Trigger && n.Step is not null).GroupBy(n => n.Step!.Value).OrderBy(g => g.Key))
        {
            var first = step.MinBy(n => n.CreatedAt)!;
            var channels = string.Join(", ", step.Select(n => n.Channel).Distinct());
            entries.Add(new(first.CreatedAt, "escalation_step", TimelineEntry.VigilActor, $"step {step.Key}: level {first.Level} to {channels}")
            {
                Level = first.Level,
                Step = step.Key,
            });
        }
        foreach (var n in alert.Notifications)
        {
            entries.Add(new(n.SentAt ?? n.CreatedAt, "notification_" + n.Status.ToName(), TimelineEntry.VigilActor, null)
            {
                Level = n.Level,
                Step = n.Step,
                Channel = n.Channel,
                Kind = n.Kind.ToName(),
                Recipients = n.Recipients,
                Error = n.Error,
            });
        }
        foreach (var p in postmortems.OrderBy(p => p.Revision))
        {
            entries.Add(new(p.WrittenAt, p.Revision == 1 ? "postmortem_written" : "postmortem_replaced", p.WrittenBy, $"revision {p.Revision}"));
        }
        return [.. entries.OrderBy(e => e.At)];
    }
}
