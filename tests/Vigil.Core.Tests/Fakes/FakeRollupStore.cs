using Vigil.Core.Metrics;

namespace Vigil.Core.Tests.Fakes;

/// <summary>
/// Rollup rows kept per minute; a query merges the rows in its pieces that pass its filter, by its
/// group-by dimensions, as the SQL does. Every query is kept, to see what was asked.
/// </summary>
internal sealed class FakeRollupStore : IRollupStore
{
    public List<(DateTimeOffset Minute, IReadOnlyDictionary<Dimension, string> Key, RollupCounters Counters)> Rows { get; } = [];

    public List<RollupQuery> Queries { get; } = [];

    public List<ConversationCost> ConversationCosts { get; } = [];

    public List<RollupBucket> Buckets { get; } = [];

    public List<TimeSeriesQuery> BucketQueries { get; } = [];

    public DateTimeOffset? CompleteUpTo { get; set; }

    public RollupReport Report { get; set; } = new(0, 0, 0, 0, default);

    public int RollUps { get; private set; }

    /// <summary>A row at <paramref name="minute"/>; dimensions not given are "".</summary>
    public RollupCounters Add(DateTimeOffset minute, RollupCounters counters, params (Dimension Dimension, string Value)[] key)
    {
        var full = Enum.GetValues<Dimension>().ToDictionary(d => d, d => key.FirstOrDefault(k => k.Dimension == d).Value ?? "");
        Rows.Add((minute, full, counters));
        return counters;
    }

    public Task<IReadOnlyList<RollupGroup>> QueryAsync(RollupQuery query, CancellationToken cancellationToken)
    {
        Queries.Add(query);
        var groups = new Dictionary<string, (Dictionary<Dimension, string> Key, RollupCounters Counters)>(StringComparer.Ordinal);
        foreach (var (minute, key, counters) in Rows)
        {
            if (!query.Pieces.Any(p => p.From <= minute && minute < p.To)) continue;
            if (query.Filter.Values.Any(f => !f.Value.Contains(key[f.Key]))) continue;
            var groupKey = query.GroupBy.ToDictionary(d => d, d => key[d]);
            var text = string.Join('\u0001', query.GroupBy.Select(d => key[d]));
            if (!groups.TryGetValue(text, out var group)) groups[text] = group = (groupKey, new RollupCounters());
            group.Counters.Merge(counters);
        }
        return Task.FromResult<IReadOnlyList<RollupGroup>>([.. groups.Values.Select(g => new RollupGroup(g.Key, g.Counters))]);
    }

    public Task<IReadOnlyList<RollupBucket>> QueryBucketsAsync(TimeSeriesQuery query, CancellationToken cancellationToken)
    {
        BucketQueries.Add(query);
        return Task.FromResult<IReadOnlyList<RollupBucket>>(Buckets);
    }

    public Task<IReadOnlyList<ConversationCost>> ConversationCostsAsync(DateTimeOffset from, DateTimeOffset to, MetricFilter filter, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ConversationCost>>([.. ConversationCosts.OrderByDescending(c => c.CostUsd).Take(limit)]);

    public Task<DateTimeOffset?> CompleteUpToAsync(CancellationToken cancellationToken) => Task.FromResult(CompleteUpTo);

    public Task<RollupReport> RollUpAsync(CancellationToken cancellationToken)
    {
        RollUps++;
        return Task.FromResult(Report);
    }
}
