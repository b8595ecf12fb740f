using Vigil.Core.Metrics;
using Vigil.Core.Notifications;
using Vigil.Core.Pricing;
using Vigil.Core.Reviews;

namespace Vigil.Core.Tests;

/// <summary>The review's figures from known rollup groups, sketches and conversation figures (no database), and how the message says them.</summary>
public class ReviewComposeTests
{
    internal static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static PriceTable Prices() => new(new Dictionary<string, ModelPrice> { ["gpt-4o"] = new(2m, 0.5m, 8m) });

    private static RollupGroup Group(string bot, string type, RollupCounters c, string model = "", string tool = "", string cacheHit = "") =>
        new(new Dictionary<Dimension, string>
        {
            [Dimension.Bot] = bot, [Dimension.Model] = model, [Dimension.Type] = type, [Dimension.ToolName] = tool, [Dimension.CacheHit] = cacheHit,
        }, c);

    private static RollupCounters Calls(long calls, long errors, double ttft = 0, long positive = 0, long negative = 0, decimal cost = 0, long input = 0, long cached = 0,
        double duration = 0)
    {
        var c = new RollupCounters { Events = calls, Calls = calls, Errors = errors, Positive = positive, Negative = negative, CostUsd = cost, CostEvents = cost > 0 ? calls : 0,
            InputTokens = input, CachedInputTokens = cached };
        for (var i = 0; i < calls; i++)
        {
            if (ttft > 0) c.Ttft.Add(ttft);
            if (duration > 0) c.Duration.Add(duration);
        }
        return c;
    }

    private static DistinctGroup Distinct(string bot, int sessions, int users, string prefix = "")
    {
        var s = new DistinctSketch();
        for (var i = 0; i < sessions; i++) s.Add($"{prefix}s{i}");
        var u = new DistinctSketch();
        for (var i = 0; i < users; i++) u.Add($"{prefix}u{i}");
        return new DistinctGroup("acme", bot, s, u);
    }

    internal static ReviewReport Compose()
    {
        Assert.True(MetricWindow.TryResolve("7d", Now, out var window, out _));
        var previousWindow = ReviewService.PreviousOf(window);
        var current = new ReviewService.Snapshot(
        [
            Group("lead_bot", "llm_call", Calls(90, 9, ttft: 2400, cost: 9m, input: 900_000, cached: 300_000), model: "gpt-4o", cacheHit: "false"),
            Group("lead_bot", "feedback", new RollupCounters { Events = 10, Positive = 6, Negative = 4 }),
            Group("lead_bot", "message", new RollupCounters { Events = 120 }),
            Group("buyer_bot", "tool_call", Calls(10, 1, duration: 700), tool: "crm_lookup"),
            Group("buyer_bot", "feedback", new RollupCounters { Events = 5, Positive = 5 }),
        ],
        [
            new SlaResultItem("acme", "lead_bot", "process", new SlaNumbers(500, 2000, 3000), new SlaActual(90, 400, 2500, 2600), false,
                ["p95 2500 ms exceeds the 2000 ms target"], "violated", ["bot_interaction"]),
        ],
        [Distinct("lead_bot", 40, 12), Distinct("buyer_bot", 20, 8, prefix: "b")],
        new ConversationFigures(3, [new MisroutedConversation("acme", "c9", ["lead_bot", "buyer_bot", "seller_bot"], Now.AddDays(-1), Now.AddDays(-1))],
            [new ToolConversations("crm_lookup", 7, 3, 1)]),
        Prices());
        var previous = new ReviewService.Snapshot(
        [
            Group("lead_bot", "llm_call", Calls(100, 2, ttft: 1500, cost: 10m), model: "gpt-4o", cacheHit: "false"),
            Group("lead_bot", "feedback", new RollupCounters { Events = 10, Positive = 9, Negative = 1 }),
            Group("lead_bot", "message", new RollupCounters { Events = 60 }),
        ],
        [
            new SlaResultItem("acme", "lead_bot", "process", new SlaNumbers(500, 2000, 3000), new SlaActual(100, 400, 1800, 2600), true, [], "compliant", ["bot_interaction"]),
        ],
        [Distinct("lead_bot", 30, 10)],
        new ConversationFigures(1, [], [new ToolConversations("crm_lookup", 2, 2, 0)]),
        Prices());
        return ReviewService.Compose(window, previousWindow, "acme", current, previous, Now);
    }

