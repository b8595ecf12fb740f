using Vigil.Core.Alerts;
using Vigil.Core.Metrics;

namespace Vigil.Core.Tests;

/// <summary>The first breaching minute: where the rule's condition first holds over the window so far.</summary>
public class BreachOnsetTests
{
    private static readonly DateTimeOffset From = new(2026, 5, 4, 9, 57, 0, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static AlertRule Rule(AlertMetric metric, Comparator comparator, long minSamples = 0) => new()
    {
        Name = "r", Metric = metric, Window = TimeSpan.FromMinutes(5), Comparator = comparator, Severity = Severity.Critical, MinSamples = minSamples,
    };

    private static RollupCounters Calls(long calls, long errors) => new() { Events = calls, Calls = calls, Errors = errors };

    private static DateTimeOffset At(int minute) => From.AddMinutes(minute);

    private static DateTimeOffset Find(AlertRule rule, double threshold, Dictionary<DateTimeOffset, RollupCounters> buckets, int evaluatedMinute = 4) =>
        BreachOnset.Find(rule, threshold, buckets, From, From.AddMinutes(5), Minute, At(evaluatedMinute));

    [Fact]
    public void A_rate_breaches_at_the_minute_its_failures_tip_the_window_not_at_the_window_start()
    {
        var rule = Rule(AlertMetric.ErrorRate, Comparator.GreaterThan, minSamples: 10);
        var buckets = new Dictionary<DateTimeOffset, RollupCounters> { [At(0)] = Calls(40, 0), [At(3)] = Calls(60, 60) };
        Assert.Equal(At(3), Find(rule, 0.5, buckets));
        // 40 good then 40 bad is exactly 0.5, not above it: the next minute's failures tip it.
        buckets[At(3)] = Calls(40, 40);
        buckets[At(4)] = Calls(10, 10);
        Assert.Equal(At(4), Find(rule, 0.5, buckets));
    }

    [Fact]
    public void Too_few_samples_do_not_date_a_breach_and_the_evaluated_minute_is_the_fallback()
    {
        var rule = Rule(AlertMetric.ErrorRate, Comparator.GreaterThan, minSamples: 20);
        var buckets = new Dictionary<DateTimeOffset, RollupCounters> { [At(1)] = Calls(5, 5), [At(2)] = Calls(15, 15) };
        Assert.Equal(At(2), Find(rule, 0.5, buckets));
        Assert.Equal(At(4), Find(rule, 0.5, new Dictionary<DateTimeOffset, RollupCounters> { [At(1)] = Calls(5, 5) }));
        // Buckets after the evaluated minute are never looked at.
        Assert.Equal(At(1), Find(rule, 0.5, new Dictionary<DateTimeOffset, RollupCounters> { [At(2)] = Calls(50, 50) }, evaluatedMinute: 1));
    }

    [Fact]
    public void A_sum_breaches_when_the_running_total_crosses_the_threshold()
    {
        var rule = Rule(AlertMetric.CostUsd, Comparator.GreaterThan);
        var buckets = new Dictionary<DateTimeOffset, RollupCounters>
        {
            [At(0)] = new() { CostUsd = 4m, CostEvents = 1 },
            [At(1)] = new() { CostUsd = 4m, CostEvents = 1 },
            [At(2)] = new() { CostUsd = 4m, CostEvents = 1 },
        };
        Assert.Equal(At(2), Find(rule, 10, buckets));
        Assert.Equal(At(1), Find(Rule(AlertMetric.CostUsd, Comparator.GreaterOrEqual), 8, buckets));
    }

    [Fact]
    public void Silence_breaches_from_the_window_start_and_a_metric_the_rollups_cannot_show_is_dated_when_first_seen()
    {
        Assert.Equal(At(0), Find(Rule(AlertMetric.EventCount, Comparator.LessThan), 1, []));
        Assert.Equal(At(4), Find(Rule(AlertMetric.CostSpikeRatio, Comparator.GreaterOrEqual), 2, new() { [At(0)] = new() { CostUsd = 9m, CostEvents = 3 } }));
        Assert.False(AlertMetric.CostSpikeRatio.IsFromBuckets());
        Assert.False(AlertMetric.ResolutionRate.IsFromBuckets());
        Assert.False(AlertMetric.CostZScore.IsFromBuckets());
        Assert.False(AlertMetric.BatchRunOverdue.IsFromBuckets());
        Assert.True(AlertMetric.LatencyP95.IsFromBuckets());
        Assert.Equal(Minute, BreachOnset.StepFor(TimeSpan.FromDays(7)));
        Assert.Equal(TimeSpan.FromHours(1), BreachOnset.StepFor(TimeSpan.FromDays(7) + Minute));
    }

    [Fact]
    public void A_new_alert_takes_its_rules_priority_and_the_evaluated_minute_as_its_breach_start_until_the_evaluator_dates_it()
    {
        var rule = Rule(AlertMetric.ErrorRate, Comparator.GreaterThan) with { Priority = Priority.P0, Severity = Severity.Info, For = TimeSpan.FromMinutes(2) };
        var observation = new Observation(new Dictionary<string, string> { ["bot"] = "b" }, "bot=b", 0.9, 0.5, Holds: true);
        var now = At(4).AddSeconds(10);
        var open = Assert.IsType<OpenAlert>(AlertStateMachine.Decide(rule, observation, null, null, At(4), now, Guid.NewGuid));
        Assert.Equal((Priority.P0, At(4), now, AlertState.Pending), (open.Alert.Priority, open.Alert.BreachStartedAt, open.Alert.StartedAt, open.Alert.State));
        var fromSeverity = Assert.IsType<OpenAlert>(AlertStateMachine.Decide(rule with { Priority = null }, observation, null, null, At(4), now, Guid.NewGuid));
        Assert.Equal(Priority.P3, fromSeverity.Alert.Priority);
    }
}
