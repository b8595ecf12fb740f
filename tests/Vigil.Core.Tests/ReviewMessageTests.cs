using Vigil.Core.Incidents;
using Vigil.Core.Metrics;
using Vigil.Core.Notifications;
using Vigil.Core.Pricing;
using Vigil.Core.Reviews;

namespace Vigil.Core.Tests;

public class ReviewMessageTests
{
    // The review ReviewComposeTests composes, read at its time.
    private static readonly DateTimeOffset Now = ReviewComposeTests.Now;

    private static ReviewReport WithIncidents() => ReviewComposeTests.Compose() with
    {
        Incidents = ReviewService.IncidentsOf(
            new IncidentReport(Now.AddDays(-7), Now, IncidentGrouping.Rule, new IncidentFigures(4, 90, 600, 9000, 1),
            [
                new IncidentGroup(new Dictionary<string, string?> { ["rule"] = "HighLatency" }, new IncidentFigures(3, 60, 300, 9000, 1)),
                new IncidentGroup(new Dictionary<string, string?> { ["rule"] = null }, new IncidentFigures(1, 180, 1500, null, 0)),
            ]),
            new IncidentReport(Now.AddDays(-14), Now.AddDays(-7), null, new IncidentFigures(2, 400, 100, 1200, 0), [])),
    };

    private static ReviewReport Empty()
    {
        Assert.True(MetricWindow.TryResolve("7d", Now, out var window, out _));
        var nothing = new ReviewService.Snapshot([], [], [], new ConversationFigures(0, [], []), new PriceTable(new Dictionary<string, ModelPrice>()));
        return ReviewService.Compose(window, ReviewService.PreviousOf(window), null, nothing, nothing, null);
    }

    private static NotificationSection Section(Notification n, string heading) => n.Sections.Single(s => s.Heading == heading);

    [Fact]
    public void The_incidents_section_says_each_figure_with_its_change_and_the_targets_it_meets_or_misses()
    {
        var incidents = Section(ReviewMessage.Build(WithIncidents()), "Incidents");
        Assert.Equal(
        [
            "Incidents: this window 4 · previous 2 · change +100.0%",
            "✅ MTTD: this window 90 s · previous 6.7 min · change -77.5% · target < 5 min",
            "MTTA: this window 10 min · previous 100 s · change +500.0%",
            "❌ MTTR: this window 2.5 h · previous 20 min · change +650.0% · target < 30 min",
            "Acknowledged late: this window 1 · previous 0 · change +1",
            "rule HighLatency: this window 3 · previous n/a · change n/a",
            "rule (none): this window 1 · previous n/a · change n/a",
        ], incidents.Lines);
        Assert.Equal(["MTTR", "2.5 h", "20 min", "+650.0%", "< 30 min", "❌"], incidents.Rows![3]);
        Assert.Equal(["MTTA", "10 min", "100 s", "+500.0%"], incidents.Rows[2]);
    }

    [Fact]
    public void Bots_negative_feedback_and_cost_are_each_a_table_of_rows()
    {
        var n = ReviewMessage.Build(WithIncidents());
        Assert.Equal(["Bot", "Error rate", "Satisfaction", "TTFT P95", "Sessions", "Negative feedback"], Section(n, "Bots").Columns);
        Assert.Equal(
        [
            "buyer_bot: error rate ❌ 10.0% · satisfaction ✅ 100.0% · ttft p95 ➖ n/a · sessions 20 (+20) · negative feedback 0 (+0)",
            "lead_bot: error rate ❌ 10.0% · satisfaction ❌ 60.0% · ttft p95 ❌ 2,400 ms · sessions 40 (+33.3%) · negative feedback 4 (+300.0%)",
        ], Section(n, "Bots").Lines);
        var negative = Section(n, "Negative feedback");
        Assert.Equal(["Where", "Negative", "Positive", "Negative share", "Previous negative"], negative.Columns);
        Assert.Equal(
        [
            "bot lead_bot: negative 4 · positive 6 · negative share 40.0% · previous negative 1",
            "tool crm_lookup: negative 1 · positive 3 · negative share 25.0% · previous negative 0",
        ], negative.Lines);
        Assert.Equal(["Conversation", "Bots in order"], Section(n, "Misrouted conversations").Columns);
        Assert.Equal(["c9", "lead_bot → buyer_bot → seller_bot"], Section(n, "Misrouted conversations").Rows![0]);
        Assert.Equal(["Tool", "Calls", "Failure rate", "P95", "Conversations", "Satisfaction"], Section(n, "Tool effectiveness").Columns);
        var cost = Section(n, "Cost");
        Assert.Equal(["Where", "Cost", "Previous", "Change", "Cache savings"], cost.Columns);
        Assert.Equal(
        [
            "Total: cost $9.00 · previous $10.00 · change -10.0% · cache savings $0.45",
            "type llm_call: cost $9.00 · previous $10.00 · change -10.0% · cache savings $0.45",
            "model gpt-4o: cost $9.00 · previous $10.00 · change -10.0% · cache savings $0.45",
        ], cost.Lines);
        Assert.Equal(
        [
            "Sessions: this window 60 · previous 30 · change +100.0%",
            "Unique users: this window 20 · previous 10 · change +100.0%",
            "Messages: this window 120 · previous 60 · change +100.0%",
            "Messages per session: this window 2.0 · previous 2.0 · change +0.0%",
        ], Section(n, "Growth").Lines);
        Assert.Equal(["Figure", "This window", "Previous", "Change"], Section(n, "Growth").Columns);
    }

