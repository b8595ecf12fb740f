using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Budgets;
using Vigil.Core.Metrics;
using Label = System.Collections.Generic.KeyValuePair<string, string>;

namespace Vigil.Core.Prometheus;

/// <summary>
/// <c>GET /api/metrics/prometheus</c>: Vigil's rollups as Prometheus metrics, read up to the end of
/// the last complete rollup minute (the minute before ComputeRollups' <c>complete_up_to</c>), so two
/// scrapes of the same minute give the same numbers. Per series (tenant_id, bot, operation, model,
/// type): counters since 00:00 UTC of that minute's day (they reset at midnight, which rate() and
/// increase() handle as any counter reset) and latency quantiles over the 5 minutes ending there;
/// open alerts by rule, severity and state; each budget's spend this period. docs/prometheus.md
/// lists every metric and the cardinality rule.
/// </summary>
public sealed partial class PrometheusMetrics(
    IRollupStore rollups,
    IAlertStore alerts,
    IAlertRuleStore rules,
    IBudgetStore budgets,
    BudgetService budgetService,
    IOptionsMonitor<PrometheusOptions> options,
    ILogger<PrometheusMetrics> logger)
{
    /// <summary>How far back the latency quantiles look.</summary>
    public static readonly TimeSpan LatencyWindow = TimeSpan.FromMinutes(5);

    private static readonly Dimension[] SeriesDimensions = [Dimension.TenantId, Dimension.Bot, Dimension.Operation, Dimension.Model, Dimension.Type];

    private static readonly (double Q, string Name)[] Quantiles = [(0.5, "p50"), (0.95, "p95"), (0.99, "p99")];

    private static readonly AlertState[] OpenStates = [AlertState.Pending, AlertState.Firing, AlertState.Acknowledged];

    /// <summary>The exposition for a caller; a tenant-bound key (<paramref name="tenant"/>) sees its tenant's series only.</summary>
    public async Task<string> ScrapeAsync(string? tenant, CancellationToken cancellationToken)
    {
        var max = options.CurrentValue.MaxSeriesPerMetric;
        var text = new PrometheusText();
        var dropped = new List<(string Metric, int Count)>();
        var filter = new MetricFilter();
        if (tenant is not null) filter.With(Dimension.TenantId, tenant);

        if (await rollups.CompleteUpToAsync(cancellationToken) is { } completeUpTo)
        {
            var end = Align.Floor(completeUpTo, Resolution.Minute);
            var dayStart = Align.Floor(end - MetricWindow.Shortest, Resolution.Day);
            text.Family("vigil_rollup_minute_end_timestamp_seconds", "gauge",
                "End of the last complete rollup minute these metrics are read up to (Unix time).");
            text.Sample("vigil_rollup_minute_end_timestamp_seconds", [], end.ToUnixTimeSeconds());

            var today = await rollups.QueryAsync(
                new RollupQuery(MetricWindow.Plan(dayStart, end), filter, SeriesDimensions, WithSketches: false), cancellationToken);
            WriteCounters(text, today, max, dropped);
            var recent = await rollups.QueryAsync(
                new RollupQuery(MetricWindow.Plan(end - LatencyWindow, end), filter, SeriesDimensions), cancellationToken);
            WriteLatency(text, recent, max, dropped);
        }

        await WriteAlertsAsync(text, tenant, max, dropped, cancellationToken);
        await WriteBudgetsAsync(text, tenant, max, dropped, cancellationToken);

        text.Family("vigil_series_dropped", "gauge",
            "Label sets left out of a metric in this scrape because it had more than Vigil:Prometheus:MaxSeriesPerMetric (the busiest are kept).");
        foreach (var (metric, count) in dropped)
        {
            text.Sample("vigil_series_dropped", [new("metric", metric)], count);
            if (count > 0) LogSeriesDropped(logger, count, metric, max);
        }
        return text.ToString();
    }

    private static void WriteCounters(PrometheusText text, IReadOnlyList<RollupGroup> groups, int max, List<(string, int)> dropped)
    {
        Family(text, "vigil_events_total", "counter", "Events since 00:00 UTC, up to the end of the last complete rollup minute.",
            groups.Select(g => (SeriesLabels(g), (double)g.Counters.Events, g.Counters.Events)), max, dropped);
        Family(text, "vigil_errors_total", "counter", "Events with success false since 00:00 UTC (feedback never fails).",
            groups.Select(g => (SeriesLabels(g), (double)g.Counters.Errors, g.Counters.Events)), max, dropped);
        Family(text, "vigil_cost_usd_total", "counter", "Cost in USD (reported or computed from the price table) since 00:00 UTC.",
            groups.Select(g => (SeriesLabels(g), (double)g.Counters.CostUsd, g.Counters.Events)), max, dropped);
        Family(text, "vigil_tokens_total", "counter",
            "LLM tokens since 00:00 UTC by direction: input (cached ones included), output, and cached_input (the cached part of input).",
            groups.SelectMany(g => new[]
            {
                (SeriesLabels(g, ("direction", "input")), (double)g.Counters.InputTokens, g.Counters.Events),
                (SeriesLabels(g, ("direction", "output")), (double)g.Counters.OutputTokens, g.Counters.Events),
                (SeriesLabels(g, ("direction", "cached_input")), (double)g.Counters.CachedInputTokens, g.Counters.Events),
            }), max, dropped);
    }

    /// <summary>
    /// One gauge per quantile (vigil_latency_p95_seconds...), not one gauge with a quantile label:
    /// that label is reserved for summaries, whose _sum and _count these windowed figures are not.
    /// </summary>
    private static void WriteLatency(PrometheusText text, IReadOnlyList<RollupGroup> groups, int max, List<(string, int)> dropped)
    {
        foreach (var (q, name) in Quantiles)
        {
            Family(text, $"vigil_latency_{name}_seconds", "gauge",
                $"Duration {name.ToUpperInvariant()} over the 5 minutes ending at the last complete rollup minute (series with events then).",
                groups.Where(g => !g.Counters.Duration.IsEmpty)
                    .Select(g => (SeriesLabels(g), g.Counters.Duration.Quantile(q)!.Value / 1000, g.Counters.Duration.Count)), max, dropped);
        }
        foreach (var (q, name) in Quantiles)
        {
            Family(text, $"vigil_ttft_{name}_seconds", "gauge",
                $"Time-to-first-token {name.ToUpperInvariant()} over the same 5 minutes (series that reported ttft_ms).",
                groups.Where(g => !g.Counters.Ttft.IsEmpty)
                    .Select(g => (SeriesLabels(g), g.Counters.Ttft.Quantile(q)!.Value / 1000, g.Counters.Ttft.Count)), max, dropped);
        }
        Family(text, "vigil_window_events", "gauge", "Events in the same 5 minutes: how many samples the quantiles stand on.",
            groups.Select(g => (SeriesLabels(g), (double)g.Counters.Events, g.Counters.Events)), max, dropped);
    }

    private async Task WriteAlertsAsync(PrometheusText text, string? tenant, int max, List<(string, int)> dropped, CancellationToken cancellationToken)
    {
        // Every rule appears with 0 in each open state, so a dashboard shows 0 rather than "no data".
        var counts = new Dictionary<(string Rule, string Severity, string State), long>();
        // A tenant sees its own rules and the global ones whose alerts can be about its groups.
        foreach (var rule in await rules.ListAsync(tenant is null ? TenantScope.All : TenantScope.OfWithGlobal(tenant), cancellationToken))
        {
            foreach (var state in OpenStates) counts[(rule.Name, rule.Severity.ToName(), state.ToName())] = 0;
        }
        foreach (var state in OpenStates)
        {
            foreach (var alert in await alerts.ListAsync(state, null, tenant is null ? TenantScope.All : TenantScope.Of(tenant), 100_000, cancellationToken))
            {
                var key = (alert.Rule, alert.Severity.ToName(), state.ToName());
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }
        Family(text, "vigil_alerts_open", "gauge", "Alerts not yet resolved, by rule, severity and state (pending, firing, acknowledged).",
            counts.Select(c => ((IReadOnlyList<Label>)[new("rule", c.Key.Rule), new("severity", c.Key.Severity), new("state", c.Key.State)],
                (double)c.Value, c.Value)), max, dropped);
    }

    private async Task WriteBudgetsAsync(PrometheusText text, string? tenant, int max, List<(string, int)> dropped, CancellationToken cancellationToken)
    {
        var statuses = new List<BudgetStatus>();
        // A tenant-bound key sees only its tenant's budgets, never global spend.
        foreach (var budget in await budgets.ListAsync(tenant is null ? TenantScope.All : TenantScope.Of(tenant), cancellationToken))
        {
            statuses.Add(await budgetService.StatusAsync(budget, cancellationToken));
        }
        // Budgets are few and all kept; the weight only matters past the limit.
        const long weight = 0;
        Family(text, "vigil_budget_spent_usd", "gauge", "Spend in USD this budget period (calendar month, UTC).",
            statuses.Select(s => (Budget(s), (double)s.SpentUsd, weight)), max, dropped);
        Family(text, "vigil_budget_amount_usd", "gauge", "The budget's amount in USD per period.",
            statuses.Select(s => (Budget(s), (double)s.Budget.AmountUsd, weight)), max, dropped);
        Family(text, "vigil_budget_spent_percent", "gauge", "Spend as a percentage of the amount (100 = the budget is used up).",
            statuses.Select(s => (Budget(s), s.Percent, weight)), max, dropped);

        static IReadOnlyList<Label> Budget(BudgetStatus s) => [new("tenant_id", s.Budget.TenantId ?? ""), new("budget", s.Budget.Name)];
    }

    /// <summary>Writes one family: its busiest <paramref name="max"/> label sets (by weight), in a stable order.</summary>
    private static void Family(PrometheusText text, string name, string type, string help,
        IEnumerable<(IReadOnlyList<Label> Labels, double Value, long Weight)> samples, int max, List<(string, int)> dropped)
    {
        var all = samples.ToList();
        text.Family(name, type, help);
        var kept = all
            .OrderByDescending(s => s.Weight)
            .ThenBy(s => string.Join('\u0001', s.Labels.Select(l => l.Value)), StringComparer.Ordinal)
            .Take(max)
            .OrderBy(s => string.Join('\u0001', s.Labels.Select(l => l.Value)), StringComparer.Ordinal);
        foreach (var s in kept) text.Sample(name, s.Labels, s.Value);
        dropped.Add((name, Math.Max(0, all.Count - max)));
    }

    private static IReadOnlyList<Label> SeriesLabels(RollupGroup g, params (string Name, string Value)[] extra)
    {
        var labels = new List<Label>(SeriesDimensions.Length + extra.Length);
        foreach (var d in SeriesDimensions) labels.Add(new(d.ToName(), g.Key[d]));
        foreach (var (name, value) in extra) labels.Add(new(name, value));
        return labels;
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Debug,
        Message = "Prometheus scrape left out {Dropped} label sets of {Metric} (limit {Limit} per metric)")]
    private static partial void LogSeriesDropped(ILogger logger, int dropped, string metric, int limit);
}
