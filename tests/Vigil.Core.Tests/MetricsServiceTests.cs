using Vigil.Core.Conversations;
using Vigil.Core.Metrics;
using Vigil.Core.Pricing;
using Vigil.Core.Tests.Fakes;

namespace Vigil.Core.Tests;

/// <summary>The metrics routes' answers from in-memory rollups: latency, summary, cost and SLA compliance.</summary>
public class MetricsServiceTests
{
    private static readonly DateTimeOffset Minute = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private static readonly MetricWindow Window = new("1h", Minute.AddMinutes(-59), Minute.AddMinutes(1));
    private static readonly DateTimeOffset Complete = Minute.AddSeconds(-20);

    private sealed record Setup(MetricsService Service, FakeRollupStore Rollups, FakeSlaTargetStore Targets, FakeConversationStore Conversations);

    private static Setup Create()
    {
        var rollups = new FakeRollupStore { CompleteUpTo = Complete };
        var targets = new FakeSlaTargetStore();
        var conversations = new FakeConversationStore();
        return new Setup(new MetricsService(rollups, targets, conversations, new PriceTable(DefaultPrices.Table)), rollups, targets, conversations);
    }

    private static RollupCounters Latencies(double[] durations, double[]? ttfts = null)
    {
        var c = new RollupCounters { Events = durations.Length, Calls = durations.Length };
        foreach (var d in durations) c.Duration.Add(d);
        foreach (var t in ttfts ?? []) c.Ttft.Add(t);
        return c;
    }

    private static double[] Range(int from, int count) => [.. Enumerable.Range(from, count).Select(i => (double)i)];

    [Fact]
    public async Task Latency_is_the_windows_quantiles_mean_and_extremes_in_milliseconds()
    {
        var s = Create();
        s.Rollups.Add(Minute, Latencies(Range(1, 60)), (Dimension.Bot, "lead_bot"));
        s.Rollups.Add(Minute.AddMinutes(-1), Latencies(Range(61, 40)), (Dimension.Bot, "lead_bot"));
        s.Rollups.Add(Minute.AddMinutes(-1), Latencies([5000]), (Dimension.Bot, "other_bot"));
        s.Rollups.Add(Minute.AddMinutes(-60), Latencies([9000]), (Dimension.Bot, "lead_bot"));

        var r = await s.Service.LatencyAsync(Window, new MetricFilter().With(Dimension.Bot, "lead_bot"), ttft: false, CancellationToken.None);

        Assert.Equal(("1h", Window.From, Window.To, "duration", 100L), (r.Window, r.From, r.To, r.Field, r.Count));
        Assert.InRange(r.P50Ms!.Value, 49, 51.5);
        Assert.InRange(r.P95Ms!.Value, 94, 96.5);
        Assert.InRange(r.P99Ms!.Value, 98, 100.5);
        Assert.Equal(50.5, r.MeanMs);
        Assert.Equal((1.0, 100.0), (r.MinMs!.Value, r.MaxMs!.Value));
        Assert.Equal(Complete, r.CompleteUpTo);
    }

    [Fact]
    public async Task Time_to_first_token_reads_its_own_sketch()
    {
        var s = Create();
        s.Rollups.Add(Minute, Latencies([1000, 2000], ttfts: [120.0004, 180]));

        var r = await s.Service.LatencyAsync(Window, new MetricFilter(), ttft: true, CancellationToken.None);

        Assert.Equal(("ttft", 2L), (r.Field, r.Count));
        Assert.Equal((120.0, 180.0), (r.MinMs!.Value, r.MaxMs!.Value));
        Assert.Equal(150, r.MeanMs);
    }

    [Fact]
    public async Task Latency_without_events_has_no_figures()
    {
        var s = Create();
        s.Rollups.CompleteUpTo = null;

        var r = await s.Service.LatencyAsync(Window, new MetricFilter(), ttft: false, CancellationToken.None);

        Assert.Equal(0, r.Count);
        Assert.Equal([null, null, null, null, null, null], new[] { r.P50Ms, r.P95Ms, r.P99Ms, r.MeanMs, r.MinMs, r.MaxMs });
        Assert.Null(r.CompleteUpTo);
    }

