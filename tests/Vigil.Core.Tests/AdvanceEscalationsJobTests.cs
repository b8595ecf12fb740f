using Vigil.Core.Alerts;
using Vigil.Core.Silences;
using Vigil.Core.Tests.Fakes;

namespace Vigil.Core.Tests;

/// <summary>The local host's escalation timer on in-memory ports: due steps sent, the next one scheduled, held and stopped ones.</summary>
public class AdvanceEscalationsJobTests
{
    private static readonly DateTimeOffset Fired = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private sealed record Setup(AlertingHarness H, FakeEscalationSchedule Schedule, AdvanceEscalationsJob Job);

    private static Setup Create(DateTimeOffset now)
    {
        var h = new AlertingHarness(now);
        var schedule = new FakeEscalationSchedule();
        return new Setup(h, schedule, new AdvanceEscalationsJob(h.Alerts, schedule, h.Service, h.Clock));
    }

    [Fact]
    public async Task A_due_step_is_sent_and_the_next_step_scheduled_at_its_time()
    {
        var s = Create(Fired.AddSeconds(10));
        var alert = TestAlerts.Firing(Fired);
        s.H.Alerts.Add(alert);
        s.Schedule.Due(alert.Id, 1, Fired);

        var result = await s.Job.RunAsync(CancellationToken.None);

        Assert.Equal("sent 1 escalation steps, 0 held by silences, retried 0 unfinished sends", result.Summary);
        Assert.Equal(new Dictionary<string, long> { ["steps"] = 1, ["held"] = 0, ["retried"] = 0 }, result.Counts);
        Assert.Equal("slack", Assert.Single(s.H.Sender.Sent).Channel);
        Assert.Equal((2, Fired.AddMinutes(5), (DateTimeOffset?)null), s.Schedule.Rows[alert.Id]);
        Assert.Equal(("AdvanceEscalations", "EscalationSchedule", "*/15 * * * * *"), (s.Job.Name, s.Job.ScheduleSetting, s.Job.DefaultSchedule));
    }

    [Fact]
    public async Task The_last_step_ends_the_escalation_and_a_step_already_sent_moves_on_without_counting()
    {
        var s = Create(Fired.AddMinutes(20));
        var last = TestAlerts.Firing(Fired);
        var sent = TestAlerts.Firing(Fired);
        s.H.Alerts.Add(last);
        s.H.Alerts.Add(sent with { EscalationStep = 2 });
        s.Schedule.Due(last.Id, 3, Fired.AddMinutes(15));
        s.Schedule.Due(sent.Id, 2, Fired.AddMinutes(5));

        var result = await s.Job.RunAsync(CancellationToken.None);

        Assert.Equal(1, result.Counts!["steps"]);
        Assert.DoesNotContain(last.Id, s.Schedule.Rows.Keys);
        Assert.Contains(last.Id, s.Schedule.Ended);
        Assert.Equal((3, Fired.AddMinutes(15), (DateTimeOffset?)null), s.Schedule.Rows[sent.Id]);
    }

    [Fact]
    public async Task A_step_under_a_silence_is_rescheduled_for_when_the_silence_ends()
    {
        var s = Create(Fired.AddSeconds(10));
        var alert = TestAlerts.Firing(Fired);
        s.H.Alerts.Add(alert);
        s.Schedule.Due(alert.Id, 1, Fired);
        Assert.True(SilenceMatcher.TryCreate("rule", MatchOperator.Equal, alert.Rule, out var matcher, out _));
        s.H.Silences.Silences.Add(new Silence(Guid.NewGuid(), null, [matcher], Fired.AddHours(-1), Fired.AddHours(1), "ops", null, Fired, null));

        var result = await s.Job.RunAsync(CancellationToken.None);

        Assert.Equal((0L, 1L), (result.Counts!["steps"], result.Counts["held"]));
        Assert.Equal((1, Fired.AddHours(1), (DateTimeOffset?)null), s.Schedule.Rows[alert.Id]);
        Assert.Empty(s.H.Sender.Sent);
    }

    [Fact]
    public async Task Alerts_that_stopped_firing_or_have_no_such_step_end_their_escalation()
    {
        var s = Create(Fired.AddMinutes(1));
        var acked = TestAlerts.Firing(Fired) with { State = AlertState.Acknowledged };
        var noStep = TestAlerts.Firing(Fired);
        s.H.Alerts.Add(acked);
        s.H.Alerts.Add(noStep);
        s.Schedule.Due(acked.Id, 1, Fired);
        s.Schedule.Due(noStep.Id, 9, Fired);
        s.Schedule.Due(Guid.NewGuid(), 1, Fired);

        var result = await s.Job.RunAsync(CancellationToken.None);

        Assert.Equal(0, result.Counts!["steps"]);
        Assert.Empty(s.Schedule.Rows);
        Assert.Equal(3, s.Schedule.Ended.Count);
        Assert.Empty(s.H.Sender.Sent);
    }

    [Fact]
    public async Task A_step_of_an_alert_acknowledged_meanwhile_ends_the_escalation()
    {
        var s = Create(Fired.AddSeconds(10));
        var alert = TestAlerts.Firing(Fired);
        // The job read the alert firing; by the time the step is sent it has been acknowledged.
        var asTheJobReadIt = new FakeAlertStore();
        asTheJobReadIt.Add(alert);
        s.H.Alerts.Add(alert with { State = AlertState.Acknowledged });
        s.Schedule.Due(alert.Id, 1, Fired);
        var job = new AdvanceEscalationsJob(asTheJobReadIt, s.Schedule, s.H.Service, s.H.Clock);

        var result = await job.RunAsync(CancellationToken.None);

        Assert.Equal(0, result.Counts!["steps"]);
        Assert.Equal([alert.Id], s.Schedule.Ended);
        Assert.Empty(s.Schedule.Rows);
    }

    [Fact]
    public async Task Full_batches_are_claimed_until_one_is_not_and_stale_sends_are_retried()
    {
        var s = Create(Fired.AddSeconds(10));
        for (var i = 0; i < 100; i++)
        {
            var alert = TestAlerts.Firing(Fired) with { State = AlertState.Resolved };
            s.H.Alerts.Add(alert);
            s.Schedule.Due(alert.Id, 1, Fired);
        }
        var stale = TestAlerts.Firing(Fired);
        s.H.Alerts.Add(stale with { EscalationStep = 1 });
        s.H.Alerts.AddNotification(stale.Id, new NotificationRecord(0, 1, "webhook", NotificationKind.Trigger, DeliveryStatus.Pending, 0, null, null, Fired.AddMinutes(-5)) { Step = 1 });

        var result = await s.Job.RunAsync(CancellationToken.None);

        Assert.Equal([100, 100], s.Schedule.ClaimLimits);
        Assert.Equal(1, result.Counts!["retried"]);
        Assert.Equal("webhook", Assert.Single(s.H.Sender.Sent).Channel);
    }
}