    [Fact]
    public void The_monday_checks_compare_each_window_with_the_targets()
    {
        var r = Compose();
        Assert.Equal(2400, r.Sla.TtftP95Ms.Current);
        Assert.Equal(1500, r.Sla.TtftP95Ms.Previous);
        Assert.False(r.Sla.TtftP95Ms.Pass);
        Assert.True(r.Sla.TtftP95Ms.PreviousPass);
        // 10 errors of 100 calls (the tool calls count) against 2 of 100.
        Assert.Equal(0.1, r.Sla.ErrorRate.Current);
        Assert.Equal(0.02, r.Sla.ErrorRate.Previous);
        Assert.Equal(4, r.Sla.ErrorRate.ChangeRatio);
        // 11 of 15 positive against 9 of 10.
        Assert.Equal(Math.Round(11 / 15.0, 6), r.Sla.SatisfactionRate.Current);
        Assert.Equal(0.9, r.Sla.SatisfactionRate.Previous);
        Assert.False(r.Sla.SatisfactionRate.Pass);
        Assert.False(r.Sla.Passed);
        Assert.Equal(235, r.Sla.Events);
        Assert.Equal(170, r.Sla.PreviousEvents);
        var target = Assert.Single(r.SlaTargets);
        Assert.Equal("violated", target.Status);
        Assert.Equal("compliant", target.PreviousStatus);
        Assert.Equal(2000, target.TargetP95Ms);
        Assert.Equal(2500, target.P95Ms.Current);
        Assert.False(target.P95Ms.Pass);
        Assert.True(target.P95Ms.PreviousPass);
        Assert.Equal(700, target.P95Ms.Change);
    }

    [Fact]
    public void Growth_merges_the_bots_sketches_and_divides_the_messages_by_the_sessions()
    {
        var r = Compose();
        Assert.Equal(60, r.Growth.Sessions.Current);
        Assert.Equal(30, r.Growth.Sessions.Previous);
        Assert.Equal(1, r.Growth.Sessions.ChangeRatio);
        Assert.Equal(20, r.Growth.UniqueUsers.Current);
        Assert.Equal(10, r.Growth.UniqueUsers.Previous);
        Assert.Equal(120, r.Growth.Messages.Current);
        Assert.Equal(2, r.Growth.MessagesPerSession.Current);
        Assert.Equal(2, r.Growth.MessagesPerSession.Previous);
        Assert.Equal(0, r.Growth.MessagesPerSession.Change);
        Assert.Equal(0.008125, r.Growth.DistinctError);
        var lead = r.Bots.Single(b => b.Bot == "lead_bot");
        Assert.Equal(40, lead.Sessions.Current);
        Assert.Equal(4, lead.NegativeFeedback.Current);
        Assert.Equal(3, lead.NegativeFeedback.Change);
        Assert.Equal(0.1, lead.ErrorRate.Current);
        var buyer = r.Bots.Single(b => b.Bot == "buyer_bot");
        Assert.Equal(0, buyer.Sessions.Previous);
        Assert.Equal(1, buyer.SatisfactionRate.Current);
        Assert.True(buyer.SatisfactionRate.Pass);
        Assert.Equal(["buyer_bot", "lead_bot"], r.Bots.Select(b => b.Bot));
    }

    [Fact]
    public void The_friday_lists_tools_misrouting_and_negative_feedback()
    {
        var r = Compose();
        var tool = Assert.Single(r.Tools);
        Assert.Equal("crm_lookup", tool.ToolName);
        Assert.Equal(10, tool.Calls.Current);
        Assert.Equal(0, tool.Calls.Previous);
        Assert.Equal(0.1, tool.FailureRate.Current);
        Assert.Equal(700, tool.P95Ms.Current);
        Assert.Equal(7, tool.Conversations.Current);
        Assert.Equal(0.75, tool.SatisfactionRate.Current);
        Assert.Equal(1, tool.SatisfactionRate.Previous);
        Assert.Equal(3, r.Misrouted.Conversations.Current);
        Assert.Equal(2, r.Misrouted.Conversations.Change);
        Assert.Equal("c9", Assert.Single(r.Misrouted.Top).ConversationId);
        var negativeBot = Assert.Single(r.NegativeFeedback.Bots);
        Assert.Equal(("lead_bot", 4L, 6L, 0.4, 1L), (negativeBot.Bot, negativeBot.Negative, negativeBot.Positive, negativeBot.NegativeRate!.Value, negativeBot.PreviousNegative));
        var negativeTool = Assert.Single(r.NegativeFeedback.Tools);
        Assert.Equal(("crm_lookup", 1L, 3L, 7L, 0L), (negativeTool.ToolName, negativeTool.Negative, negativeTool.Positive, negativeTool.Conversations, negativeTool.PreviousNegative));
    }

