using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Metrics;

namespace Vigil.Bench;

/// <summary>
/// Evaluating N enabled rules: the set-based EvaluateAlerts (one rollup query per distinct window,
/// rules merged in memory) against the obvious baseline of one rollup query per rule, in the same
/// run, over 200 series with an hour of traffic.
/// </summary>
internal static class AlertsBenchmark
{
    private static readonly string[] Metrics =
        ["latency_p95", "latency_p99", "error_rate", "cache_hit_rate", "event_count", "cost_usd", "rate_limit_error_rate", "ttft_p95", "quality_score_avg", "latency_p50"];

    private static readonly string[] Windows = ["5m", "10m", "15m", "1h"];

    public static async Task<int> RunAsync(string connectionString, int ruleCount, int repeats)
    {
        Console.WriteLine($"Alert evaluation benchmark: {ruleCount:N0} enabled rules over 200 series with an hour of traffic; {Environment.ProcessorCount} cores.");
        await using var host = await BenchHost.StartAsync(connectionString, "bench_alerts");
        await using var data = NpgsqlDataSource.Create(host.ConnectionString);
        await using (var load = data.CreateCommand("""
            INSERT INTO events (tenant_id, event_id, type, ts, bot, operation, model, duration_ms, ttft_ms, success, error_type, cache_hit, quality_score, cost_usd, cost_source)
            SELECT 'tenant-' || (s % 2), 'e-' || i, 'llm_call', now() - random() * interval '59 minutes',
                   'bot-' || ((s / 2) % 5), 'op-' || ((s / 10) % 4), 'model-' || ((s / 40) % 5),
                   (200 + 15 * s) * exp(0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())), 50 + random() * 400,
                   random() > 0.03, CASE WHEN random() < 0.01 THEN 'rate_limit' END, random() > 0.4, 0.7 + random() * 0.3, 0.002, 'computed'
            FROM (SELECT i, i % 200 AS s FROM generate_series(1, 200000) AS i) g;
            INSERT INTO rollup_pending (minute, marked_at) SELECT DISTINCT date_bin('1 minute', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), '-infinity'::timestamptz FROM events;
            UPDATE alert_rules SET enabled = false;
            """))
        {
            load.CommandTimeout = 600;
            await load.ExecuteNonQueryAsync();
        }
        var runner = host.Services.GetRequiredService<Vigil.Core.Jobs.TimerJobRunner>();
        await runner.RunAsync(runner.Find("ComputeRollups")!, CancellationToken.None);

        var store = host.Services.GetRequiredService<IAlertRuleStore>();
        var random = new Random(7);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < ruleCount; i++)
        {
            var metric = Metrics[i % Metrics.Length];
            AlertNames.TryParseMetric(metric, out var m);
            var filters = new MetricFilter();
            if (i % 3 == 1) filters.With(Dimension.Bot, $"bot-{random.Next(5)}");
            if (i % 5 == 2) filters.With(Dimension.Model, $"model-{random.Next(5)}");
            IReadOnlyList<Dimension> groupBy = (i % 4) switch { 0 => [Dimension.Bot], 1 => [Dimension.Bot, Dimension.Operation], 2 => [Dimension.TenantId], _ => [Dimension.Model] };
            await store.UpsertAsync(new AlertRule
            {
                Name = $"rule-{i:D4}",
                Metric = m,
                Filters = filters,
                GroupBy = groupBy,
                Window = DurationTextParse(Windows[i % Windows.Length]),
                Comparator = Comparator.GreaterThan,
                Threshold = Threshold(metric, random),
                MinSamples = 5,
                Severity = Severity.Warning,
                Channels = [],
                CreatedAt = now,
                UpdatedAt = now,
            }, CancellationToken.None);
        }

        var evaluator = host.Services.GetRequiredService<AlertEvaluator>();
        var first = Stopwatch.StartNew();
        var firstReport = await evaluator.EvaluateAsync(CancellationToken.None);
        var firstMs = first.Elapsed.TotalMilliseconds;
        var steady = new List<double>();
        EvaluationReport report = firstReport;
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            report = await evaluator.EvaluateAsync(CancellationToken.None);
            steady.Add(watch.Elapsed.TotalMilliseconds);
        }

        // Baseline: what a first version does — one rollup query per rule, merged and judged per rule.
        var rollups = host.Services.GetRequiredService<IRollupStore>();
        var rules = (await store.ListAsync(TenantScope.All, CancellationToken.None)).Where(r => r.Enabled).ToList();
        var baseline = new List<double>();
        var baselineGroups = 0;
        for (var i = 0; i < Math.Max(1, repeats / 3); i++)
        {
            baselineGroups = 0;
            var watch = Stopwatch.StartNew();
            foreach (var rule in rules)
            {
                MetricWindow.TryResolve(DurationTextFormat(rule.Window), DateTimeOffset.UtcNow, out var window, out _);
                var filter = new MetricFilter();
                foreach (var (d, v) in rule.Filters.Values) filter.With(d, v);
                var groups = await rollups.QueryAsync(new RollupQuery(window.Plan(), filter, rule.GroupBy, rule.Metric.NeedsSketches()), CancellationToken.None);
                foreach (var g in groups)
                {
                    var value = AlertMetrics.Compute(rule.Metric, g.Counters);
                    if (value.Value is { } v && value.Samples >= rule.MinSamples && rule.Holds(v, rule.Threshold!.Value)) baselineGroups++;
                }
            }
            baseline.Add(watch.Elapsed.TotalMilliseconds);
        }

        var steadyMs = Median(steady);
        var baselineMs = Median(baseline);
        Console.WriteLine();
        Console.WriteLine("| evaluation of all rules | milliseconds |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| EvaluateAlerts, first run ({firstReport.Opened} alerts opened) | {firstMs:F0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| EvaluateAlerts, steady state (median of {repeats}) | {steadyMs:F0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| baseline: one rollup query per rule (median) | {baselineMs:F0} |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Rules} rules, {report.Observations} groups observed; set-based evaluation is {baselineMs / steadyMs:F1}x faster than the baseline, which found {baselineGroups} groups over threshold."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT alerts rules={report.Rules} first_run_ms={firstMs:F0} steady_ms={steadyMs:F0} per_rule_baseline_ms={baselineMs:F0} speedup={baselineMs / steadyMs:F1}"));
        return 0;
    }

    private static double Threshold(string metric, Random random) => metric switch
    {
        "latency_p95" or "latency_p99" or "latency_p50" => 500 + random.Next(0, 4000),
        "ttft_p95" => 300 + random.Next(0, 200),
        "error_rate" or "rate_limit_error_rate" => random.NextDouble() * 0.06,
        "cache_hit_rate" => random.NextDouble(),
        "event_count" => random.Next(0, 3000),
        "cost_usd" => random.NextDouble() * 5,
        _ => 0.7 + (random.NextDouble() * 0.3),
    };

    private static TimeSpan DurationTextParse(string text) => Vigil.Core.DurationText.Parse(text);

    private static string DurationTextFormat(TimeSpan span) => Vigil.Core.DurationText.Format(span);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
