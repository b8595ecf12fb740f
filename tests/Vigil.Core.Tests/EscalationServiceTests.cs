using Vigil.Core.Alerts;
using Vigil.Core.OnCall;
using Vigil.Core.Silences;
using Vigil.Core.Tests.Fakes;

namespace Vigil.Core.Tests;

/// <summary>
/// Sending escalation steps and acknowledge/resolve notices on in-memory ports: what goes to which
/// channel with what in it, what is recorded, and when a step is held, skipped or stopped.
/// </summary>
public class EscalationServiceTests
{
    private static readonly DateTimeOffset Fired = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static (AlertingHarness H, Alert Alert) Firing(EscalationPolicy? policy = null, string? tenant = null, bool escalates = true)
    {
        var h = new AlertingHarness(Fired.AddSeconds(30));
        var alert = TestAlerts.Firing(Fired, policy, tenant: tenant, escalates: escalates);
        h.Alerts.Add(alert);
        return (h, alert);
    }

    private static EscalationPolicy Policy(params EscalationLevel[] levels) => new() { Name = "custom", Levels = levels };

    private static Person Alice => new() { Id = "alice", Name = "Alice Example", Email = "alice@example.com", SlackUserId = "U0ALICE" };

    private static Silence SilenceOf(string rule, DateTimeOffset start, DateTimeOffset end, DateTimeOffset? expired = null)
    {
        Assert.True(SilenceMatcher.TryCreate("rule", MatchOperator.Equal, rule, out var matcher, out _));
        return new Silence(Guid.NewGuid(), null, [matcher], start, end, "ops@example.com", null, start, expired);
    }

    [Fact]
    public async Task The_first_step_goes_to_the_rules_channels_with_the_alert_and_both_ways_to_acknowledge()
    {
        var (h, alert) = Firing();

        var outcome = await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);

        Assert.Equal(StepResult.Sent, outcome.Result);
        var sent = h.Sender.To("slack");
        Assert.Single(h.Sender.Sent);
        Assert.Equal("[CRITICAL] high_error_rate (bot=lead_bot)", sent.Title);
        Assert.Equal("escalation level 1 of 3", sent.Status);
        Assert.Equal("trigger", sent.Event);
        Assert.True(sent.MailToConfigured);
        var ackLink = Assert.Single(sent.Links, l => l.IsAction).Url;
        Assert.StartsWith($"{AlertingHarness.PublicBase}/api/ack/", ackLink);
        Assert.Equal(AckLinks.TokenLength, ackLink.Length - $"{AlertingHarness.PublicBase}/api/ack/".Length);
        Assert.Equal(alert.Id, (await h.AckLinks.FindAsync(ackLink.Split('/')[^1], CancellationToken.None))?.Id);
        Assert.Contains(sent.Links, l => !l.IsAction && l.Url == $"{AlertingHarness.PublicBase}/api/alerts/{alert.Id}/ack");

