using System.Globalization;
using Vigil.Core.Alerts;
using Vigil.Core.Budgets;
using Vigil.Core.Metrics;
using Vigil.Core.Prometheus;
using Vigil.Core.Tests.Fakes;

namespace Vigil.Core.Tests;

/// <summary>The Prometheus exposition from in-memory rollups, alerts and budgets: which samples, with which labels and values.</summary>
public class PrometheusMetricsTests
{
    // ComputeRollups is complete to 10:00:20, so metrics are read up to 10:00 (the last complete minute's end).
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 0, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset End = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private const string Lead = "tenant_id=\"acme\",bot=\"lead_bot\",operation=\"process\",model=\"gpt-4o\",type=\"llm_call\"";

    private sealed record Setup(PrometheusMetrics Metrics, FakeRollupStore Rollups, FakeAlertStore Alerts, FakeAlertRuleStore Rules, FakeBudgetStore Budgets,
        StaticOptions<PrometheusOptions> Options, RecordingLogger<PrometheusMetrics> Log);

    private static Setup Create()
    {
        var clock = new ManualClock(Now);
        var rollups = new FakeRollupStore { CompleteUpTo = End.AddSeconds(20) };
        var alerts = new FakeAlertStore();
        var rules = new FakeAlertRuleStore();
        var budgets = new FakeBudgetStore();
        var options = new StaticOptions<PrometheusOptions>(new PrometheusOptions());
        var service = new BudgetService(budgets, new FakeBatchJobStore(), rollups, clock);
        var log = new RecordingLogger<PrometheusMetrics>();
        return new Setup(new PrometheusMetrics(rollups, alerts, rules, budgets, service, options, log), rollups, alerts, rules, budgets, options, log);
    }

    private static (Dimension, string)[] Series(string tenant = "acme", string bot = "lead_bot") =>
        [(Dimension.TenantId, tenant), (Dimension.Bot, bot), (Dimension.Operation, "process"), (Dimension.Model, "gpt-4o"), (Dimension.Type, "llm_call")];

