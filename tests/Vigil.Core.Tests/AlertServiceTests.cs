using Vigil.Core.Alerts;
using Vigil.Core.Tests.Fakes;

namespace Vigil.Core.Tests;

/// <summary>Acknowledging and resolving by hand: the outcome, the alert returned, and who hears of it.</summary>
public class AlertServiceTests
{
    private static readonly DateTimeOffset Fired = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static async Task<(AlertingHarness H, AlertService Service, Alert Alert)> SentAsync()
    {
        var h = new AlertingHarness(Fired.AddMinutes(20));
        var alert = TestAlerts.Firing(Fired);
        h.Alerts.Add(alert);
        await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);
        await h.Service.SendStepAsync(alert.Id, alert.Plan.Steps[2], CancellationToken.None);
        h.Sender.Sent.Clear();
        return (h, new AlertService(h.Alerts, h.Service, h.Clock), alert);
    }

    [Fact]
    public async Task Acknowledging_tells_the_incident_tools_and_returns_the_alert_with_that_notice()
    {
        var (h, service, alert) = await SentAsync();

        var (outcome, acked) = await service.AcknowledgeAsync(alert.Id, "oncall@example.com", "looking", CancellationToken.None);

        Assert.Equal(AckOutcome.Acknowledged, outcome);
        Assert.Equal((AlertState.Acknowledged, (DateTimeOffset?)h.Clock.Now, "oncall@example.com", "looking"), (acked!.State, acked.AcknowledgedAt, acked.AcknowledgedBy, acked.AcknowledgeNote));
        Assert.Equal(2, acked.Notifications.Count(n => n.Kind == NotificationKind.Acknowledge));
        Assert.Equal(["opsgenie", "pagerduty"], h.Sender.Sent.Select(s => s.Channel).Order(StringComparer.Ordinal));
        Assert.Equal("looking", h.Sender.To("pagerduty").Note);
    }

    [Fact]
    public async Task Acknowledging_again_changes_nothing_and_tells_nobody()
    {
        var (h, service, alert) = await SentAsync();
        await service.AcknowledgeAsync(alert.Id, "first@example.com", null, CancellationToken.None);
        h.Sender.Sent.Clear();

        var (outcome, again) = await service.AcknowledgeAsync(alert.Id, "second@example.com", null, CancellationToken.None);

        Assert.Equal(AckOutcome.AlreadyAcknowledged, outcome);
        Assert.Equal("first@example.com", again!.AcknowledgedBy);
        Assert.Empty(h.Sender.Sent);
    }

    [Fact]
    public async Task Resolving_a_fired_alert_tells_every_channel_that_was_sent_it()
    {
        var (h, service, alert) = await SentAsync();

        var (outcome, resolved) = await service.ResolveAsync(alert.Id, "oncall@example.com", "fixed the deploy", CancellationToken.None);

        Assert.Equal(ResolveOutcome.Resolved, outcome);
        Assert.Equal((AlertState.Resolved, (DateTimeOffset?)h.Clock.Now, "oncall@example.com"), (resolved!.State, resolved.ResolvedAt, resolved.ResolvedBy));
        Assert.Equal(3, resolved.Notifications.Count(n => n.Kind == NotificationKind.Resolve));
        Assert.Equal(["opsgenie", "pagerduty", "slack"], h.Sender.Sent.Select(s => s.Channel).Order(StringComparer.Ordinal));
        Assert.All(h.Sender.Sent, s => Assert.Equal("fixed the deploy", s.Notification.Note));
    }

    [Fact]
    public async Task Resolving_a_pending_alert_tells_nobody_and_a_resolved_one_stays_as_it_was()
    {
        var h = new AlertingHarness(Fired.AddMinutes(20));
        var service = new AlertService(h.Alerts, h.Service, h.Clock);
        var pending = TestAlerts.Firing(Fired) with { State = AlertState.Pending, FiredAt = null, Plan = null };
        h.Alerts.Add(pending);
        h.Alerts.AddNotification(pending.Id, new NotificationRecord(0, 1, "slack", NotificationKind.Trigger, DeliveryStatus.Sent, 1, Fired, null, Fired));

        var (outcome, resolved) = await service.ResolveAsync(pending.Id, "ops@example.com", null, CancellationToken.None);
        Assert.Equal(ResolveOutcome.Resolved, outcome);
        Assert.Empty(h.Sender.Sent);
        Assert.Equal(AlertState.Resolved, resolved!.State);

        var (again, _) = await service.ResolveAsync(pending.Id, "ops@example.com", null, CancellationToken.None);
        Assert.Equal(ResolveOutcome.AlreadyResolved, again);
        Assert.Equal((ResolveOutcome.NotFound, (Alert?)null), await service.ResolveAsync(Guid.NewGuid(), "ops@example.com", null, CancellationToken.None));
        Assert.Equal((AckOutcome.NotFound, (Alert?)null), await service.AcknowledgeAsync(Guid.NewGuid(), "ops@example.com", null, CancellationToken.None));
    }
}