    private static RollupCounters Busy()
    {
        var c = new RollupCounters
        {
            Events = 40, Calls = 30, Errors = 10, RateLimitErrors = 4, CacheLookups = 9, CacheHits = 7, Blocked = 5, QualityCount = 8, QualitySumMicro = 6_000_000,
            DegradationKnown = 11, Degraded = 2, Positive = 13, Negative = 6, CostEvents = 21, Unpriced = 3, CostUsd = 1.23456789m, InputTokens = 1500, OutputTokens = 700,
        };
        foreach (var d in Range(1, 100)) c.Duration.Add(d * 10);
        c.Ttft.Add(333.33333);
        return c;
    }

    [Fact]
    public async Task A_summary_group_has_every_figure_of_its_events()
    {
        var s = Create();
        s.Rollups.Add(Minute, Busy(), (Dimension.Bot, "lead_bot"), (Dimension.Operation, "process"));

        var r = await s.Service.SummaryAsync(Window, new MetricFilter(), [Dimension.Bot, Dimension.Operation], CancellationToken.None);

        var g = Assert.Single(r.Groups);
        Assert.Equal(new Dictionary<string, string?> { ["bot"] = "lead_bot", ["operation"] = "process" }, g.Key);
        Assert.Equal(40, g.Count);
        Assert.Equal(0.333333, g.ErrorRate);
        Assert.Equal(0.133333, g.RateLimitErrorRate);
        Assert.Equal(0.777778, g.CacheHitRate);
        Assert.Equal(0.75, g.QualityScoreAvg);
        Assert.Equal(0.181818, g.DegradationRate);
        Assert.Equal(0.684211, g.SatisfactionRate);
        Assert.Equal(1.234568m, g.CostUsd);
        Assert.Equal((1500L, 700L, 5L, 3L), (g.InputTokens, g.OutputTokens, g.BlockedHandoffs, g.UnpricedCalls));
        Assert.Equal(505, g.MeanMs);
        Assert.Equal(1000, g.MaxMs);
        Assert.InRange(g.P50Ms!.Value, 490, 515);
        Assert.InRange(g.P95Ms!.Value, 940, 965);
        Assert.InRange(g.P99Ms!.Value, 980, 1005);
        Assert.InRange(g.TtftP95Ms!.Value, 330, 337);
        Assert.Equal(Math.Round(g.TtftP95Ms.Value, 3), g.TtftP95Ms.Value);
        // Grouped by operation: conversations have no operation, so their fields stay empty.
        Assert.Null(g.Conversations);
        Assert.Empty(s.Conversations.TotalsQueries);
        Assert.Equal(Complete, r.CompleteUpTo);
        Assert.Equal(("1h", Window.From, Window.To), (r.Window, r.From, r.To));
    }

    [Fact]
    public async Task Summary_groups_come_in_key_order_with_empty_values_as_null()
    {
        var s = Create();
        s.Rollups.Add(Minute, new RollupCounters { Events = 3 }, (Dimension.Bot, "zeta_bot"));
        s.Rollups.Add(Minute, new RollupCounters { Events = 5 });
        s.Rollups.Add(Minute, new RollupCounters { Events = 7 }, (Dimension.Bot, "alpha_bot"));

        var r = await s.Service.SummaryAsync(Window, new MetricFilter(), [Dimension.Bot], CancellationToken.None);

        Assert.Equal([null, "alpha_bot", "zeta_bot"], r.Groups.Select(g => g.Key["bot"]));
        Assert.Equal([5L, 7L, 3L], r.Groups.Select(g => g.Count));
        var empty = r.Groups[0];
        Assert.Equal([null, null, null, null, null, null, null, null, null], new[] { empty.ErrorRate, empty.CacheHitRate, empty.P50Ms, empty.MeanMs, empty.MaxMs, empty.TtftP95Ms, empty.SatisfactionRate, empty.QualityScoreAvg, empty.DegradationRate });
    }