    [Fact]
    public void The_notification_names_its_window_scope_and_routing_fields()
    {
        var n = ReviewMessage.Build(WithIncidents());
        Assert.Equal("Weekly review, tenant acme: 2026-11-30 to 2026-12-07: ❌ SLA missed (TTFT P95 2,400 ms, error rate 10.0%, satisfaction 73.3%); 60 sessions (+100.0%)", n.Summary);
        Assert.Equal(Text.Truncate(n.Summary, 130), n.ShortTitle);
        Assert.Equal(
        [
            new NotificationFact("Window", "7d: 2026-11-30 09:00 to 2026-12-07 09:00 UTC"),
            new NotificationFact("Compared with", "2026-11-23 09:00 to 2026-11-30 09:00 UTC"),
            new NotificationFact("Scope", "tenant acme"),
        ], n.Facts);
        Assert.Equal(("info", "review", "review", "review/acme", Now), (n.Severity, n.Group, n.Class, n.Entity, n.Timestamp));
        Assert.Equal(["vigil", "review"], n.Tags);
        Assert.Equal("review", n.Payload!["event"]);
        Assert.Equal(n.Summary, n.Payload["summary"]);
        Assert.Equal("acme", n.Payload["tenant_id"]);
        Assert.IsType<ReviewReport>(n.Payload["review"]);
    }

    [Fact]
    public void A_review_of_nothing_says_so_and_still_states_every_target()
    {
        var n = ReviewMessage.Build(Empty());
        Assert.Equal("Weekly review, all tenants: 2026-11-30 to 2026-12-07", n.Title);
        Assert.Equal("➖ no SLA data", n.Status);
        Assert.Equal(("review:*:2026-12-07T09:00", "review/all"), (n.DedupKey, n.Entity));
        Assert.Equal(new NotificationFact("Scope", "all tenants"), n.Facts[2]);
        Assert.Null(n.Payload!["tenant_id"]);
        Assert.Equal("➖ TTFT P95: this window n/a · previous n/a · change n/a · target < 2,000 ms", Section(n, "SLA compliance").Lines[0]);
        Assert.Equal("Messages per session: this window n/a · previous n/a · change n/a", Section(n, "Growth").Lines[3]);
        Assert.Equal(["No negative feedback in this window."], Section(n, "Negative feedback").Lines);
        Assert.Null(Section(n, "Negative feedback").Columns);
        var misrouted = Section(n, "Misrouted conversations");
        Assert.Equal("0 conversations went through more than 2 bots (previous 0, change +0)", misrouted.Note);
        Assert.Null(misrouted.Columns);
        Assert.Null(misrouted.Rows);
        Assert.DoesNotContain(n.Sections, s => s.Heading is "Bots" or "Tool effectiveness");
        Assert.Equal("➖ MTTD: this window n/a · previous n/a · change n/a · target < 5 min", Section(n, "Incidents").Lines[1]);
        Assert.Equal(["Total: cost $0.00 · previous $0.00 · change +$0.00 · cache savings $0.00"], Section(n, "Cost").Lines);
    }

    [Theory]
    [InlineData(59.4, "59 s")]
    [InlineData(119, "119 s")]
    [InlineData(120, "2 min")]
    [InlineData(7199, "120 min")]
    [InlineData(7200, "2 h")]
    [InlineData(9000, "2.5 h")]
    public void Durations_are_said_in_seconds_minutes_or_hours(double seconds, string said)
    {
        var report = WithIncidents();
        var n = ReviewMessage.Build(report with { Incidents = report.Incidents with { MttaSeconds = ReviewFigure.Of(seconds, null) } });
        Assert.Equal(said, Section(n, "Incidents").Rows![2][1]);
    }
}
