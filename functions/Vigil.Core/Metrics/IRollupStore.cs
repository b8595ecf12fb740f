namespace Vigil.Core.Metrics;

/// <summary>What one run of ComputeRollups did.</summary>
public sealed record RollupReport(int Minutes, int Hours, int Days, long EventsRead, DateTimeOffset CompleteUpTo);

/// <summary>AND across dimensions, OR within one (e.g. bot in {lead_bot, buyer_bot}).</summary>
public sealed class MetricFilter
{
    public Dictionary<Dimension, string[]> Values { get; } = [];

    public MetricFilter With(Dimension dimension, params string[] values)
    {
        Values[dimension] = values;
        return this;
    }

    public string[]? Get(Dimension dimension) => Values.GetValueOrDefault(dimension);
}

public sealed record RollupQuery(IReadOnlyList<RollupPiece> Pieces, MetricFilter Filter, IReadOnlyList<Dimension> GroupBy, bool WithSketches = true);

/// <summary>A group of a query: its key (dimension → value, "" for absent) and merged counters.</summary>
public sealed record RollupGroup(IReadOnlyDictionary<Dimension, string> Key, RollupCounters Counters);

public sealed record ConversationCost(string TenantId, string ConversationId, decimal CostUsd, long Calls, long InputTokens, long OutputTokens);

public interface IRollupStore
{
    /// <summary>
    /// Re-rolls every minute that received events since the last run (late ones too), then the
    /// hours and days they belong to, from scratch: running it twice, or on two hosts at once,
    /// gives the same rows.
    /// </summary>
    Task<RollupReport> RollUpAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<RollupGroup>> QueryAsync(RollupQuery query, CancellationToken cancellationToken);

    /// <summary>Rollup counters summed per bucket of <see cref="TimeSeriesQuery.Step"/>, group and event type.</summary>
    Task<IReadOnlyList<RollupBucket>> QueryBucketsAsync(TimeSeriesQuery query, CancellationToken cancellationToken);

    /// <summary>The most expensive conversations of the window, most expensive first.</summary>
    Task<IReadOnlyList<ConversationCost>> ConversationCostsAsync(DateTimeOffset from, DateTimeOffset to, MetricFilter filter, int limit, CancellationToken cancellationToken);

    /// <summary>Every event committed before this instant is in the rollups (null before the first run).</summary>
    Task<DateTimeOffset?> CompleteUpToAsync(CancellationToken cancellationToken);
}
