using Vigil.Core.Alerts;
using Vigil.Core.Incidents;

namespace Vigil.Core.Tests;

/// <summary>An alert's timeline from its stored transitions, notifications and postmortems.</summary>
public class IncidentTimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);

    private static NotificationRecord Send(long id, int level, int? step, string channel, NotificationKind kind, DeliveryStatus status,
        int createdSec, int? sentSec, string? error = null) =>
        new(id, level, channel, kind, status, 1, sentSec is { } s ? T0.AddSeconds(s) : null, error, T0.AddSeconds(createdSec))
        {
            Step = step,
            Recipients = channel == "email" ? ["alice"] : [],
        };

    [Fact]
    public void Every_transition_step_send_and_postmortem_appears_in_time_order_with_its_actor()
    {
        var alert = new Alert
        {
            Id = Guid.NewGuid(), Rule = "errors", Group = new Dictionary<string, string> { ["bot"] = "b" }, GroupKey = "bot=b", Severity = Severity.Critical,
            State = AlertState.Resolved, StartedAt = T0.AddSeconds(70), BreachStartedAt = T0, FiredAt = T0.AddSeconds(190),
            AcknowledgedAt = T0.AddSeconds(1990), AcknowledgedBy = "alice", ResolvedAt = T0.AddSeconds(2890), ResolvedBy = "bob",
            Metric = "error_rate", Comparator = ">", Threshold = 0.5,
            Notifications =
            [
                Send(1, 1, 1, "webhook", NotificationKind.Trigger, DeliveryStatus.Sent, 190, 191),
                Send(2, 2, 2, "email", NotificationKind.Trigger, DeliveryStatus.Sent, 490, 492),
                Send(3, 2, 2, "slack", NotificationKind.Trigger, DeliveryStatus.Failed, 490, null, "404"),
                Send(4, 0, null, "webhook", NotificationKind.Resolve, DeliveryStatus.Sent, 2890, 2891),
            ],
        };
        AlertTransition[] transitions =
        [
            new(null, AlertState.Pending, T0.AddSeconds(70), 0.6, "error_rate 0.6 > 0.5"),
            new(AlertState.Pending, AlertState.Firing, T0.AddSeconds(190), 0.6, "held"),
            new(AlertState.Firing, AlertState.Acknowledged, T0.AddSeconds(1990), null, "acknowledged by alice"),
            new(AlertState.Acknowledged, AlertState.Resolved, T0.AddSeconds(2890), null, "resolved by bob"),
        ];
        var text = new PostmortemText("s", "", "", "", "", []);
        Postmortem[] postmortems = [new(alert.Id, 2, text, "erin", T0.AddHours(3)), new(alert.Id, 1, text, "dave", T0.AddHours(2))];

        var timeline = IncidentTimeline.Build(alert, transitions, postmortems);
        Assert.Equal(
        [
            ("breach_started", 0, "vigil", null),
            ("pending", 70, "vigil", null),
            ("fired", 190, "vigil", null),
            ("escalation_step", 190, "vigil", null),
            ("notification_sent", 191, "vigil", "webhook"),
            ("escalation_step", 490, "vigil", null),
            ("notification_failed", 490, "vigil", "slack"),
            ("notification_sent", 492, "vigil", "email"),
            ("acknowledged", 1990, "alice", null),
            ("resolved", 2890, "bob", null),
            ("notification_sent", 2891, "vigil", "webhook"),
            ("postmortem_written", 7200, "dave", null),
            ("postmortem_replaced", 10800, "erin", null),
        ],
        timeline.Select(e => (e.Event, (int)(e.At - T0).TotalSeconds, e.Actor, e.Channel)));
        var step2 = timeline.Single(e => e is { Event: "escalation_step", Step: 2 });
        Assert.Equal((2, "step 2: level 2 to email, slack"), (step2.Level, step2.Detail));
        Assert.Equal(("404", "trigger"), (timeline.Single(e => e.Event == "notification_failed").Error, timeline.Single(e => e.Event == "notification_failed").Kind));
        Assert.Equal(["alice"], timeline.Single(e => e.Channel == "email").Recipients);
        Assert.Equal("resolve", timeline.Last(e => e.Channel == "webhook").Kind);
        Assert.Equal("revision 2", timeline[^1].Detail);
    }

    [Fact]
    public void An_alert_that_cleared_by_itself_was_resolved_by_vigil_and_one_without_a_breach_start_has_no_such_entry()
    {
        var alert = new Alert
        {
            Id = Guid.NewGuid(), Rule = "r", Group = new Dictionary<string, string>(), GroupKey = "", Severity = Severity.Info, State = AlertState.Resolved,
            StartedAt = T0, FiredAt = T0, ResolvedAt = T0.AddMinutes(5),
        };
        var timeline = IncidentTimeline.Build(alert, [new(null, AlertState.Firing, T0, 1, null), new(AlertState.Firing, AlertState.Resolved, T0.AddMinutes(5), 0, "cleared")], []);
        Assert.Equal([("fired", "vigil"), ("resolved", "vigil")], timeline.Select(e => (e.Event, e.Actor)));
        Assert.Equal("cleared", timeline[1].Detail);
    }
}