    [Fact]
    public void Cost_is_split_by_type_and_model_with_the_cache_savings()
    {
        var r = Compose();
        Assert.Equal(9, r.Cost.TotalUsd.Current);
        Assert.Equal(10, r.Cost.TotalUsd.Previous);
        Assert.Equal(-0.1, r.Cost.TotalUsd.ChangeRatio);
        // 300,000 cached tokens × (2 − 0.5) / 1M.
        Assert.Equal(0.45, r.Cost.CacheSavingsUsd.Current);
        Assert.Equal(0, r.Cost.CacheSavingsUsd.Previous);
        var model = Assert.Single(r.Cost.ByModel);
        Assert.Equal(("gpt-4o", 9.0, 0.45, 90.0), (model.Name, model.CostUsd.Current!.Value, model.CacheSavingsUsd.Current!.Value, model.Calls.Current!.Value));
        var type = Assert.Single(r.Cost.ByType);
        Assert.Equal("llm_call", type.Name);
        Assert.Equal(100, type.Calls.Previous);
    }

    [Fact]
    public void The_message_says_each_figure_with_its_previous_value_change_and_mark()
    {
        var n = ReviewMessage.Build(Compose());
        Assert.Equal("review", n.Event);
        Assert.Equal(IncidentAction.None, n.Incident);
        Assert.StartsWith("Weekly review, tenant acme: 2026-11-30 to 2026-12-07", n.Title, StringComparison.Ordinal);
        Assert.Equal("❌ SLA missed", n.Status);
        var sla = n.Sections.Single(s => s.Heading == "SLA compliance");
        Assert.Equal("❌ TTFT P95: this window 2,400 ms · previous 1,500 ms · change +60.0% · target < 2,000 ms", sla.Lines[0]);
        Assert.Equal("❌ Error rate: this window 10.0% · previous 2.0% · change +400.0% · target < 5.0%", sla.Lines[1]);
        Assert.Equal("❌ Satisfaction: this window 73.3% · previous 90.0% · change -18.5% · target > 80.0%", sla.Lines[2]);
        Assert.Equal("❌ lead_bot/process P95: this window 2,500 ms · previous 1,800 ms · change +38.9% · target <= 2,000 ms", sla.Lines[3]);
        Assert.Equal(["Check", "This window", "Previous", "Change", "Target", "Result"], sla.Columns);
        Assert.Equal(["TTFT P95", "2,400 ms", "1,500 ms", "+60.0%", "< 2,000 ms", "❌"], sla.Rows![0]);
        var growth = n.Sections.Single(s => s.Heading == "Growth");
        Assert.Equal("Sessions: this window 60 · previous 30 · change +100.0%", growth.Lines[0]);
        Assert.Equal("Messages per session: this window 2.0 · previous 2.0 · change +0.0%", growth.Lines[3]);
        var misrouted = n.Sections.Single(s => s.Heading == "Misrouted conversations");
        Assert.Equal("3 conversations went through more than 2 bots (previous 1, change +200.0%)", misrouted.Note);
        Assert.Equal("c9: lead_bot → buyer_bot → seller_bot", misrouted.Lines[1]);
        var tools = n.Sections.Single(s => s.Heading == "Tool effectiveness");
        Assert.Equal("crm_lookup: calls 10 (+10) · failure rate 10.0% (n/a) · p95 700 ms (n/a) · conversations 7 · satisfaction 75.0% (-25.0%)", tools.Lines[0]);
        var cost = n.Sections.Single(s => s.Heading == "Cost");
        Assert.Equal("Total: cost $9.00 · previous $10.00 · change -10.0% · cache savings $0.45", cost.Lines[0]);
        Assert.Contains("SLA missed", n.Summary, StringComparison.Ordinal);
        Assert.Equal("review:acme:2026-12-07T09:00", n.DedupKey);
    }

    [Fact]
    public void A_change_from_nothing_is_stated_as_an_absolute_change()
    {
        Assert.Equal("+9", ReviewMessage.Change(ReviewFigure.Of(9, 0), ReviewMessage.Count));
        Assert.Equal("−3", ReviewMessage.Change(ReviewFigure.Of(0, 3) with { ChangeRatio = null }, ReviewMessage.Count));
        Assert.Equal("-100.0%", ReviewMessage.Change(ReviewFigure.Of(0, 3), ReviewMessage.Count));
        Assert.Equal("n/a", ReviewMessage.Change(ReviewFigure.Of(null, 3), ReviewMessage.Count));
        Assert.Equal("n/a", ReviewMessage.Ms(null));
        Assert.Equal("12.5%", ReviewMessage.Percent(0.125));
    }
}