    [Fact]
    public async Task A_summary_by_bot_carries_each_bots_conversations()
    {
        var s = Create();
        s.Rollups.Add(Minute, new RollupCounters { Events = 3 }, (Dimension.Bot, "lead_bot"), (Dimension.TenantId, "acme"), (Dimension.Type, "message"));
        s.Rollups.Add(Minute, new RollupCounters { Events = 4 }, (Dimension.Bot, "buyer_bot"), (Dimension.TenantId, "acme"), (Dimension.Type, "llm_call"));
        s.Conversations.Totals.Add(new ConversationGroup(null, "lead_bot", new ConversationTotals(3, 1, 2.1, 4, 3)));

        var r = await s.Service.SummaryAsync(Window, new MetricFilter().With(Dimension.TenantId, "acme").With(Dimension.Type, "message", "llm_call"), [Dimension.Bot], CancellationToken.None);

        var lead = r.Groups.Single(g => g.Key["bot"] == "lead_bot");
        Assert.Equal((3L, 0.333333, 0.7, 0.75), (lead.Conversations, lead.ResolutionRate, lead.ConversationQualityAvg, lead.HandoffEffectiveness));
        var buyer = r.Groups.Single(g => g.Key["bot"] == "buyer_bot");
        Assert.Equal((0L, (double?)null, (double?)null, (double?)null), (buyer.Conversations, buyer.ResolutionRate, buyer.ConversationQualityAvg, buyer.HandoffEffectiveness));
        var q = Assert.Single(s.Conversations.TotalsQueries);
        Assert.Equal((Window.From, Window.To, false, true), (q.From, q.To, q.ByTenant, q.ByBot));
        Assert.Equal(["acme"], q.Tenants!);
        Assert.Null(q.Bots);
    }

    [Fact]
    public async Task A_summary_by_tenant_matches_conversations_by_tenant()
    {
        var s = Create();
        s.Rollups.Add(Minute, new RollupCounters { Events = 3 }, (Dimension.TenantId, "acme"));
        s.Rollups.Add(Minute, new RollupCounters { Events = 3 }, (Dimension.TenantId, "globex"));
        s.Conversations.Totals.Add(new ConversationGroup("acme", null, new ConversationTotals(6, 6, 6, 0, 0)));
        s.Conversations.Totals.Add(new ConversationGroup("globex", null, new ConversationTotals(2, 1, 1, 0, 0)));

        var r = await s.Service.SummaryAsync(Window, new MetricFilter().With(Dimension.Bot, "lead_bot", "buyer_bot"), [Dimension.TenantId], CancellationToken.None);

        Assert.Empty(r.Groups);
        var all = await s.Service.SummaryAsync(Window, new MetricFilter(), [Dimension.TenantId], CancellationToken.None);
        Assert.Equal([6L, 2L], all.Groups.Select(g => g.Conversations!.Value));
        Assert.Equal([1.0, 0.5], all.Groups.Select(g => g.ResolutionRate!.Value));
        Assert.True(s.Conversations.TotalsQueries[^1].ByTenant);
        Assert.False(s.Conversations.TotalsQueries[^1].ByBot);
    }

    [Theory]
    [InlineData(Dimension.Model)]
    [InlineData(Dimension.Operation)]
    public async Task A_filter_conversations_do_not_have_leaves_their_fields_empty(Dimension dimension)
    {
        var s = Create();
        s.Rollups.Add(Minute, new RollupCounters { Events = 3 }, (dimension, "x"));
        s.Conversations.Totals.Add(new ConversationGroup(null, null, new ConversationTotals(6, 6, 6, 0, 0)));

        var r = await s.Service.SummaryAsync(Window, new MetricFilter().With(dimension, "x"), [], CancellationToken.None);

        Assert.Null(Assert.Single(r.Groups).Conversations);
        Assert.Empty(s.Conversations.TotalsQueries);
    }