        var record = Assert.Single(h.Alerts.NotificationsOf(alert.Id));
        Assert.Equal((DeliveryStatus.Sent, 1, (DateTimeOffset?)h.Clock.Now, 1, 1), (record.Status, record.Attempts, record.SentAt, record.Level, record.Step));
        Assert.Equal(1, h.Alerts.Alerts[alert.Id].EscalationStep);
    }

    [Fact]
    public async Task A_step_already_sent_is_not_sent_again()
    {
        var (h, alert) = Firing();
        await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);

        var again = await h.Service.SendStepAsync(alert.Id, alert.Plan.Steps[0], CancellationToken.None);

        Assert.Equal(StepResult.AlreadySent, again.Result);
        Assert.True(again.Continues);
        Assert.Single(h.Sender.Sent);
    }

    [Fact]
    public async Task A_step_another_host_recorded_first_is_not_delivered_twice()
    {
        var (h, alert) = Firing();
        h.Alerts.StepRecordedElsewhere.Add(alert.Id);

        var outcome = await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);

        Assert.Equal(StepResult.AlreadySent, outcome.Result);
        Assert.Empty(h.Sender.Sent);
        Assert.Empty(h.ServiceLog.Entries);
    }

    [Fact]
    public async Task Later_steps_go_to_their_levels_channels_and_say_which_level()
    {
        var (h, alert) = Firing();

        await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[2], CancellationToken.None);

        Assert.Equal(["opsgenie", "pagerduty"], h.Sender.Sent.Select(s => s.Channel).Order(StringComparer.Ordinal));
        Assert.All(h.Sender.Sent, s => Assert.Equal("escalation level 3 of 3", s.Notification.Status));
        Assert.Equal((3, 3), (h.Alerts.Alerts[alert.Id].EscalationStep, h.Alerts.Alerts[alert.Id].EscalationLevel));
    }

    [Theory]
    [InlineData(AlertState.Acknowledged)]
    [InlineData(AlertState.Resolved)]
    [InlineData(AlertState.Pending)]
    public async Task An_alert_that_no_longer_fires_stops_its_escalation(AlertState state)
    {
        var (h, alert) = Firing();
        h.Alerts.Alerts[alert.Id] = alert with { State = state };

        var outcome = await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);

        Assert.Equal(StepResult.Stopped, outcome.Result);
        Assert.False(outcome.Continues);
        Assert.Empty(h.Sender.Sent);
    }

    [Fact]
    public async Task An_unknown_alert_stops()
    {
        var (h, alert) = Firing();
        Assert.Equal(StepResult.Stopped, (await h.Service.SendStepAsync(Guid.NewGuid(), alert.Plan!.Steps[0], CancellationToken.None)).Result);
    }

    [Fact]
    public async Task An_old_orchestrations_level_is_the_plans_first_step_of_that_level()
    {
        var (h, alert) = Firing();

        var outcome = await h.Service.SendStepAsync(alert.Id, new EscalationStep(0, 2, 0, TimeSpan.Zero, [], []), CancellationToken.None);

        Assert.Equal(StepResult.Sent, outcome.Result);
        Assert.Equal(["email", "slack", "webhook"], h.Sender.Sent.Select(s => s.Channel).Order(StringComparer.Ordinal));
        Assert.Equal(2, h.Alerts.Alerts[alert.Id].EscalationStep);
        Assert.Equal(StepResult.Stopped, (await h.Service.SendStepAsync(alert.Id, new EscalationStep(0, 4, 0, TimeSpan.Zero, [], []), CancellationToken.None)).Result);
    }

    [Fact]
    public async Task A_warning_that_does_not_escalate_says_notification_not_a_level()
    {
        var (h, alert) = Firing(escalates: false);

        await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);

        Assert.Equal("notification", h.Sender.To("slack").Status);
    }

    [Fact]
    public async Task The_people_a_step_notifies_get_it_on_their_contact_points_and_mail_only_for_them()
    {
        var (h, alert) = Firing(Policy(new EscalationLevel(TimeSpan.Zero, [Channels.Webhook], [new NotifyTarget(false, "alice", false), new NotifyTarget(false, "nobody", false)])));
        h.OnCall.People.Add(Alice);

        var outcome = await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);

        Assert.Equal(StepResult.Sent, outcome.Result);
        Assert.Equal(["email", "slack", "webhook"], h.Sender.Sent.Select(s => s.Channel).Order(StringComparer.Ordinal));
        Assert.False(h.Sender.To("email").MailToConfigured);
        Assert.False(h.Sender.To("slack").MailToConfigured);
        Assert.True(h.Sender.To("webhook").MailToConfigured);
        Assert.All(h.Sender.Sent, s => Assert.Equal("alice", Assert.Single(s.Notification.Recipients).Id));
        Assert.Contains(h.Sender.To("webhook").Facts, f => f.Name == "On call" && f.Value == "Alice Example");
        Assert.All(h.Alerts.NotificationsOf(alert.Id), n => Assert.Equal(["alice"], n.Recipients));
    }

    [Fact]
    public async Task A_person_with_a_teams_name_adds_teams_and_one_with_no_contact_points_adds_nothing()
    {
        var (h, alert) = Firing(Policy(new EscalationLevel(TimeSpan.Zero, [Channels.Webhook], [new NotifyTarget(false, "bob", false), new NotifyTarget(false, "carol", false)])));
        h.OnCall.People.Add(new Person { Id = "bob", Name = "Bob", TeamsUpn = "bob@example.com" });
        h.OnCall.People.Add(new Person { Id = "carol", Name = "Carol" });

        await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);

        Assert.Equal(["teams", "webhook"], h.Sender.Sent.Select(s => s.Channel).Order(StringComparer.Ordinal));
        Assert.Equal(["bob", "carol"], h.Sender.To("teams").Recipients.Select(r => r.Id));
    }

    [Fact]
    public async Task A_channel_that_is_down_is_recorded_as_failed_and_the_others_still_go()
    {
        var (h, alert) = Firing();
        h.Sender.Down.Add("email");

        await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[1], CancellationToken.None);

        var records = h.Alerts.NotificationsOf(alert.Id).ToDictionary(n => n.Channel);
        Assert.Equal((DeliveryStatus.Failed, 3, (DateTimeOffset?)null, "email answered 503"), (records["email"].Status, records["email"].Attempts, records["email"].SentAt, records["email"].Error));
        Assert.Equal((DeliveryStatus.Sent, (DateTimeOffset?)h.Clock.Now), (records["slack"].Status, records["slack"].SentAt));
        Assert.Equal(DeliveryStatus.Sent, records["webhook"].Status);
    }

    [Fact]
    public async Task A_step_due_under_a_silence_is_held_until_the_earliest_end_and_recorded_as_suppressed()
    {
        var (h, alert) = Firing();
        var now = h.Clock.Now;
        var longer = SilenceOf("high_error_rate", now.AddHours(-1), now.AddHours(3));
        var shorter = SilenceOf("high_error_rate", now.AddHours(-1), now.AddHours(5), expired: now.AddHours(2));
        h.Silences.Silences.AddRange([longer, shorter, SilenceOf("other_rule", now.AddHours(-1), now.AddMinutes(10)), SilenceOf("high_error_rate", now.AddHours(-2), now.AddMinutes(-1))]);

        var outcome = await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);

        Assert.Equal(StepResult.Held, outcome.Result);
        Assert.True(outcome.Continues);
        Assert.Equal(now.AddHours(2), outcome.HeldUntil);
        Assert.Empty(h.Sender.Sent);
        var suppressed = Assert.Single(h.Alerts.NotificationsOf(alert.Id));
        Assert.Equal((DeliveryStatus.Suppressed, "slack"), (suppressed.Status, suppressed.Channel));
        Assert.Equal($"silenced by {longer.Id}, {shorter.Id} until 2026-11-21 12:00:30 UTC", suppressed.Error);
        Assert.Equal(now.AddHours(2), h.Alerts.Alerts[alert.Id].HeldUntil);
        Assert.Equal(0, h.Alerts.Alerts[alert.Id].EscalationStep);
    }

    [Fact]
    public async Task A_silence_that_does_not_match_lets_the_step_go()
    {
        var (h, alert) = Firing();
        h.Silences.Silences.Add(SilenceOf("other_rule", h.Clock.Now.AddHours(-1), h.Clock.Now.AddHours(1)));

        Assert.Equal(StepResult.Sent, (await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None)).Result);
    }

    [Fact]
    public async Task A_step_held_by_a_silence_after_the_alert_moved_past_it_stops()
    {
        var (h, alert) = Firing();
        h.Silences.Silences.Add(SilenceOf("high_error_rate", h.Clock.Now.AddHours(-1), h.Clock.Now.AddHours(1)));
        h.Alerts.StepRecordedElsewhere.Add(alert.Id);

        var outcome = await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);

        Assert.Equal(StepResult.Stopped, outcome.Result);
        Assert.Empty(h.Alerts.NotificationsOf(alert.Id));
        Assert.Empty(h.ServiceLog.Entries);
    }

    [Fact]
    public async Task A_later_step_is_held_too_and_recorded_as_suppressed_once()
    {
        var (h, alert) = Firing();
        h.Silences.Silences.Add(SilenceOf("high_error_rate", h.Clock.Now.AddHours(-1), h.Clock.Now.AddHours(1)));
        h.Alerts.Alerts[alert.Id] = alert with { EscalationStep = 1 };

        Assert.Equal(StepResult.Held, (await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[1], CancellationToken.None)).Result);
        Assert.Equal(StepResult.Held, (await h.Service.SendStepAsync(alert.Id, alert.Plan.Steps[1], CancellationToken.None)).Result);
        Assert.Equal(StepResult.AlreadySent, (await h.Service.SendStepAsync(alert.Id, alert.Plan.Steps[0], CancellationToken.None)).Result);

        Assert.Equal(["email", "slack", "webhook"], h.Alerts.NotificationsOf(alert.Id).Select(n => n.Channel).Order(StringComparer.Ordinal));
        Assert.All(h.Alerts.NotificationsOf(alert.Id), n => Assert.Equal((DeliveryStatus.Suppressed, 2, 2), (n.Status, n.Level, n.Step)));
    }

    [Fact]
    public async Task A_resolve_notice_goes_to_the_channels_that_were_sent_the_alert()
    {
        var (h, alert) = Firing();
        h.Sender.Down.Add("webhook");
        await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);
        await h.Service.SendStepAsync(alert.Id, alert.Plan.Steps[1], CancellationToken.None);
        h.Sender.Sent.Clear();
        h.Clock.Advance(TimeSpan.FromMinutes(4));
        h.Alerts.Alerts[alert.Id] = h.Alerts.Alerts[alert.Id] with { State = AlertState.Resolved, ResolvedAt = h.Clock.Now, ResolveReason = "error_rate is 0.01, no longer > 0.1" };

        await h.Service.NotifyStateChangeAsync(alert.Id, NotificationKind.Resolve, CancellationToken.None);

        Assert.Equal(["email", "slack"], h.Sender.Sent.Select(s => s.Channel).Order(StringComparer.Ordinal));
        var notice = h.Sender.To("slack");
        Assert.Equal("RESOLVED high_error_rate (bot=lead_bot)", notice.Title);
        Assert.Equal("notice", notice.Status);
        Assert.Equal("error_rate is 0.01, no longer > 0.1", notice.Note);
        Assert.Empty(notice.Links);
        Assert.True(h.Sender.To("email").MailToConfigured);
        var resolves = h.Alerts.NotificationsOf(alert.Id).Where(n => n.Kind == NotificationKind.Resolve).ToList();
        Assert.Equal(2, resolves.Count);
        Assert.All(resolves, r => Assert.Equal((0, DeliveryStatus.Sent, h.Clock.Now), (r.Level, r.Status, r.CreatedAt)));
    }

    [Fact]
    public async Task An_acknowledgement_is_told_only_to_the_incident_tools()
    {
        var (h, alert) = Firing();
        await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);
        await h.Service.SendStepAsync(alert.Id, alert.Plan.Steps[2], CancellationToken.None);
        h.Sender.Sent.Clear();
        h.Alerts.Alerts[alert.Id] = h.Alerts.Alerts[alert.Id] with { State = AlertState.Acknowledged, AcknowledgedAt = h.Clock.Now, AcknowledgedBy = "oncall@example.com" };

        await h.Service.NotifyStateChangeAsync(alert.Id, NotificationKind.Acknowledge, CancellationToken.None);

        Assert.Equal(["opsgenie", "pagerduty"], h.Sender.Sent.Select(s => s.Channel).Order(StringComparer.Ordinal));
        Assert.Equal("oncall@example.com", h.Sender.To("pagerduty").Actor);
    }

    [Fact]
    public async Task Nothing_is_recorded_when_no_channel_was_sent_the_alert()
    {
        var (h, alert) = Firing();
        await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);
        h.Sender.Sent.Clear();

        await h.Service.NotifyStateChangeAsync(alert.Id, NotificationKind.Acknowledge, CancellationToken.None);
        await h.Service.NotifyStateChangeAsync(Guid.NewGuid(), NotificationKind.Resolve, CancellationToken.None);

        Assert.Empty(h.Sender.Sent);
        Assert.Single(h.Alerts.NotificationsOf(alert.Id));
    }

    [Fact]
    public async Task The_people_a_trigger_was_for_hear_of_the_resolution_and_the_mail_list_only_if_a_step_mailed_it()
    {
        var (h, alert) = Firing(Policy(new EscalationLevel(TimeSpan.Zero, [Channels.Webhook], [new NotifyTarget(false, "alice", false)])));
        h.OnCall.People.Add(Alice);
        await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);
        h.Sender.Sent.Clear();

        await h.Service.NotifyStateChangeAsync(alert.Id, NotificationKind.Resolve, CancellationToken.None);

        Assert.Equal(["email", "slack", "webhook"], h.Sender.Sent.Select(s => s.Channel).Order(StringComparer.Ordinal));
        Assert.All(h.Sender.Sent, s => Assert.False(s.Notification.MailToConfigured));
        Assert.All(h.Sender.Sent, s => Assert.Equal("Alice Example", Assert.Single(s.Notification.Recipients).Name));
    }

    [Fact]
    public async Task A_step_that_mails_in_its_own_right_keeps_the_mail_list_on_the_resolution()
    {
        var (h, alert) = Firing(Policy(new EscalationLevel(TimeSpan.Zero, [Channels.Email], [new NotifyTarget(false, "alice", false)])));
        h.OnCall.People.Add(Alice);
        await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);
        Assert.True(h.Sender.To("email").MailToConfigured);
        h.Sender.Sent.Clear();

        await h.Service.NotifyStateChangeAsync(alert.Id, NotificationKind.Resolve, CancellationToken.None);

        Assert.True(h.Sender.To("email").MailToConfigured);
    }

    [Fact]
    public async Task People_whose_trigger_failed_are_not_told_of_the_resolution()
    {
        var (h, alert) = Firing(Policy(
            new EscalationLevel(TimeSpan.Zero, [Channels.Webhook], [new NotifyTarget(false, "alice", false)]),
            new EscalationLevel(TimeSpan.FromMinutes(5), [Channels.Opsgenie], [new NotifyTarget(false, "bob", false)])));
        h.OnCall.People.Add(new Person { Id = "alice", Name = "Alice Example" });
        h.OnCall.People.Add(new Person { Id = "bob", Name = "Bob Example" });
        h.Sender.Down.Add(Channels.Opsgenie);
        await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);
        await h.Service.SendStepAsync(alert.Id, alert.Plan.Steps[1], CancellationToken.None);
        h.Sender.Sent.Clear();

        await h.Service.NotifyStateChangeAsync(alert.Id, NotificationKind.Resolve, CancellationToken.None);

        Assert.Equal("webhook", Assert.Single(h.Sender.Sent).Channel);
        Assert.Equal(["alice"], h.Sender.To("webhook").Recipients.Select(r => r.Id));
    }

    [Fact]
    public async Task A_trigger_recorded_without_its_step_keeps_the_mail_list_only_if_it_was_mail()
    {
        var (h, alert) = Firing();
        h.Alerts.AddNotification(alert.Id, new NotificationRecord(0, 1, Channels.Slack, NotificationKind.Trigger, DeliveryStatus.Sent, 1, Fired, null, Fired));

        await h.Service.NotifyStateChangeAsync(alert.Id, NotificationKind.Resolve, CancellationToken.None);

        Assert.False(h.Sender.To("slack").MailToConfigured);
    }

    [Fact]
    public async Task A_stale_trigger_is_addressed_as_its_own_step_was_not_as_the_alerts_latest()
    {
        var (h, alert) = Firing();
        h.Alerts.Alerts[alert.Id] = alert with { EscalationStep = 2 };
        // Step 1 named only Slack; an e-mail it sent was for its people alone, even though step 2 mails the list.
        h.Alerts.AddNotification(alert.Id, new NotificationRecord(0, 1, Channels.Email, NotificationKind.Trigger, DeliveryStatus.Pending, 0, null, null, Fired.AddMinutes(-5)) { Step = 1 });

        await h.Service.RedeliverStaleAsync(CancellationToken.None);

        Assert.False(h.Sender.To("email").MailToConfigured);
    }

    [Fact]
    public async Task What_an_operator_reads_in_the_logs_sent_held_unresolved_and_failed()
    {
        var (h, alert) = Firing(Policy(new EscalationLevel(TimeSpan.Zero, [Channels.Webhook, Channels.Slack], [new NotifyTarget(false, "nobody", false)])));
        h.Sender.Down.Add(Channels.Slack);

        await h.Service.SendStepAsync(alert.Id, alert.Plan!.Steps[0], CancellationToken.None);

        Assert.Equal("Alert high_error_rate (bot=lead_bot): escalation level 1 cannot notify person:nobody: no person 'nobody'", h.ServiceLog.Single(1304));
        Assert.Equal("Alert high_error_rate (bot=lead_bot): escalation level 1 to webhook, slack", h.ServiceLog.Single(1301));
        Assert.Equal("trigger of alert high_error_rate to slack failed after 3 attempts: slack answered 503", h.ServiceLog.Single(1302));
        Assert.DoesNotContain(h.ServiceLog.Entries, e => e.EventId == 1302 && e.Message.Contains("webhook"));

        var (held, heldAlert) = Firing();
        Assert.True(SilenceMatcher.TryCreate("rule", MatchOperator.Equal, heldAlert.Rule, out var matcher, out _));
        held.Silences.Silences.Add(new Silence(Guid.NewGuid(), null, [matcher], Fired, Fired.AddHours(1), "ops", null, Fired, null));
        await held.Service.SendStepAsync(heldAlert.Id, heldAlert.Plan!.Steps[0], CancellationToken.None);
        Assert.StartsWith("Alert high_error_rate (bot=lead_bot): escalation level 1 held by a silence until ", held.ServiceLog.Single(1303));
        Assert.DoesNotContain(held.ServiceLog.Entries, e => e.EventId == 1301);
    }

    [Fact]
    public async Task An_alert_without_a_plan_keeps_the_mail_list_on_its_notices()
    {
        var (h, alert) = Firing();
        h.Alerts.Alerts[alert.Id] = alert with { Plan = null, State = AlertState.Resolved };
        h.Alerts.AddNotification(alert.Id, new NotificationRecord(0, 2, Channels.Email, NotificationKind.Trigger, DeliveryStatus.Sent, 1, Fired, null, Fired));

        await h.Service.NotifyStateChangeAsync(alert.Id, NotificationKind.Resolve, CancellationToken.None);

        Assert.True(h.Sender.To("email").MailToConfigured);
        Assert.Equal("notice", h.Sender.To("email").Status);
    }

    [Fact]
    public async Task Sends_a_stopped_host_left_pending_are_delivered_again_with_an_acknowledge_link_for_triggers()
    {
        var (h, alert) = Firing();
        var old = h.Clock.Now.AddMinutes(-2);
        h.Alerts.AddNotification(alert.Id, new NotificationRecord(0, 2, Channels.Email, NotificationKind.Trigger, DeliveryStatus.Pending, 0, null, null, old) { Step = 2 });
        h.Alerts.AddNotification(alert.Id, new NotificationRecord(0, 0, Channels.Slack, NotificationKind.Resolve, DeliveryStatus.Pending, 0, null, null, old));
        h.Alerts.AddNotification(alert.Id, new NotificationRecord(0, 1, Channels.Webhook, NotificationKind.Trigger, DeliveryStatus.Pending, 0, null, null, h.Clock.Now.AddSeconds(-30)));
        h.Alerts.AddNotification(Guid.NewGuid(), new NotificationRecord(0, 1, Channels.Webhook, NotificationKind.Trigger, DeliveryStatus.Pending, 0, null, null, old));

        var retried = await h.Service.RedeliverStaleAsync(CancellationToken.None);

        Assert.Equal(3, retried);
        Assert.Equal(h.Clock.Now.AddMinutes(-1), h.Log.StaleOlderThan);
        Assert.Equal(["email", "slack"], h.Sender.Sent.Select(s => s.Channel).Order(StringComparer.Ordinal));
        Assert.Equal("escalation level 2 of 3", h.Sender.To("email").Status);
        Assert.Contains(h.Sender.To("email").Links, l => l.IsAction);
        Assert.Null(h.Sender.To("slack").Payload["ack_link"]);
        Assert.Equal("notice", h.Sender.To("slack").Status);
        Assert.Equal(DeliveryStatus.Pending, h.Alerts.NotificationsOf(alert.Id).Single(n => n.Channel == Channels.Webhook).Status);
        Assert.All(h.Alerts.NotificationsOf(alert.Id).Where(n => n.Channel != Channels.Webhook), n => Assert.Equal(DeliveryStatus.Sent, n.Status));
    }

    [Fact]
    public async Task The_functions_app_starts_each_firing_alerts_escalation_once_and_drops_the_rest()
    {
        var (h, alert) = Firing();
        var acknowledged = TestAlerts.Firing(Fired) with { State = AlertState.Acknowledged };
        h.Alerts.Add(acknowledged);
        var schedule = new FakeEscalationSchedule();
        schedule.Due(alert.Id, 1, Fired);
        schedule.Due(acknowledged.Id, 1, Fired);
        schedule.Due(Guid.NewGuid(), 1, Fired);
        var later = TestAlerts.Firing(Fired);
        h.Alerts.Add(later);
        schedule.Due(later.Id, 1, h.Clock.Now.AddMinutes(1));
        var started = new List<EscalationPlan>();

        var count = await h.Service.StartDueEscalationsAsync(schedule, (plan, _) => { started.Add(plan); return Task.CompletedTask; }, CancellationToken.None);

        Assert.Equal(1, count);
        Assert.Equal(alert.Id, Assert.Single(started).AlertId);
        Assert.Equal([later.Id], schedule.Rows.Keys);
        Assert.Equal([200], schedule.ClaimLimits);
    }

    [Fact]
    public async Task Starting_escalations_goes_on_while_a_batch_is_full()
    {
        var h = new AlertingHarness(Fired.AddMinutes(1));
        var schedule = new FakeEscalationSchedule();
        for (var i = 0; i < 201; i++)
        {
            var alert = TestAlerts.Firing(Fired);
            h.Alerts.Add(alert);
            schedule.Due(alert.Id, 1, Fired);
        }
        var started = 0;

        var count = await h.Service.StartDueEscalationsAsync(schedule, (_, _) => { started++; return Task.CompletedTask; }, CancellationToken.None);

        Assert.Equal((201, 201), (count, started));
        Assert.Equal([200, 200], schedule.ClaimLimits);
        Assert.Empty(schedule.Rows);
        Assert.Equal(TimeSpan.FromMinutes(2), EscalationService.StartLease);
    }

    [Fact]
    public async Task An_alert_that_fired_before_plans_were_kept_escalates_by_the_stored_default_else_the_settings()
    {
        var (h, alert) = Firing();
        var unplanned = alert with { Plan = null };

        var fromSettings = await h.Service.PlanOfAsync(unplanned, CancellationToken.None);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMinutes(7), TimeSpan.FromMinutes(19)], fromSettings.Steps.Select(s => s.After));

        h.Policies.Policies.Add(new EscalationPolicy { Name = EscalationPolicy.DefaultName, Levels = [new EscalationLevel(TimeSpan.Zero, [Channels.Webhook], [])] });
        var stored = await h.Service.PlanOfAsync(unplanned, CancellationToken.None);
        Assert.Equal(["webhook"], Assert.Single(stored.Steps).Channels);

        Assert.Same(alert.Plan, await h.Service.PlanOfAsync(alert, CancellationToken.None));
    }
}