    /// <summary>"name{labels}" → value, for every sample line.</summary>
    private static Dictionary<string, double> Samples(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#'))
            .ToDictionary(l => l[..l.LastIndexOf(' ')], l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static async Task<(string Text, Dictionary<string, double> Samples)> ScrapeAsync(Setup s, string? tenant = null)
    {
        var text = await s.Metrics.ScrapeAsync(tenant, CancellationToken.None);
        return (text, Samples(text));
    }

    [Fact]
    public async Task Counters_are_todays_events_up_to_the_last_complete_minute()
    {
        var s = Create();
        s.Rollups.Add(End.AddHours(-9), new RollupCounters { Events = 7, Errors = 2, CostUsd = 0.5m, InputTokens = 100, OutputTokens = 40, CachedInputTokens = 30 }, Series());
        s.Rollups.Add(End.AddHours(-1), new RollupCounters { Events = 4, Errors = 1, CostUsd = 0.25m, InputTokens = 10, OutputTokens = 4, CachedInputTokens = 3 }, Series());
        s.Rollups.Add(End.AddHours(-10).AddMinutes(-1), new RollupCounters { Events = 1000, Errors = 1000 }, Series());
        s.Rollups.Add(End, new RollupCounters { Events = 500 }, Series());

        var (text, samples) = await ScrapeAsync(s);

        Assert.Equal(End.ToUnixTimeSeconds(), samples["vigil_rollup_minute_end_timestamp_seconds"]);
        Assert.Equal(11, samples[$"vigil_events_total{{{Lead}}}"]);
        Assert.Equal(3, samples[$"vigil_errors_total{{{Lead}}}"]);
        Assert.Equal(0.75, samples[$"vigil_cost_usd_total{{{Lead}}}"]);
        Assert.Equal(110, samples[$"vigil_tokens_total{{{Lead},direction=\"input\"}}"]);
        Assert.Equal(44, samples[$"vigil_tokens_total{{{Lead},direction=\"output\"}}"]);
        Assert.Equal(33, samples[$"vigil_tokens_total{{{Lead},direction=\"cached_input\"}}"]);
        Assert.Contains("# TYPE vigil_events_total counter\n", text);
        Assert.Contains("# TYPE vigil_rollup_minute_end_timestamp_seconds gauge\n", text);
        Assert.Equal(0, samples["vigil_series_dropped{metric=\"vigil_events_total\"}"]);
    }

    [Fact]
    public async Task Every_family_says_what_it_is_and_its_type()
    {
        var s = Create();
        s.Rollups.Add(End.AddMinutes(-1), new RollupCounters { Events = 1 }, Series());

        var (text, _) = await ScrapeAsync(s);

        var help = text.Split('\n').Where(l => l.StartsWith("# HELP ", StringComparison.Ordinal)).ToDictionary(l => l.Split(' ')[2], l => l[(l.IndexOf(' ', 7) + 1)..]);
        var types = text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).ToDictionary(l => l.Split(' ')[2], l => l.Split(' ')[3]);
        Assert.Equal("End of the last complete rollup minute these metrics are read up to (Unix time).", help["vigil_rollup_minute_end_timestamp_seconds"]);
        Assert.Equal("Events since 00:00 UTC, up to the end of the last complete rollup minute.", help["vigil_events_total"]);
        Assert.Equal("Events with success false since 00:00 UTC (feedback never fails).", help["vigil_errors_total"]);
        Assert.Equal("Cost in USD (reported or computed from the price table) since 00:00 UTC.", help["vigil_cost_usd_total"]);
        Assert.StartsWith("LLM tokens since 00:00 UTC by direction: input (cached ones included), output, and cached_input", help["vigil_tokens_total"]);
        Assert.Equal("Duration P95 over the 5 minutes ending at the last complete rollup minute (series with events then).", help["vigil_latency_p95_seconds"]);
        Assert.Equal("Time-to-first-token P50 over the same 5 minutes (series that reported ttft_ms).", help["vigil_ttft_p50_seconds"]);
        Assert.Equal("Events in the same 5 minutes: how many samples the quantiles stand on.", help["vigil_window_events"]);
        Assert.StartsWith("Alerts not yet resolved, by rule, severity and state", help["vigil_alerts_open"]);
        Assert.Equal("Spend in USD this budget period (calendar month, UTC).", help["vigil_budget_spent_usd"]);
        Assert.Equal("The budget's amount in USD per period.", help["vigil_budget_amount_usd"]);
        Assert.Equal("Spend as a percentage of the amount (100 = the budget is used up).", help["vigil_budget_spent_percent"]);
        Assert.StartsWith("Label sets left out of a metric in this scrape because it had more than Vigil:Prometheus:MaxSeriesPerMetric", help["vigil_series_dropped"]);
        Assert.Equal(["counter", "counter", "counter", "counter"], new[] { "vigil_events_total", "vigil_errors_total", "vigil_cost_usd_total", "vigil_tokens_total" }.Select(n => types[n]));
        Assert.All(new[] { "vigil_latency_p99_seconds", "vigil_window_events", "vigil_alerts_open", "vigil_budget_spent_usd", "vigil_budget_amount_usd", "vigil_budget_spent_percent", "vigil_series_dropped" },
            n => Assert.Equal("gauge", types[n]));
        // Today's counters need no latency sketches; the 5-minute quantiles do.
        Assert.Equal([false, true], s.Rollups.Queries.Select(q => q.WithSketches));
    }

    [Fact]
    public async Task Just_after_midnight_the_counters_still_cover_the_day_that_just_ended()
    {
        var s = Create();
        // Complete to 00:00:20: the last complete minute ends at 00:00, so the day read is the one that just ended.
        s.Rollups.CompleteUpTo = new DateTimeOffset(2026, 11, 22, 0, 0, 20, TimeSpan.Zero);
        s.Rollups.Add(new DateTimeOffset(2026, 11, 21, 23, 59, 0, TimeSpan.Zero), new RollupCounters { Events = 12 }, Series());
        s.Rollups.Add(new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero), new RollupCounters { Events = 30 }, Series());

        var (_, samples) = await ScrapeAsync(s);

        Assert.Equal(42, samples[$"vigil_events_total{{{Lead}}}"]);
    }

