namespace Vigil.Core.Metrics;

/// <summary>Answers <c>GET /api/reports/efficiency</c> from the rollups: one grouped query, ranked by <see cref="EfficiencyRanking"/>.</summary>
public sealed class EfficiencyService(IRollupStore rollups)
{
    public async Task<EfficiencyReport> RankAsync(MetricWindow window, MetricFilter filter, Dimension groupBy, CancellationToken cancellationToken)
    {
        var groups = await rollups.QueryAsync(new RollupQuery(window.Plan(), filter, [groupBy], WithSketches: false), cancellationToken);
        var ranked = EfficiencyRanking.Rank(groups.Select(g =>
            ((IReadOnlyDictionary<string, string?>)new Dictionary<string, string?> { [groupBy.ToName()] = g.Key[groupBy] is { Length: > 0 } v ? v : null },
                g.Counters)));
        return new EfficiencyReport(window.Text, window.From, window.To, groupBy.ToName(), ranked, await rollups.CompleteUpToAsync(cancellationToken));
    }
}
