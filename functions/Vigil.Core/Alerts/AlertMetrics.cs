using Vigil.Core.Conversations;
using Vigil.Core.Metrics;

namespace Vigil.Core.Alerts;

/// <summary>A metric's value for one group, and how many samples it rests on.</summary>
public readonly record struct MetricValue(double? Value, long Samples);

public static class AlertMetrics
{
    /// <summary>Latency metrics need the sketches; the rest only counters.</summary>
    public static bool NeedsSketches(this AlertMetric metric) =>
        metric is AlertMetric.LatencyP50 or AlertMetric.LatencyP95 or AlertMetric.LatencyP99 or AlertMetric.TtftP95;

    /// <summary>
    /// Counts and sums (event_count, blocked_handoffs, cost_usd, unpriced_calls) are what they are
    /// whatever the sample size; min_samples guards rates, percentiles and averages.
    /// </summary>
    public static bool IsCount(this AlertMetric metric) =>
        metric is AlertMetric.Conversations or AlertMetric.EventCount or AlertMetric.BlockedHandoffs or AlertMetric.CostUsd or AlertMetric.UnpricedCalls;

    /// <summary>Metrics of scored conversations (AnalyzeConversations), not of the rollups.</summary>
    public static bool IsConversation(this AlertMetric metric) =>
        metric is AlertMetric.Conversations or AlertMetric.ResolutionRate or AlertMetric.ConversationQualityAvg or AlertMetric.HandoffEffectiveness;

    /// <summary>
    /// Metrics of batch jobs and their runs (the batch_runs table, not the rollups), evaluated per job:
    /// batch_run_failed and batch_run_overdue.
    /// </summary>
    public static bool IsBatchRun(this AlertMetric metric) => metric is AlertMetric.BatchRunFailed or AlertMetric.BatchRunOverdue;

    /// <summary>
    /// What a batch-run metric is for the jobs of one group (one job, unless a global rule groups same-named
    /// jobs of several tenants together): batch_run_failed the success rate of the items of their runs
    /// completed in the window (samples: those items), batch_run_overdue the seconds the latest of them
    /// is late (samples: 1, min_samples does not apply to lateness); null when no job has the data.
    /// </summary>
    public static MetricValue Compute(AlertMetric metric, IReadOnlyList<Budgets.BatchJobHealth> jobs, DateTimeOffset now)
    {
        if (metric == AlertMetric.BatchRunFailed)
        {
            long succeeded = jobs.Sum(j => j.Succeeded), items = jobs.Sum(j => j.Items);
            return new(items > 0 ? (double)succeeded / items : null, items);
        }
        if (metric != AlertMetric.BatchRunOverdue) return new(null, 0);
        var late = jobs.Select(j => j.OverdueSeconds(now)).OfType<double>().ToList();
        return new(late.Count > 0 ? late.Max() : null, 1);
    }

    /// <summary>A conversation metric's value; samples are conversations (handoffs for handoff_effectiveness).</summary>
    public static MetricValue Compute(AlertMetric metric, ConversationTotals t) => metric switch
    {
        AlertMetric.Conversations => new(t.Conversations, t.Conversations),
        AlertMetric.ResolutionRate => new(t.ResolutionRate, t.Conversations),
        AlertMetric.ConversationQualityAvg => new(t.QualityAvg, t.Conversations),
        _ => new(t.HandoffEffectiveness, t.Handoffs),
    };

    public static MetricValue Compute(AlertMetric metric, RollupCounters c, RollupCounters? previous = null) => metric switch
    {
        AlertMetric.LatencyP50 => new(c.Duration.Quantile(0.50), c.Duration.Count),
        AlertMetric.LatencyP95 => new(c.Duration.Quantile(0.95), c.Duration.Count),
        AlertMetric.LatencyP99 => new(c.Duration.Quantile(0.99), c.Duration.Count),
        AlertMetric.TtftP95 => new(c.Ttft.Quantile(0.95), c.Ttft.Count),
        AlertMetric.ErrorRate or AlertMetric.HandoffFailureRate or AlertMetric.ToolFailureRate or AlertMetric.RagFailureRate => new(c.ErrorRate, c.Calls),
        AlertMetric.RateLimitErrorRate => new(c.RateLimitErrorRate, c.Calls),
        AlertMetric.CacheHitRate => new(c.CacheHitRate, c.CacheLookups),
        AlertMetric.BlockedHandoffs => new(c.Blocked, c.Calls),
        AlertMetric.EventCount => new(c.Events, c.Events),
        AlertMetric.CostUsd => new((double)c.CostUsd, c.CostEvents),
        AlertMetric.CostSpikeRatio => new(previous is { CostUsd: > 0 } p ? (double)(c.CostUsd / p.CostUsd) : null, c.CostEvents),
        // The baseline of prior windows is the evaluator's to gather; see CostZScore.
        AlertMetric.CostZScore => new(null, c.CostEvents),
        AlertMetric.QualityScoreAvg => new(c.QualityScoreAvg, c.QualityCount),
        AlertMetric.DegradationRate => new(c.DegradationRate, c.DegradationKnown),
        AlertMetric.SatisfactionRate => new(c.SatisfactionRate, c.Positive + c.Negative),
        AlertMetric.UnpricedCalls => new(c.Unpriced, c.CostEvents),
        // Conversation metrics come from the scored conversations (the other overload), never from rollups.
        _ => new(null, 0),
    };
}