    [Fact]
    public async Task A_tenants_scrape_counts_its_own_rules_with_zeros_and_the_global_ones()
    {
        var s = Create();
        s.Rules.Rules.Add(new AlertRule { TenantId = "acme", Name = "ours", Metric = AlertMetric.ErrorRate, Window = TimeSpan.FromMinutes(5), Comparator = Comparator.GreaterThan, Severity = Severity.Info });
        s.Rules.Rules.Add(new AlertRule { Name = "global", Metric = AlertMetric.ErrorRate, Window = TimeSpan.FromMinutes(5), Comparator = Comparator.GreaterThan, Severity = Severity.Info });
        s.Rules.Rules.Add(new AlertRule { TenantId = "globex", Name = "theirs", Metric = AlertMetric.ErrorRate, Window = TimeSpan.FromMinutes(5), Comparator = Comparator.GreaterThan, Severity = Severity.Info });
        s.Budgets.Budgets.Add(new Budget { TenantId = "globex", Name = "theirs", AmountUsd = 8m, Thresholds = [] });

        var (text, samples) = await ScrapeAsync(s, "acme");

        Assert.Equal(0, samples["vigil_alerts_open{rule=\"ours\",severity=\"info\",state=\"pending\"}"]);
        Assert.Equal(0, samples["vigil_alerts_open{rule=\"global\",severity=\"info\",state=\"pending\"}"]);
        Assert.DoesNotContain("theirs", text);

        var (all, _) = await ScrapeAsync(s);
        Assert.Contains("rule=\"theirs\"", all);
        Assert.Contains("budget=\"theirs\"", all);
    }

    [Fact]
    public async Task Latency_is_over_the_five_minutes_before_the_end_in_seconds()
    {
        var s = Create();
        var recent = new RollupCounters { Events = 100 };
        foreach (var ms in Enumerable.Range(1, 100)) recent.Duration.Add(ms * 20);
        recent.Ttft.Add(400);
        recent.Ttft.Add(400);
        s.Rollups.Add(End.AddMinutes(-5), recent, Series());
        var older = new RollupCounters { Events = 3 };
        older.Duration.Add(90_000);
        s.Rollups.Add(End.AddMinutes(-6), older, Series());
        s.Rollups.Add(End.AddMinutes(-2), new RollupCounters { Events = 9 }, Series(bot: "quiet_bot"));

        var (_, samples) = await ScrapeAsync(s);

        Assert.InRange(samples[$"vigil_latency_p50_seconds{{{Lead}}}"], 0.98, 1.03);
        Assert.InRange(samples[$"vigil_latency_p95_seconds{{{Lead}}}"], 1.88, 1.93);
        Assert.InRange(samples[$"vigil_latency_p99_seconds{{{Lead}}}"], 1.96, 2.01);
        Assert.InRange(samples[$"vigil_ttft_p95_seconds{{{Lead}}}"], 0.39, 0.41);
        Assert.InRange(samples[$"vigil_ttft_p50_seconds{{{Lead}}}"], 0.39, 0.41);
        Assert.InRange(samples[$"vigil_ttft_p99_seconds{{{Lead}}}"], 0.39, 0.41);
        Assert.Equal(100, samples[$"vigil_window_events{{{Lead}}}"]);
        // A series with no durations has no quantiles, only its event count.
        var quiet = Lead.Replace("lead_bot", "quiet_bot");
        Assert.Equal(9, samples[$"vigil_window_events{{{quiet}}}"]);
        Assert.False(samples.ContainsKey($"vigil_latency_p95_seconds{{{quiet}}}"));
        Assert.False(samples.ContainsKey($"vigil_ttft_p95_seconds{{{quiet}}}"));
    }

