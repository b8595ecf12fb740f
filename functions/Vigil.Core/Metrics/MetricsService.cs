using Vigil.Core.Conversations;
using Vigil.Core.Events;
using Vigil.Core.Pricing;

namespace Vigil.Core.Metrics;

public sealed record LatencyResult(string Window, DateTimeOffset From, DateTimeOffset To, string Field, long Count,
    double? P50Ms, double? P95Ms, double? P99Ms, double? MeanMs, double? MinMs, double? MaxMs, DateTimeOffset? CompleteUpTo);

public sealed record SummaryGroup(IReadOnlyDictionary<string, string?> Key, long Count, double? ErrorRate, double? CacheHitRate,
    double? P50Ms, double? P95Ms, double? P99Ms, decimal CostUsd, long InputTokens, long OutputTokens, double? SatisfactionRate,
    double? MeanMs, double? MaxMs, double? TtftP95Ms, double? RateLimitErrorRate, double? QualityScoreAvg, double? DegradationRate,
    long BlockedHandoffs, long UnpricedCalls, long? Conversations = null, double? ResolutionRate = null, double? ConversationQualityAvg = null,
    double? HandoffEffectiveness = null);

public sealed record SummaryResult(string Window, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<SummaryGroup> Groups, DateTimeOffset? CompleteUpTo);

/// <summary><paramref name="CacheSavingsUsd"/>: <see cref="CacheSavings"/>; null for conversation groups (their minute table has no cache dimensions).</summary>
public sealed record CostGroup(IReadOnlyDictionary<string, string?> Key, decimal CostUsd, long Calls, decimal? AvgCostUsd, long UnpricedCalls, long InputTokens, long OutputTokens,
    decimal? CacheSavingsUsd = null);

public sealed record CostResult(string Window, DateTimeOffset From, DateTimeOffset To, decimal TotalCostUsd, IReadOnlyList<CostGroup> Groups, DateTimeOffset? CompleteUpTo);

public sealed record SlaNumbers(double? P50Ms, double? P95Ms, double? P99Ms);

public sealed record SlaActual(long Count, double? P50Ms, double? P95Ms, double? P99Ms);

/// <summary>One target's compliance: <paramref name="TenantId"/> is the target's tenant (null: a global target), <paramref name="EventTypes"/> the types measured.</summary>
public sealed record SlaResultItem(string? TenantId, string Bot, string Operation, SlaNumbers Target, SlaActual Actual, bool Compliant, IReadOnlyList<string> Violations,
    string Status, IReadOnlyList<string> EventTypes);

public sealed record SlaResult(string Window, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<SlaResultItem> Results, DateTimeOffset? CompleteUpTo);

/// <summary>Answers the metrics routes from the rollups.</summary>
public sealed class MetricsService(IRollupStore rollups, ISlaTargetStore slaTargets, IConversationStore conversations, PriceTable prices)
{
    public async Task<LatencyResult> LatencyAsync(MetricWindow window, MetricFilter filter, bool ttft, CancellationToken cancellationToken)
    {
        var groups = await rollups.QueryAsync(new RollupQuery(window.Plan(), filter, []), cancellationToken);
        var counters = groups.Count == 0 ? new RollupCounters() : groups[0].Counters;
        var sketch = ttft ? counters.Ttft : counters.Duration;
        return new LatencyResult(window.Text, window.From, window.To, ttft ? "ttft" : "duration", sketch.Count,
            Ms(sketch.Quantile(0.5)), Ms(sketch.Quantile(0.95)), Ms(sketch.Quantile(0.99)), Ms(sketch.Mean),
            sketch.IsEmpty ? null : Ms(sketch.Min), sketch.IsEmpty ? null : Ms(sketch.Max),
            await rollups.CompleteUpToAsync(cancellationToken));
    }

    public async Task<SummaryResult> SummaryAsync(MetricWindow window, MetricFilter filter, IReadOnlyList<Dimension> groupBy, CancellationToken cancellationToken)
    {
        var groups = await rollups.QueryAsync(new RollupQuery(window.Plan(), filter, groupBy), cancellationToken);
        var result = groups
            .Select(g =>
            {
                var c = g.Counters;
                return new SummaryGroup(KeyOf(g), c.Events, Rate(c.ErrorRate), Rate(c.CacheHitRate),
                    Ms(c.Duration.Quantile(0.5)), Ms(c.Duration.Quantile(0.95)), Ms(c.Duration.Quantile(0.99)),
                    Usd(c.CostUsd), c.InputTokens, c.OutputTokens, Rate(c.SatisfactionRate),
                    Ms(c.Duration.Mean), c.Duration.IsEmpty ? null : Ms(c.Duration.Max), Ms(c.Ttft.Quantile(0.95)),
                    Rate(c.RateLimitErrorRate), Rate(c.QualityScoreAvg), Rate(c.DegradationRate), c.Blocked, c.Unpriced);
            })
            .OrderBy(g => string.Join('\u0001', g.Key.Values), StringComparer.Ordinal)
            .ToList();
        result = await WithConversationsAsync(window, filter, groupBy, result, cancellationToken);
        return new SummaryResult(window.Text, window.From, window.To, result, await rollups.CompleteUpToAsync(cancellationToken));
    }

