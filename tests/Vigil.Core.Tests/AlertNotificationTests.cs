using Vigil.Core.Alerts;
using Vigil.Core.Notifications;

namespace Vigil.Core.Tests;

/// <summary>What the person on call reads, and what a webhook consumer parses, for each kind of alert notice.</summary>
public class AlertNotificationTests
{
    private static readonly DateTimeOffset Started = new(2026, 11, 21, 9, 58, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Fired = new(2026, 11, 21, 10, 0, 7, TimeSpan.Zero);
    private static readonly Guid Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    private static Alert Alert() => new()
    {
        Id = Id, Rule = "slow_answers", Group = new Dictionary<string, string> { ["operation"] = "process", ["bot"] = "lead_bot" }, GroupKey = "bot=lead_bot|operation=process",
        Severity = Severity.Critical, State = AlertState.Firing, StartedAt = Started, FiredAt = Fired, Value = 2734.4, Threshold = 2000, Escalates = true,
        Metric = "latency_p95", Comparator = ">", Window = "5m", Description = "p95 over 2 s", EscalationLevel = 2,
    };

    private static AlertMessage Trigger(Alert? alert = null, int level = 2) =>
        new(alert ?? Alert(), level, NotificationKind.Trigger, "https://vigil.example/api/v1/alerts/x/acknowledge")
        {
            LevelCount = 4, AckLink = "https://vigil.example/ack/token", Recipients = [new Recipient("alice", "Alice A", "alice@example.com")],
        };

    [Fact]
    public void A_trigger_says_severity_rule_group_and_condition_in_plain_ascii()
    {
        var n = AlertNotification.Build(Trigger());
        Assert.Equal("[CRITICAL] slow_answers (bot=lead_bot, operation=process)", n.Title);
        Assert.Equal("[CRITICAL] slow_answers (bot=lead_bot, operation=process): latency_p95 = 2,734 (threshold > 2,000, 5m window)", n.Summary);
        Assert.Equal("[CRITICAL] slow_answers: bot=lead_bot, operation=process", n.ShortTitle);
        Assert.Equal("trigger", n.Event);
        Assert.Equal("critical", n.Severity);
        Assert.Equal("escalation level 2 of 4", n.Status);
        Assert.Equal(IncidentAction.Trigger, n.Incident);
        Assert.All(n.Summary, c => Assert.True(c < 128));
    }

    [Fact]
    public void A_trigger_lists_its_facts_in_order()
    {
        var n = AlertNotification.Build(Trigger());
        Assert.Equal(
            [
                "Rule: slow_answers - p95 over 2 s", "Group: bot=lead_bot, operation=process",
                "Condition: latency_p95 = 2,734 (threshold > 2,000, 5m window)", "Severity: critical",
                "State: firing (escalation level 2 of 4)", "Fired: 2026-11-21 10:00:07 UTC", "On call: Alice A", $"Alert id: {Id}",
            ],
            n.Facts.Select(f => $"{f.Name}: {f.Value}"));
    }

    [Fact]
    public void A_trigger_links_the_phone_page_as_the_action_and_the_api_for_operators()
    {
        var n = AlertNotification.Build(Trigger());
        Assert.Equal(["Acknowledge", "Acknowledge with an operator key: POST"], n.Links.Select(l => l.Label));
        Assert.Equal("https://vigil.example/ack/token", n.Action?.Url);
        Assert.False(n.Links[1].IsAction);
        Assert.Equal("https://vigil.example/api/v1/alerts/x/acknowledge", n.Links[1].Url);
        var noPage = AlertNotification.Build(Trigger() with { AckLink = null });
        Assert.Null(noPage.Action);
        Assert.Single(noPage.Links);
    }

    [Fact]
    public void An_acknowledgement_names_who_and_their_note_and_links_nothing()
    {
        var acked = Alert() with { State = AlertState.Acknowledged, AcknowledgedAt = Fired.AddMinutes(3), AcknowledgedBy = "alice", AcknowledgeNote = "looking" };
        var n = AlertNotification.Build(new AlertMessage(acked, 0, NotificationKind.Acknowledge, "u"));
        Assert.Equal("ACKNOWLEDGED slow_answers (bot=lead_bot, operation=process) by alice", n.Title);
        Assert.Equal("notice", n.Status);
        Assert.Equal(IncidentAction.Acknowledge, n.Incident);
        Assert.Equal("alice", n.Actor);
        Assert.Equal("looking", n.Note);
        Assert.Empty(n.Links);
        Assert.Contains(n.Facts, f => f is { Name: "Acknowledged", Value: "2026-11-21 10:03:07 UTC by alice - looking" });
        Assert.Equal("Acknowledged in Vigil", AlertNotification.Build(new AlertMessage(acked with { AcknowledgeNote = null }, 0, NotificationKind.Acknowledge, "u")).Note);
        Assert.Contains(AlertNotification.Build(new AlertMessage(acked with { AcknowledgeNote = null }, 0, NotificationKind.Acknowledge, "u")).Facts,
            f => f is { Name: "Acknowledged", Value: "2026-11-21 10:03:07 UTC by alice" });
    }

    [Fact]
    public void A_resolution_says_why_and_resolves_the_incident()
    {
        var resolved = Alert() with { State = AlertState.Resolved, ResolvedAt = Fired.AddMinutes(9), ResolveReason = "latency_p95 is 900, no longer > 2000" };
        var n = AlertNotification.Build(new AlertMessage(resolved, 0, NotificationKind.Resolve, "u"));
        Assert.Equal("RESOLVED slow_answers (bot=lead_bot, operation=process)", n.Title);
        Assert.Equal(IncidentAction.Resolve, n.Incident);
        Assert.Equal("latency_p95 is 900, no longer > 2000", n.Note);
        Assert.Null(n.Actor);
        Assert.Contains(n.Facts, f => f is { Name: "Resolved", Value: "2026-11-21 10:09:07 UTC - latency_p95 is 900, no longer > 2000" });
        var bare = AlertNotification.Build(new AlertMessage(resolved with { ResolveReason = null }, 0, NotificationKind.Resolve, "u"));
        Assert.Equal("Resolved in Vigil", bare.Note);
        Assert.Contains(bare.Facts, f => f is { Name: "Resolved", Value: "2026-11-21 10:09:07 UTC" });
    }

    [Fact]
    public void A_warning_that_does_not_escalate_is_a_notification_and_an_unfired_alert_dates_from_its_start()
    {
        var warning = Alert() with { Severity = Severity.Warning, Escalates = false, FiredAt = null, Description = "", Group = new Dictionary<string, string>() };
        var n = AlertNotification.Build(Trigger(warning, level: 1));
        Assert.Equal("notification", n.Status);
        Assert.Equal("[WARNING] slow_answers (all)", n.Title);
        Assert.Equal(Started, n.Timestamp);
        Assert.Contains(n.Facts, f => f is { Name: "Rule", Value: "slow_answers" });
        Assert.Contains(n.Facts, f => f is { Name: "Fired", Value: "2026-11-21 09:58:00 UTC" });
        Assert.Null(n.Component);
    }

    [Fact]
    public void Incident_tools_get_a_stable_key_and_the_alerts_parts()
    {
        var n = AlertNotification.Build(Trigger());
        Assert.Equal(Id.ToString(), n.DedupKey);
        Assert.Equal(Fired, n.Timestamp);
        Assert.Equal("lead_bot", n.Component);
        Assert.Equal("slow_answers", n.Group);
        Assert.Equal("latency_p95", n.Class);
        Assert.Equal("bot=lead_bot, operation=process", n.Entity);
        Assert.Equal(["vigil", "critical", "slow_answers"], n.Tags);
        Assert.Equal(("X-Vigil-Alert", Id.ToString()), n.MailHeader);
        Assert.Equal(["alice"], n.Recipients.Select(r => r.Id));
        Assert.Equal(2734.4, n.Details["value"]);
        Assert.Equal(2000.0, n.Details["threshold"]);
        Assert.Equal(">", n.Details["comparator"]);
        Assert.Equal("5m", n.Details["window"]);
        Assert.Equal(2, n.Details["level"]);
        Assert.Equal("slow_answers", n.Details["rule"]);
        Assert.Equal("https://vigil.example/ack/token", n.Details["ack_link"]);
        Assert.Equal("https://vigil.example/api/v1/alerts/x/acknowledge", n.Details["ack_url"]);
    }

    [Fact]
    public void The_webhook_payload_carries_the_event_the_alert_and_its_recipients()
    {
        var p = AlertNotification.Build(Trigger()).Payload;
        Assert.Equal("trigger", p["event"]);
        Assert.Equal(2, p["level"]);
        Assert.Equal("https://vigil.example/ack/token", p["ack_link"]);
        Assert.Equal("https://vigil.example/api/v1/alerts/x/acknowledge", p["ack_url"]);
        Assert.StartsWith("[CRITICAL] slow_answers", (string)p["summary"]!, StringComparison.Ordinal);
        var recipient = Assert.Single((List<Dictionary<string, object?>>)p["recipients"]!);
        Assert.Equal(("alice", "Alice A", "alice@example.com"), ((string)recipient["id"]!, (string)recipient["name"]!, (string)recipient["email"]!));
        var alert = (Dictionary<string, object?>)p["alert"]!;
        Assert.Equal(Id, alert["id"]);
        Assert.Equal("slow_answers", alert["rule"]);
        Assert.Equal("p95 over 2 s", alert["description"]);
        Assert.Equal("critical", alert["severity"]);
        Assert.Equal("firing", alert["state"]);
        Assert.Equal("latency_p95", alert["metric"]);
        Assert.Equal(">", alert["comparator"]);
        Assert.Equal(2734.4, alert["value"]);
        Assert.Equal(2000.0, alert["threshold"]);
        Assert.Equal("5m", alert["window"]);
        Assert.Equal(Started, alert["started_at"]);
        Assert.Equal(Fired, alert["fired_at"]);
        Assert.Equal(2, alert["escalation_level"]);
        Assert.Null(alert["acknowledged_at"]);
        Assert.Null(alert["resolved_at"]);
        Assert.Null(alert["acknowledged_by"]);
        Assert.Equal("process", ((IReadOnlyDictionary<string, string>)alert["group"]!)["operation"]);
    }

    [Fact]
    public void A_tenants_alert_says_whose_it_is_unless_it_groups_by_tenant()
    {
        Assert.Equal("tenant acme: bot=lead_bot, operation=process", (Alert() with { TenantId = "acme" }).GroupText);
        var byTenant = Alert() with { TenantId = "acme", Group = new Dictionary<string, string> { ["tenant_id"] = "acme" } };
        Assert.Equal("tenant_id=acme", byTenant.GroupText);
    }

    [Fact]
    public void Long_short_titles_are_cut_for_pagers()
    {
        var n = AlertNotification.Build(Trigger(Alert() with { Rule = new string('r', 200) }));
        Assert.Equal(130, n.ShortTitle.Length);
        Assert.EndsWith("...", n.ShortTitle, StringComparison.Ordinal);
    }
}