    [Fact]
    public async Task Before_the_first_rollup_only_alerts_and_budgets_are_exposed()
    {
        var s = Create();
        s.Rollups.CompleteUpTo = null;
        s.Rules.Rules.Add(new AlertRule { Name = "r", Metric = AlertMetric.ErrorRate, Window = TimeSpan.FromMinutes(5), Comparator = Comparator.GreaterThan, Severity = Severity.Info });

        var (text, samples) = await ScrapeAsync(s);

        Assert.DoesNotContain("vigil_events_total", text);
        Assert.DoesNotContain("vigil_rollup_minute_end_timestamp_seconds", text);
        Assert.Empty(s.Rollups.Queries);
        Assert.Equal(0, samples["vigil_alerts_open{rule=\"r\",severity=\"info\",state=\"firing\"}"]);
    }

    [Fact]
    public async Task Open_alerts_are_counted_by_rule_severity_and_state_with_zeros_for_every_rule()
    {
        var s = Create();
        s.Rules.Rules.Add(new AlertRule { Name = "errors", Metric = AlertMetric.ErrorRate, Window = TimeSpan.FromMinutes(5), Comparator = Comparator.GreaterThan, Severity = Severity.Critical });
        s.Rules.Rules.Add(new AlertRule { Name = "quiet", Metric = AlertMetric.ErrorRate, Window = TimeSpan.FromMinutes(5), Comparator = Comparator.GreaterThan, Severity = Severity.Warning });
        s.Alerts.Add(TestAlerts.Firing(Now, rule: "errors"));
        s.Alerts.Add(TestAlerts.Firing(Now, rule: "errors"));
        s.Alerts.Add(TestAlerts.Firing(Now, rule: "errors") with { State = AlertState.Acknowledged });
        s.Alerts.Add(TestAlerts.Firing(Now, rule: "errors") with { State = AlertState.Resolved });
        s.Alerts.Add(TestAlerts.Firing(Now, rule: "deleted_rule") with { State = AlertState.Pending });

        var (_, samples) = await ScrapeAsync(s);

        Assert.Equal(2, samples["vigil_alerts_open{rule=\"errors\",severity=\"critical\",state=\"firing\"}"]);
        Assert.Equal(1, samples["vigil_alerts_open{rule=\"errors\",severity=\"critical\",state=\"acknowledged\"}"]);
        Assert.Equal(0, samples["vigil_alerts_open{rule=\"errors\",severity=\"critical\",state=\"pending\"}"]);
        Assert.Equal(0, samples["vigil_alerts_open{rule=\"quiet\",severity=\"warning\",state=\"firing\"}"]);
        Assert.Equal(1, samples["vigil_alerts_open{rule=\"deleted_rule\",severity=\"critical\",state=\"pending\"}"]);
        Assert.Equal(7, samples.Keys.Count(k => k.StartsWith("vigil_alerts_open{", StringComparison.Ordinal)));
        Assert.False(samples.ContainsKey("vigil_alerts_open{rule=\"errors\",severity=\"critical\",state=\"resolved\"}"));
    }

    [Fact]
    public async Task A_tenants_scrape_has_only_its_series_alerts_and_budgets()
    {
        var s = Create();
        s.Rollups.Add(End.AddMinutes(-1), new RollupCounters { Events = 5, CostUsd = 2m }, Series("acme"));
        s.Rollups.Add(End.AddMinutes(-1), new RollupCounters { Events = 6, CostUsd = 3m }, Series("globex"));
        s.Rules.Rules.Add(new AlertRule { Name = "global", Metric = AlertMetric.ErrorRate, Window = TimeSpan.FromMinutes(5), Comparator = Comparator.GreaterThan, Severity = Severity.Critical });
        s.Rules.Rules.Add(new AlertRule { TenantId = "globex", Name = "theirs", Metric = AlertMetric.ErrorRate, Window = TimeSpan.FromMinutes(5), Comparator = Comparator.GreaterThan, Severity = Severity.Critical });
        s.Alerts.Add(TestAlerts.Firing(Now, rule: "global", tenant: "acme"));
        s.Alerts.Add(TestAlerts.Firing(Now, rule: "global", tenant: "globex"));
        s.Alerts.Add(TestAlerts.Firing(Now, rule: "global"));
        s.Budgets.Budgets.Add(new Budget { TenantId = "acme", Name = "acme_llm", AmountUsd = 8m, Thresholds = [] });
        s.Budgets.Budgets.Add(new Budget { Name = "everything", AmountUsd = 100m, Thresholds = [] });

        var (text, samples) = await ScrapeAsync(s, "acme");

        Assert.Equal(5, samples[$"vigil_events_total{{{Lead}}}"]);
        Assert.DoesNotContain("globex", text);
        Assert.Equal(1, samples["vigil_alerts_open{rule=\"global\",severity=\"critical\",state=\"firing\"}"]);
        Assert.Equal(2, samples["vigil_budget_spent_usd{tenant_id=\"acme\",budget=\"acme_llm\"}"]);
        Assert.Equal(8, samples["vigil_budget_amount_usd{tenant_id=\"acme\",budget=\"acme_llm\"}"]);
        Assert.Equal(25, samples["vigil_budget_spent_percent{tenant_id=\"acme\",budget=\"acme_llm\"}"]);
        Assert.DoesNotContain("everything", text);
    }