    public async Task<CostResult> CostAsync(MetricWindow window, MetricFilter filter, Dimension groupBy, int limit, CancellationToken cancellationToken)
    {
        List<CostGroup> groups;
        decimal total;
        if (groupBy == Dimension.ConversationId)
        {
            var conversations = await rollups.ConversationCostsAsync(window.From, window.To, filter, limit, cancellationToken);
            groups = conversations
                .Select(c => new CostGroup(
                    new Dictionary<string, string?> { ["conversation_id"] = c.ConversationId, ["tenant_id"] = c.TenantId },
                    Usd(c.CostUsd), c.Calls, Average(c.CostUsd, c.Calls), 0, c.InputTokens, c.OutputTokens))
                .ToList();
            // The total covers every event of the window, not only the conversations listed.
            var all = await rollups.QueryAsync(new RollupQuery(window.Plan(), filter, [], WithSketches: false), cancellationToken);
            total = all.Sum(g => g.Counters.CostUsd);
        }
        else
        {
            // Model and cache_hit as well, for the cache savings; folded back into the asked-for groups below.
            var rows = await rollups.QueryAsync(new RollupQuery(window.Plan(), filter, [.. new[] { groupBy, Dimension.Model, Dimension.CacheHit }.Distinct()], WithSketches: false), cancellationToken);
            total = rows.Sum(g => g.Counters.CostUsd);
            groups = rows
                .GroupBy(g => g.Key[groupBy], StringComparer.Ordinal)
                .Select(parts =>
                {
                    var c = new RollupCounters();
                    foreach (var part in parts) c.Merge(part.Counters);
                    var saved = parts.Sum(p => CacheSavings.Of(p, prices));
                    var key = new Dictionary<string, string?> { [groupBy.ToName()] = parts.Key.Length == 0 ? null : parts.Key };
                    return new CostGroup(key, Usd(c.CostUsd), c.CostEvents, Average(c.CostUsd, c.CostEvents), c.Unpriced, c.InputTokens, c.OutputTokens, Usd(saved));
                })
                .Where(g => g.Calls > 0 || g.CostUsd > 0)
                .OrderByDescending(g => g.CostUsd)
                .ThenBy(g => string.Join('\u0001', g.Key.Values), StringComparer.Ordinal)
                .Take(limit)
                .ToList();
        }
        return new CostResult(window.Text, window.From, window.To, Usd(total), groups, await rollups.CompleteUpToAsync(cancellationToken));
    }