    [Fact]
    public async Task A_type_filter_without_messages_leaves_conversation_fields_empty_and_an_ungrouped_summary_counts_them_all()
    {
        var s = Create();
        s.Rollups.Add(Minute, new RollupCounters { Events = 3 }, (Dimension.Type, "llm_call"));
        s.Conversations.Totals.Add(new ConversationGroup(null, null, new ConversationTotals(6, 3, 6, 0, 0)));

        var typed = await s.Service.SummaryAsync(Window, new MetricFilter().With(Dimension.Type, "llm_call"), [], CancellationToken.None);
        Assert.Null(Assert.Single(typed.Groups).Conversations);

        var all = await s.Service.SummaryAsync(Window, new MetricFilter(), [], CancellationToken.None);
        Assert.Equal((6L, 0.5), (all.Groups[0].Conversations!.Value, all.Groups[0].ResolutionRate!.Value));
    }

    private static RollupCounters Cost(decimal usd, long calls, long unpriced = 0) =>
        new() { Events = calls + 1, CostEvents = calls, CostUsd = usd, Unpriced = unpriced, InputTokens = calls * 100, OutputTokens = calls * 10 };

    [Fact]
    public async Task Cost_by_bot_lists_the_most_expensive_first_up_to_the_limit_and_totals_all()
    {
        var s = Create();
        s.Rollups.Add(Minute, Cost(2.5m, 4, unpriced: 1), (Dimension.Bot, "lead_bot"));
        s.Rollups.Add(Minute, Cost(7m, 3), (Dimension.Bot, "buyer_bot"));
        s.Rollups.Add(Minute, Cost(2.5m, 6), (Dimension.Bot, "alpha_bot"));
        s.Rollups.Add(Minute, Cost(1m, 1), (Dimension.Bot, "cheap_bot"));
        s.Rollups.Add(Minute, new RollupCounters { Events = 9 }, (Dimension.Bot, "feedback_only"));

        var r = await s.Service.CostAsync(Window, new MetricFilter(), Dimension.Bot, limit: 3, CancellationToken.None);

        Assert.Equal(13m, r.TotalCostUsd);
        Assert.Equal(["buyer_bot", "alpha_bot", "lead_bot"], r.Groups.Select(g => g.Key["bot"]));
        var lead = r.Groups[2];
        Assert.Equal((2.5m, 4L, (decimal?)0.625m, 1L, 400L, 40L), (lead.CostUsd, lead.Calls, lead.AvgCostUsd, lead.UnpricedCalls, lead.InputTokens, lead.OutputTokens));
        Assert.Equal(2.33333333m, r.Groups[0].AvgCostUsd);
        Assert.Equal(Complete, r.CompleteUpTo);
        Assert.False(s.Rollups.Queries[0].WithSketches);
    }

    [Fact]
    public async Task Cost_reads_no_latency_sketches_and_totals_every_group_even_when_grouped_by_conversation()
    {
        var s = Create();
        s.Rollups.Add(Minute, Cost(4m, 2), (Dimension.Bot, "lead_bot"));
        s.Rollups.Add(Minute, Cost(6m, 3), (Dimension.Bot, "buyer_bot"));

        var byConversation = await s.Service.CostAsync(Window, new MetricFilter(), Dimension.ConversationId, limit: 5, CancellationToken.None);
        var byBot = await s.Service.CostAsync(Window, new MetricFilter(), Dimension.Bot, limit: 5, CancellationToken.None);

        Assert.Equal((10m, 10m), (byConversation.TotalCostUsd, byBot.TotalCostUsd));
        Assert.All(s.Rollups.Queries, q => Assert.False(q.WithSketches));
    }

    [Fact]
    public async Task Cost_leaves_out_groups_with_neither_calls_nor_cost()
    {
        var s = Create();
        s.Rollups.Add(Minute, new RollupCounters { Events = 4 }, (Dimension.Bot, "feedback_only"));
        s.Rollups.Add(Minute, new RollupCounters { Events = 1, CostEvents = 1 }, (Dimension.Bot, "one_free_call"));

        var r = await s.Service.CostAsync(Window, new MetricFilter(), Dimension.Bot, limit: 5, CancellationToken.None);

        Assert.Equal(["one_free_call"], r.Groups.Select(g => g.Key["bot"]));
    }

