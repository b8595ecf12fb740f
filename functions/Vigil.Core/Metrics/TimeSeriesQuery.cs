using Vigil.Core.Alerts;

namespace Vigil.Core.Metrics;

/// <summary>
/// A bucketed rollup query: rows of <see cref="Pieces"/> (each of a resolution that divides
/// <see cref="Step"/>, so no row straddles two buckets) summed per bucket of <see cref="Step"/> (aligned
/// to 2000-01-01 UTC), per group and per event type. Only the counters and sketches the
/// <see cref="Metrics"/> need are summed (the rest stay 0): per-bucket sums dominate the query's cost.
/// </summary>
public sealed record TimeSeriesQuery(IReadOnlyList<RollupPiece> Pieces, TimeSpan Step, MetricFilter Filter, IReadOnlyList<Dimension> GroupBy,
    IReadOnlyList<AlertMetric> Metrics);

/// <summary>One bucket of one group and one event type: the bucket's start and merged counters.</summary>
public sealed record RollupBucket(DateTimeOffset Start, IReadOnlyDictionary<Dimension, string> Key, string Type, RollupCounters Counters);
