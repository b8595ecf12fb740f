using Vigil.Core.Metrics;

namespace Vigil.Core.Alerts;

/// <summary>
/// The first breaching minute the rollups saw, recorded when an alert opens (<see cref="Alert.BreachStartedAt"/>),
/// from which the incident report's MTTD counts. The window the rule was evaluated over is walked
/// from its start, bucket by bucket (minutes; hours for windows longer than 7 days), adding each
/// bucket's counters to those before it: the onset is the start of the first bucket at which the
/// rule's condition holds over the window so far (with <see cref="AlertRule.MinSamples"/> as the
/// rule has it). A prefix, not each bucket alone, because sums (cost, event counts) cross their
/// threshold only together, and because a rate over the window is what the rule judged.
/// <para>
/// When no prefix holds — the condition needs the previous window (cost_spike_ratio) or a 7-day
/// baseline (cost_zscore), or another source (conversation and batch-run metrics) — the onset is the
/// evaluated minute: the first minute Vigil saw it.
/// </para>
/// </summary>
public static class BreachOnset
{
    public static DateTimeOffset Find(AlertRule rule, double threshold, IReadOnlyDictionary<DateTimeOffset, RollupCounters> buckets,
        DateTimeOffset from, DateTimeOffset to, TimeSpan step, DateTimeOffset evaluatedMinute)
    {
        var prefix = new RollupCounters();
        for (var start = from; start < to && start <= evaluatedMinute; start += step)
        {
            if (buckets.TryGetValue(start, out var counters)) prefix.Merge(counters);
            var value = AlertMetrics.Compute(rule.Metric, prefix);
            if (value.Value is not { } v) continue;
            if (!rule.Metric.IsCount() && value.Samples < rule.MinSamples) continue;
            if (rule.Holds(v, threshold)) return start;
        }
        return evaluatedMinute;
    }

    /// <summary>The bucket length used for a window: minute rollups are kept for 7 days, hours beyond.</summary>
    public static TimeSpan StepFor(TimeSpan window) => window > MetricWindow.MinutePrecisionLimit ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(1);

    /// <summary>Metrics whose onset can be read from the rollups' buckets alone.</summary>
    public static bool IsFromBuckets(this AlertMetric metric) =>
        !metric.IsConversation() && !metric.IsBatchRun() && metric is not (AlertMetric.CostSpikeRatio or AlertMetric.CostZScore);
}