    [Fact]
    public async Task A_quantile_exactly_at_its_target_complies()
    {
        var s = Create();
        var sketch = new LatencySketch();
        sketch.Add(400);
        var at = Math.Round(sketch.Quantile(0.5)!.Value, 3);
        s.Targets.Targets.Add(new SlaTarget(null, "lead_bot", "process", at, at, at, ["bot_interaction"], Minute));
        Interactions(s, "acme", "lead_bot", "process", "bot_interaction", 400);

        var r = await s.Service.SlaAsync(Window, new MetricFilter(), null, CancellationToken.None);

        Assert.Equal("compliant", Assert.Single(r.Results).Status);
    }

    [Fact]
    public async Task A_targets_compliance_counts_only_its_own_bot_and_operation_and_keeps_the_other_filters()
    {
        var s = Create();
        s.Targets.Targets.Add(Target(null, "lead_bot", "process", 1000));
        Interactions(s, "acme", "lead_bot", "process", "bot_interaction", 100);
        Interactions(s, "acme", "lead_bot", "qualify", "bot_interaction", 5000);
        Interactions(s, "acme", "buyer_bot", "process", "bot_interaction", 5000);
        Interactions(s, "globex", "lead_bot", "process", "bot_interaction", 7000);

        var r = await s.Service.SlaAsync(Window, new MetricFilter().With(Dimension.TenantId, "acme"), null, CancellationToken.None);

        var only = Assert.Single(r.Results);
        Assert.Equal((1L, "compliant"), (only.Actual.Count, only.Status));
        Assert.Equal(["acme"], s.Rollups.Queries[0].Filter.Get(Dimension.TenantId)!);
    }

    [Fact]
    public async Task A_tenants_own_target_is_measured_over_its_own_events_even_in_an_unbound_view()
    {
        var s = Create();
        s.Targets.Targets.Add(Target("acme", "lead_bot", "process", 1000));
        Interactions(s, "acme", "lead_bot", "process", "bot_interaction", 100);
        Interactions(s, "globex", "lead_bot", "process", "bot_interaction", 7000, 7000);

        var viewed = await s.Service.SlaAsync(Window, new MetricFilter(), "acme", CancellationToken.None);

        Assert.Equal((1L, "compliant"), (viewed.Results[0].Actual.Count, viewed.Results[0].Status));
    }

    [Fact]
    public async Task A_summary_by_bot_and_tenant_matches_each_pair()
    {
        var s = Create();
        s.Rollups.Add(Minute, new RollupCounters { Events = 3 }, (Dimension.Bot, "lead_bot"), (Dimension.TenantId, "acme"));
        s.Rollups.Add(Minute, new RollupCounters { Events = 3 }, (Dimension.Bot, "lead_bot"), (Dimension.TenantId, "globex"));
        s.Conversations.Totals.Add(new ConversationGroup("acme", "lead_bot", new ConversationTotals(4, 4, 4, 0, 0)));
        s.Conversations.Totals.Add(new ConversationGroup("globex", "lead_bot", new ConversationTotals(9, 0, 0, 0, 0)));

        var both = await s.Service.SummaryAsync(Window, new MetricFilter(), [Dimension.TenantId, Dimension.Bot], CancellationToken.None);
        Assert.Equal([4L, 9L], both.Groups.Select(g => g.Conversations!.Value));

        // Grouped by bot alone, the store answers per bot; its rows carry no tenant.
        s.Conversations.Totals.Clear();
        s.Conversations.Totals.Add(new ConversationGroup(null, "lead_bot", new ConversationTotals(13, 4, 4, 0, 0)));
        var byBot = await s.Service.SummaryAsync(Window, new MetricFilter(), [Dimension.Bot], CancellationToken.None);
        Assert.Equal(13L, Assert.Single(byBot.Groups).Conversations);
    }

