using Vigil.Core.Alerts;
using Vigil.Core.Events;

namespace Vigil.Core.Metrics;

/// <summary>One bucket: its start, its event count and one value per requested metric (null: no data).</summary>
public readonly record struct TimeSeriesPoint(DateTimeOffset T, long Count, double?[] Values);

/// <summary>A time series of one group: its key (dimension name → value, null for absent) and one point per bucket.</summary>
public sealed record TimeSeries(IReadOnlyDictionary<string, string?> Key, IReadOnlyList<TimeSeriesPoint> Points);

/// <summary>The series of a query; <see cref="Metrics"/> names the values of every point, in order.</summary>
public sealed record TimeSeriesResult(string Window, string Step, DateTimeOffset From, DateTimeOffset To, DateTimeOffset? CompleteUpTo,
    IReadOnlyList<string> Metrics, IReadOnlyList<TimeSeries> Series);

/// <summary>
/// Answers GET /api/metrics/timeseries from the rollups: every bucket of every group, empty ones
/// included (count 0, metrics null), each metric computed exactly as an alert rule computes it
/// (<see cref="AlertMetrics.Compute(AlertMetric, RollupCounters, RollupCounters?)"/>), so a chart and the rule watching it agree. Metrics that imply
/// an event type (tool_failure_rate, handoff_failure_rate, …) are computed over that type's events;
/// cost_spike_ratio compares a bucket's cost with the bucket before it.
/// </summary>
public sealed class TimeSeriesService(IRollupStore rollups)
{
    public async Task<TimeSeriesResult> QueryAsync(TimeSeriesWindow window, IReadOnlyList<AlertMetric> metrics, MetricFilter filter,
        IReadOnlyList<Dimension> groupBy, CancellationToken cancellationToken)
    {
        var query = new TimeSeriesQuery(window.Plan(), window.Step, filter, groupBy, metrics);
        var rows = await rollups.QueryBucketsAsync(query, cancellationToken);

        // group → bucket → (all types, per type)
        var groups = new Dictionary<string, (IReadOnlyDictionary<Dimension, string> Key, Dictionary<DateTimeOffset, Bucket> Buckets)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var name = string.Join('\u0001', groupBy.Select(d => row.Key[d]));
            if (!groups.TryGetValue(name, out var group)) groups[name] = group = (row.Key, []);
            if (!group.Buckets.TryGetValue(row.Start, out var bucket)) group.Buckets[row.Start] = bucket = new Bucket();
            bucket.All.Merge(row.Counters);
            if (EventTypes.TryParse(row.Type, out var type)) bucket.ByType[type] = row.Counters;
        }
        if (groupBy.Count == 0 && groups.Count == 0) groups[""] = (new Dictionary<Dimension, string>(), []);

        var series = groups
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TimeSeries(
                g.Value.Key.ToDictionary(k => k.Key.ToName(), k => k.Value.Length == 0 ? null : k.Value),
                Points(window, metrics, g.Value.Buckets)))
            .ToList();
        return new TimeSeriesResult(window.Window.Text, DurationText.Format(window.Step), window.From, window.To,
            await rollups.CompleteUpToAsync(cancellationToken), [.. metrics.Select(m => m.ToName())], series);
    }

    private static List<TimeSeriesPoint> Points(TimeSeriesWindow window, IReadOnlyList<AlertMetric> metrics, Dictionary<DateTimeOffset, Bucket> buckets)
    {
        var points = new List<TimeSeriesPoint>(window.Points);
        Bucket? previous = null;
        foreach (var t in window.Starts())
        {
            var bucket = buckets.GetValueOrDefault(t);
            var values = new double?[metrics.Count];
            if (bucket is not null)
            {
                for (var i = 0; i < values.Length; i++) values[i] = Value(metrics[i], bucket, previous);
            }
            points.Add(new TimeSeriesPoint(t, bucket?.All.Events ?? 0, values));
            previous = bucket;
        }
        return points;
    }

    private static double? Value(AlertMetric metric, Bucket bucket, Bucket? previous)
    {
        var counters = metric.ImpliedType() is { } type ? bucket.ByType.GetValueOrDefault(type) : bucket.All;
        if (counters is null) return null;
        var value = AlertMetrics.Compute(metric, counters, previous?.All).Value;
        return value is { } v ? Math.Round(v, 6) : null;
    }

    private sealed class Bucket
    {
        public RollupCounters All { get; } = new();
        public Dictionary<EventType, RollupCounters> ByType { get; } = [];
    }
}
