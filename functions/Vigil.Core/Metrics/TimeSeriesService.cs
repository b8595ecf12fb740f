using Vigil.Core.Alerts;
using Vigil.Core.Conversations;
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
/// cost_spike_ratio compares a bucket's cost with the bucket before it. Conversation metrics
/// (conversations, resolution_rate, conversation_quality_avg, handoff_effectiveness) come from the
/// scored conversations, each in the bucket of its last event, as the rule evaluator counts them; they
/// group and filter by tenant and bot only (<see cref="ConversationDimensions"/>), which the API checks.
/// </summary>
public sealed class TimeSeriesService(IRollupStore rollups, IConversationStore conversations)
{
    /// <summary>The dimensions a scored conversation has.</summary>
    public static readonly IReadOnlySet<Dimension> ConversationDimensions = new HashSet<Dimension> { Dimension.TenantId, Dimension.Bot };

    public async Task<TimeSeriesResult> QueryAsync(TimeSeriesWindow window, IReadOnlyList<AlertMetric> metrics, MetricFilter filter,
        IReadOnlyList<Dimension> groupBy, CancellationToken cancellationToken)
    {
        var groups = new Groups(window, groupBy);
        var rollupMetrics = metrics.Where(m => !m.IsConversation()).ToList();
        var conversationMetrics = metrics.Where(m => m.IsConversation()).ToList();
        if (rollupMetrics.Count > 0 || conversationMetrics.Count == 0)
        {
            var query = new TimeSeriesQuery(window.Plan(), window.Step, filter, groupBy, rollupMetrics);
            foreach (var row in await rollups.QueryBucketsAsync(query, cancellationToken))
            {
                var bucket = groups.BucketOf(row.Key, row.Start);
                bucket?.Add(row.Counters, EventTypes.TryParse(row.Type, out var type) ? type : null);
            }
        }
        if (conversationMetrics.Count > 0)
        {
            var byTenant = groupBy.Contains(Dimension.TenantId);
            var byBot = groupBy.Contains(Dimension.Bot);
            var rows = await conversations.BucketTotalsAsync(window.From, window.To, window.Step, byTenant, byBot,
                filter.Get(Dimension.TenantId), filter.Get(Dimension.Bot), cancellationToken);
            foreach (var row in rows)
            {
                var key = new Dictionary<Dimension, string>();
                if (byTenant) key[Dimension.TenantId] = row.TenantId ?? "";
                if (byBot) key[Dimension.Bot] = row.Bot ?? "";
                if (groups.BucketOf(key, row.Start) is { } bucket) bucket.Conversations = bucket.Conversations.Add(row.Totals);
            }
        }
        if (groupBy.Count == 0) groups.BucketOf(new Dictionary<Dimension, string>(), null);

        var series = groups.All
            .OrderBy(g => g.Name, StringComparer.Ordinal)
            .Select(g => new TimeSeries(
                g.Key.ToDictionary(k => k.Key.ToName(), k => k.Value.Length == 0 ? null : k.Value),
                Points(window, metrics, g.Buckets)))
            .ToList();
        return new TimeSeriesResult(window.Window.Text, DurationText.Format(window.Step), window.From, window.To,
            await rollups.CompleteUpToAsync(cancellationToken), [.. metrics.Select(m => m.ToName())], series);
    }

    private static List<TimeSeriesPoint> Points(TimeSeriesWindow window, IReadOnlyList<AlertMetric> metrics, Bucket?[] buckets)
    {
        // A query of conversation metrics alone counts conversations; otherwise a point's count is its events.
        var countsConversations = metrics.All(m => m.IsConversation());
        var points = new List<TimeSeriesPoint>(buckets.Length);
        Bucket? previous = null;
        var t = window.From;
        foreach (var bucket in buckets)
        {
            var values = new double?[metrics.Count];
            if (bucket is not null)
            {
                for (var i = 0; i < values.Length; i++) values[i] = Value(metrics[i], bucket, previous);
            }
            var count = bucket is null ? 0 : countsConversations ? bucket.Conversations.Conversations : bucket.All.Events;
            points.Add(new TimeSeriesPoint(t, count, values));
            previous = bucket;
            t += window.Step;
        }
        return points;
    }

    private static double? Value(AlertMetric metric, Bucket bucket, Bucket? previous)
    {
        if (metric.IsConversation()) return Round(AlertMetrics.Compute(metric, bucket.Conversations).Value);
        var counters = metric.ImpliedType() is { } type ? bucket.ByType.GetValueOrDefault(type) : bucket.All;
        if (counters is null) return null;
        return Round(AlertMetrics.Compute(metric, counters, previous?.All).Value);
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 6) : null;

    /// <summary>
    /// The groups of a query and each one's buckets, by index from the window's start. The store
    /// returns a group's rows together, so the group of a row is found by comparing its key with the
    /// previous row's before any lookup: 200 series of 289 points are some 58,000 rows.
    /// </summary>
    private sealed class Groups(TimeSeriesWindow window, IReadOnlyList<Dimension> groupBy)
    {
        private readonly Dictionary<string, Group> _byName = new(StringComparer.Ordinal);
        private Group? _last;

        public IEnumerable<Group> All => _byName.Values;

        /// <summary>The bucket of <paramref name="start"/> in the group of <paramref name="key"/> (creating both); null for no bucket.</summary>
        public Bucket? BucketOf(IReadOnlyDictionary<Dimension, string> key, DateTimeOffset? start)
        {
            var group = _last is not null && SameKey(_last.Key, key) ? _last : Find(key);
            _last = group;
            if (start is not { } t) return null;
            var index = (t - window.From).Ticks / window.Step.Ticks;
            // The plan covers [From, To) exactly, so every row's bucket is one of the window's.
            if (t < window.From || index >= group.Buckets.Length) return null;
            return group.Buckets[index] ??= new Bucket();
        }

        private Group Find(IReadOnlyDictionary<Dimension, string> key)
        {
            var name = string.Join('\u0001', groupBy.Select(d => key[d]));
            if (!_byName.TryGetValue(name, out var group)) _byName[name] = group = new Group(name, key, new Bucket?[window.Points]);
            return group;
        }

        private bool SameKey(IReadOnlyDictionary<Dimension, string> a, IReadOnlyDictionary<Dimension, string> b)
        {
            foreach (var d in groupBy)
            {
                if (!string.Equals(a[d], b[d], StringComparison.Ordinal)) return false;
            }
            return true;
        }
    }

    private sealed record Group(string Name, IReadOnlyDictionary<Dimension, string> Key, Bucket?[] Buckets);

    private sealed class Bucket
    {
        private RollupCounters? _all;
        private bool _shared;

        /// <summary>All the bucket's events. A bucket of one row (the usual case) uses that row's counters as they are.</summary>
        public RollupCounters All => _all ??= new RollupCounters();

        public Dictionary<EventType, RollupCounters> ByType { get; } = [];

        public ConversationTotals Conversations { get; set; }

        public void Add(RollupCounters row, EventType? type)
        {
            if (type is { } t) ByType[t] = row;
            if (_all is null)
            {
                _all = row;
                _shared = true;
                return;
            }
            if (_shared)
            {
                // The first row's counters are also its type's: merge into a copy, never into them.
                var merged = new RollupCounters();
                merged.Merge(_all);
                _all = merged;
                _shared = false;
            }
            _all.Merge(row);
        }
    }
}