    [Fact]
    public async Task Cost_of_a_group_with_cost_but_no_priced_calls_is_listed_without_an_average()
    {
        var s = Create();
        s.Rollups.Add(Minute, new RollupCounters { Events = 1, CostUsd = 0.5m }, (Dimension.Bot, "reported_bot"));
        s.Rollups.Add(Minute, Cost(0m, 2), (Dimension.Bot, "free_bot"));

        var r = await s.Service.CostAsync(Window, new MetricFilter(), Dimension.Bot, limit: 10, CancellationToken.None);

        Assert.Equal(["reported_bot", "free_bot"], r.Groups.Select(g => g.Key["bot"]));
        Assert.Null(r.Groups[0].AvgCostUsd);
        Assert.Equal(0m, r.Groups[1].AvgCostUsd);
    }

    [Fact]
    public async Task Cost_by_conversation_lists_conversations_and_totals_every_event()
    {
        var s = Create();
        s.Rollups.Add(Minute, Cost(10m, 9));
        s.Rollups.ConversationCosts.Add(new ConversationCost("acme", "c-1", 3m, 4, 400, 40));
        s.Rollups.ConversationCosts.Add(new ConversationCost("acme", "c-2", 1.1234567891m, 0, 5, 6));

        var r = await s.Service.CostAsync(Window, new MetricFilter(), Dimension.ConversationId, limit: 5, CancellationToken.None);

        Assert.Equal(10m, r.TotalCostUsd);
        Assert.Equal(new Dictionary<string, string?> { ["conversation_id"] = "c-1", ["tenant_id"] = "acme" }, r.Groups[0].Key);
        Assert.Equal((3m, 4L, (decimal?)0.75m, 0L, 400L, 40L), (r.Groups[0].CostUsd, r.Groups[0].Calls, r.Groups[0].AvgCostUsd, r.Groups[0].UnpricedCalls, r.Groups[0].InputTokens, r.Groups[0].OutputTokens));
        Assert.Equal((1.123457m, (decimal?)null), (r.Groups[1].CostUsd, r.Groups[1].AvgCostUsd));
        Assert.Equal(Complete, r.CompleteUpTo);
    }

    private static void Interactions(Setup s, string tenant, string bot, string operation, string type, params double[] durations) =>
        s.Rollups.Add(Minute, Latencies(durations), (Dimension.TenantId, tenant), (Dimension.Bot, bot), (Dimension.Operation, operation), (Dimension.Type, type));

    private static SlaTarget Target(string? tenant, string bot, string operation, double p95, params string[] types) =>
        new(tenant, bot, operation, 10_000, p95, 10_000, types.Length == 0 ? ["bot_interaction"] : types, Minute);

    [Fact]
    public async Task For_an_unbound_key_each_target_is_measured_over_its_scopes_events()
    {
        var s = Create();
        s.Targets.Targets.Add(Target(null, "lead_bot", "process", 1000));
        s.Targets.Targets.Add(Target("acme", "lead_bot", "process", 300));
        s.Targets.Targets.Add(Target(null, "buyer_bot", "quote", 500));
        Interactions(s, "acme", "lead_bot", "process", "bot_interaction", Range(200, 5));
        Interactions(s, "globex", "lead_bot", "process", "bot_interaction", 1500, 1500, 1500, 1500);
        Interactions(s, "acme", "lead_bot", "process", "llm_call", 90_000);

        var r = await s.Service.SlaAsync(Window, new MetricFilter(), null, CancellationToken.None);

        Assert.Equal(3, r.Results.Count);
        var global = r.Results[0];
        Assert.Equal((null, "lead_bot", "process", 9L, "violated", false), (global.TenantId, global.Bot, global.Operation, global.Actual.Count, global.Status, global.Compliant));
        Assert.Equal([$"p95 {global.Actual.P95Ms:0.#} ms exceeds the 1000 ms target"], global.Violations);
        Assert.Equal((10_000, 1000, 10_000), (global.Target.P50Ms, global.Target.P95Ms, global.Target.P99Ms));
        var acme = r.Results[1];
        Assert.Equal(("acme", 5L, "compliant", true), (acme.TenantId, acme.Actual.Count, acme.Status, acme.Compliant));
        Assert.Empty(acme.Violations);
        Assert.Equal(["bot_interaction"], acme.EventTypes);
        var quote = r.Results[2];
        Assert.Equal(("no_data", 0L, (double?)null), (quote.Status, quote.Actual.Count, quote.Actual.P95Ms));
        Assert.Equal(Complete, r.CompleteUpTo);
        Assert.Equal(["bot_interaction"], s.Rollups.Queries[0].Filter.Get(Dimension.Type)!);
    }