    /// <summary>
    /// Compliance of each target, measured over the target's event types (a <c>type</c> filter
    /// overrides them). <paramref name="viewTenant"/> is whose view this is: a tenant sees its own
    /// targets, and the global targets as defaults for the operations it has data for and no
    /// target of its own, all over its own events; with no tenant (an unbound key), every target —
    /// a global one over every tenant's events, a tenant's over that tenant's.
    /// </summary>
    public async Task<SlaResult> SlaAsync(MetricWindow window, MetricFilter filter, string? viewTenant, CancellationToken cancellationToken)
    {
        var targets = await slaTargets.ListAsync(viewTenant is null ? TenantScope.All : TenantScope.OfWithGlobal(viewTenant), cancellationToken);
        var typeOverride = filter.Get(Dimension.Type);
        var query = new MetricFilter();
        foreach (var (dimension, values) in filter.Values) query.With(dimension, values);
        if (typeOverride is null) query.With(Dimension.Type, [.. targets.SelectMany(t => t.EventTypes).Distinct(StringComparer.Ordinal)]);
        var groups = targets.Count == 0
            ? []
            : await rollups.QueryAsync(new RollupQuery(window.Plan(), query, [Dimension.TenantId, Dimension.Bot, Dimension.Operation, Dimension.Type]), cancellationToken);
        var own = targets.Where(t => t.TenantId is not null).Select(t => (t.Bot, t.Operation)).ToHashSet();
        var results = new List<SlaResultItem>();
        foreach (var t in targets.Where(t => filter.Get(Dimension.Bot) is not { } bots || bots.Contains(t.Bot))
                                 .Where(t => filter.Get(Dimension.Operation) is not { } ops || ops.Contains(t.Operation)))
        {
            var types = typeOverride ?? t.EventTypes;
            var dataTenant = t.TenantId ?? viewTenant;
            var matching = groups.Where(g => g.Key[Dimension.Bot] == t.Bot && g.Key[Dimension.Operation] == t.Operation && types.Contains(g.Key[Dimension.Type])
                                             && (dataTenant is null || g.Key[Dimension.TenantId] == dataTenant)).ToList();
            if (viewTenant is not null && t.TenantId is null && (own.Contains((t.Bot, t.Operation)) || matching.Count == 0)) continue;
            var sketch = new LatencySketch();
            foreach (var g in matching) sketch.Merge(g.Counters.Duration);
            var actual = new SlaActual(sketch.Count, Ms(sketch.Quantile(0.5)), Ms(sketch.Quantile(0.95)), Ms(sketch.Quantile(0.99)));
            var violations = new List<string>();
            Check("p50", actual.P50Ms, t.P50Ms, violations);
            Check("p95", actual.P95Ms, t.P95Ms, violations);
            Check("p99", actual.P99Ms, t.P99Ms, violations);
            var status = sketch.IsEmpty ? "no_data" : violations.Count == 0 ? "compliant" : "violated";
            results.Add(new SlaResultItem(t.TenantId, t.Bot, t.Operation, new SlaNumbers(t.P50Ms, t.P95Ms, t.P99Ms), actual, violations.Count == 0, violations, status, types));
        }
        return new SlaResult(window.Text, window.From, window.To, results, await rollups.CompleteUpToAsync(cancellationToken));

        static void Check(string name, double? actual, double target, List<string> violations)
        {
            if (actual > target) violations.Add($"{name} {actual:0.#} ms exceeds the {target:0.#} ms target");
        }
    }

    /// <summary>
    /// The conversation metrics of each group, from the scored conversations whose last event is in the
    /// window. Conversations have a tenant and bots only: grouped or filtered by anything else the
    /// fields stay null; an event type filter other than message leaves them null too.
    /// </summary>
    private async Task<List<SummaryGroup>> WithConversationsAsync(MetricWindow window, MetricFilter filter, IReadOnlyList<Dimension> groupBy,
        List<SummaryGroup> groups, CancellationToken cancellationToken)
    {
        if (groupBy.Any(d => d is not (Dimension.Bot or Dimension.TenantId))) return groups;
        if (filter.Values.Keys.Any(d => d is not (Dimension.Bot or Dimension.TenantId or Dimension.Type))) return groups;
        if (filter.Get(Dimension.Type) is { } types && !types.Contains(EventType.Message.ToName())) return groups;
        var byTenant = groupBy.Contains(Dimension.TenantId);
        var byBot = groupBy.Contains(Dimension.Bot);
        var totals = (await conversations.TotalsAsync(window.From, window.To, byTenant, byBot, filter.Get(Dimension.TenantId), filter.Get(Dimension.Bot), cancellationToken))
            .ToDictionary(t => (byTenant ? t.TenantId : null, byBot ? t.Bot : null));
        return [.. groups.Select(g =>
        {
            var key = (byTenant ? g.Key.GetValueOrDefault("tenant_id") : null, byBot ? g.Key.GetValueOrDefault("bot") : null);
            var t = totals.TryGetValue(key, out var found) ? found.Totals : default;
            return g with
            {
                Conversations = t.Conversations,
                ResolutionRate = Rate(t.ResolutionRate),
                ConversationQualityAvg = Rate(t.QualityAvg),
                HandoffEffectiveness = Rate(t.HandoffEffectiveness),
            };
        })];
    }

    private static Dictionary<string, string?> KeyOf(RollupGroup group) =>
        group.Key.ToDictionary(k => k.Key.ToName(), k => k.Value.Length == 0 ? null : k.Value);

    private static double? Ms(double? value) => value is { } v ? Math.Round(v, 3) : null;

    private static double? Rate(double? value) => value is { } v ? Math.Round(v, 6) : null;

    private static decimal Usd(decimal value) => decimal.Round(value, 6);

    private static decimal? Average(decimal cost, long calls) => calls == 0 ? null : decimal.Round(cost / calls, 8);
}
