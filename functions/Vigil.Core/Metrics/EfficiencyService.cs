namespace Vigil.Core.Metrics;

/// <summary>Answers <c>GET /api/reports/efficiency</c> from the rollups: one grouped query, ranked by <see cref="EfficiencyRanking"/>.</summary>
public sealed class EfficiencyService(IRollupStore rollups)
{
    public async Task<EfficiencyReport> RankAsync(MetricWindow window, MetricFilter filter, Dimension groupBy, CancellationToken cancellationToken)
    {
        var groups = await rollups.QueryAsync(new RollupQuery(window.Plan(), filter, [groupBy], WithSketches: false), cancellationToken);
        // An absent dimension is "" in the rollups and null in the API, as in the summary.
        var ranked = EfficiencyRanking.Rank(groups.Select(g => (KeyOf(groupBy, g.Key[groupBy]), g.Counters)));
        return new EfficiencyReport(window.Text, window.From, window.To, groupBy.ToName(), ranked,
            await rollups.CompleteUpToAsync(cancellationToken));
    }

    private static IReadOnlyDictionary<string, string?> KeyOf(Dimension groupBy, string value) =>
        new Dictionary<string, string?> { [groupBy.ToName()] = value.Length > 0 ? value : null };
}