    [Fact]
    public async Task Every_quantile_over_its_target_is_a_violation()
    {
        var s = Create();
        s.Targets.Targets.Add(new SlaTarget(null, "lead_bot", "process", 100, 200, 250, ["bot_interaction"], Minute));
        Interactions(s, "acme", "lead_bot", "process", "bot_interaction", [.. Range(300, 100)]);

        var r = await s.Service.SlaAsync(Window, new MetricFilter(), null, CancellationToken.None);

        Assert.Equal(["p50", "p95", "p99"], Assert.Single(r.Results).Violations.Select(v => v[..3]));
        Assert.All(r.Results[0].Violations, v => Assert.Matches(@"^p\d\d \d+(\.\d)? ms exceeds the \d+ ms target$", v));
    }

    [Fact]
    public async Task A_tenant_sees_its_own_targets_and_global_ones_only_where_it_has_data_and_no_target_of_its_own()
    {
        var s = Create();
        s.Targets.Targets.Add(Target(null, "lead_bot", "process", 1000));
        s.Targets.Targets.Add(Target("acme", "lead_bot", "process", 300));
        s.Targets.Targets.Add(Target(null, "buyer_bot", "quote", 500));
        s.Targets.Targets.Add(Target(null, "seller_bot", "close", 500));
        s.Targets.Targets.Add(Target("globex", "seller_bot", "close", 500));
        Interactions(s, "acme", "lead_bot", "process", "bot_interaction", 250, 260);
        Interactions(s, "acme", "buyer_bot", "quote", "bot_interaction", 700, 700);
        Interactions(s, "globex", "seller_bot", "close", "bot_interaction", 100);

        var r = await s.Service.SlaAsync(Window, new MetricFilter(), "acme", CancellationToken.None);

        Assert.Equal(["acme/lead_bot/process/compliant", "-/buyer_bot/quote/violated"], r.Results.Select(x => $"{x.TenantId ?? "-"}/{x.Bot}/{x.Operation}/{x.Status}"));
    }

    [Fact]
    public async Task A_type_filter_overrides_the_targets_types_and_bot_and_operation_filters_pick_targets()
    {
        var s = Create();
        s.Targets.Targets.Add(Target(null, "lead_bot", "process", 1000));
        s.Targets.Targets.Add(Target(null, "lead_bot", "qualify", 1000));
        s.Targets.Targets.Add(Target(null, "buyer_bot", "process", 1000));
        Interactions(s, "acme", "lead_bot", "process", "bot_interaction", 100);
        Interactions(s, "acme", "lead_bot", "process", "llm_call", 5000, 5000);

        var r = await s.Service.SlaAsync(Window, new MetricFilter().With(Dimension.Type, "llm_call").With(Dimension.Bot, "lead_bot").With(Dimension.Operation, "process"), null, CancellationToken.None);

        var only = Assert.Single(r.Results);
        Assert.Equal((2L, "violated"), (only.Actual.Count, only.Status));
        Assert.Equal(["llm_call"], only.EventTypes);
    }

    [Fact]
    public async Task Without_targets_nothing_is_read()
    {
        var s = Create();
        Interactions(s, "acme", "lead_bot", "process", "bot_interaction", 100);

        var r = await s.Service.SlaAsync(Window, new MetricFilter(), null, CancellationToken.None);

        Assert.Empty(r.Results);
        Assert.Empty(s.Rollups.Queries);
    }
}
