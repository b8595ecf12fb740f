namespace Vigil.Core.Metrics;

/// <summary>
/// EnterpriseHub's efficiency ranking: groups ordered by cost per successful interaction, cheapest
/// first (ties: more successes first, then by key, so the order is total and stable); groups with
/// no success follow, unranked, by cost (highest first: money spent for nothing leads that tail).
/// </summary>
public static class EfficiencyRanking
{
    public static IReadOnlyList<EfficiencyGroup> Rank(IEnumerable<(IReadOnlyDictionary<string, string?> Key, RollupCounters Counters)> groups)
    {
        var rows = groups
            .Where(g => g.Counters.Calls > 0 || g.Counters.CostUsd > 0)
            .Select(g =>
            {
                var c = g.Counters;
                var successes = c.Calls - c.Errors;
                return (g.Key, Text: string.Join('\u0001', g.Key.Values), Calls: c.Calls, Successes: successes,
                    Rate: c.Calls > 0 ? Math.Round((double)successes / c.Calls, 6) : (double?)null,
                    Cost: decimal.Round(c.CostUsd, 6), PerSuccess: successes > 0 ? decimal.Round(c.CostUsd / successes, 8) : (decimal?)null);
            })
            .ToList();
        var ranked = rows.Where(r => r.PerSuccess is not null)
            .OrderBy(r => r.PerSuccess).ThenByDescending(r => r.Successes).ThenBy(r => r.Text, StringComparer.Ordinal)
            .Select((r, i) => new EfficiencyGroup(r.Key, i + 1, r.Calls, r.Successes, r.Rate, r.Cost, r.PerSuccess));
        var unranked = rows.Where(r => r.PerSuccess is null)
            .OrderByDescending(r => r.Cost).ThenBy(r => r.Text, StringComparer.Ordinal)
            .Select(r => new EfficiencyGroup(r.Key, null, r.Calls, r.Successes, r.Rate, r.Cost, null));
        return [.. ranked, .. unranked];
    }
}