    [Fact]
    public async Task An_unbound_scrape_has_every_tenant_and_the_global_budgets()
    {
        var s = Create();
        s.Rollups.Add(End.AddMinutes(-1), new RollupCounters { Events = 5, CostUsd = 2m }, Series("acme"));
        s.Rollups.Add(End.AddMinutes(-1), new RollupCounters { Events = 6, CostUsd = 3m }, Series("globex"));
        s.Alerts.Add(TestAlerts.Firing(Now, rule: "global", tenant: "acme"));
        s.Alerts.Add(TestAlerts.Firing(Now, rule: "global"));
        s.Budgets.Budgets.Add(new Budget { Name = "everything", AmountUsd = 20m, Thresholds = [] });

        var (_, samples) = await ScrapeAsync(s);

        Assert.Equal(6, samples[$"vigil_events_total{{{Lead.Replace("acme", "globex")}}}"]);
        Assert.Equal(2, samples["vigil_alerts_open{rule=\"global\",severity=\"critical\",state=\"firing\"}"]);
        Assert.Equal(5, samples["vigil_budget_spent_usd{tenant_id=\"\",budget=\"everything\"}"]);
        Assert.Equal(25, samples["vigil_budget_spent_percent{tenant_id=\"\",budget=\"everything\"}"]);
    }

    [Fact]
    public async Task Past_the_series_limit_the_busiest_are_kept_and_the_rest_counted_as_dropped()
    {
        var s = Create();
        s.Options.Value = new PrometheusOptions { MaxSeriesPerMetric = 2 };
        s.Rollups.Add(End.AddMinutes(-1), new RollupCounters { Events = 5 }, Series(bot: "b_bot"));
        s.Rollups.Add(End.AddMinutes(-1), new RollupCounters { Events = 9 }, Series(bot: "c_bot"));
        s.Rollups.Add(End.AddMinutes(-1), new RollupCounters { Events = 1 }, Series(bot: "a_bot"));
        s.Rollups.Add(End.AddMinutes(-1), new RollupCounters { Events = 5 }, Series(bot: "d_bot"));

        var (text, samples) = await ScrapeAsync(s);

        var events = text.Split('\n').Where(l => l.StartsWith("vigil_events_total{", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, events.Count);
        Assert.Contains("bot=\"b_bot\"", events[0]);
        Assert.Contains("bot=\"c_bot\"", events[1]);
        Assert.Equal(2, samples["vigil_series_dropped{metric=\"vigil_events_total\"}"]);
        Assert.Equal(10, samples["vigil_series_dropped{metric=\"vigil_tokens_total\"}"]);
        Assert.Equal(0, samples["vigil_series_dropped{metric=\"vigil_latency_p95_seconds\"}"]);
        Assert.Equal(2, samples["vigil_series_dropped{metric=\"vigil_window_events\"}"]);
        Assert.Equal(TimeSpan.FromMinutes(5), PrometheusMetrics.LatencyWindow);
        Assert.Contains("Prometheus scrape left out 2 label sets of vigil_events_total (limit 2 per metric)", s.Log.Entries.Select(e => e.Message));
        Assert.DoesNotContain(s.Log.Entries, e => e.Message.Contains("vigil_latency_p95_seconds"));
    }
}
