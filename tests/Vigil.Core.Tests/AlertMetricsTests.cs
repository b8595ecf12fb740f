using Vigil.Core.Alerts;
using Vigil.Core.Metrics;

namespace Vigil.Core.Tests;

/// <summary>What each alert metric measures and how many samples a rule's min_samples weighs it by.</summary>
public class AlertMetricsTests
{
    /// <summary>Counters with a different number in every field, so a metric read from the wrong one shows.</summary>
    private static RollupCounters Counters()
    {
        var c = new RollupCounters
        {
            Events = 200, Calls = 160, Errors = 40, RateLimitErrors = 8, CacheHits = 30, CacheLookups = 120, Blocked = 7,
            QualityCount = 4, QualitySumMicro = 3_000_000, Degraded = 9, DegradationKnown = 36, Positive = 15, Negative = 5,
            CostEvents = 50, Unpriced = 3, CostUsd = 12.5m,
        };
        for (var i = 1; i <= 100; i++) c.Duration.Add(i * 10);
        for (var i = 1; i <= 20; i++) c.Ttft.Add(i);
        return c;
    }

    private static void Near(double expected, double? actual)
    {
        Assert.NotNull(actual);
        Assert.True(Math.Abs(actual.Value - expected) <= expected * LatencySketch.RelativeAccuracy, $"expected {expected}, got {actual}");
    }

    [Fact]
    public void Latency_percentiles_come_from_the_duration_sketch_weighed_by_its_count()
    {
        var c = Counters();
        var p50 = AlertMetrics.Compute(AlertMetric.LatencyP50, c);
        Near(500, p50.Value);
        Assert.Equal(100, p50.Samples);
        Near(950, AlertMetrics.Compute(AlertMetric.LatencyP95, c).Value);
        Near(990, AlertMetrics.Compute(AlertMetric.LatencyP99, c).Value);
        Assert.Equal(100, AlertMetrics.Compute(AlertMetric.LatencyP99, c).Samples);
        var ttft = AlertMetrics.Compute(AlertMetric.TtftP95, c);
        Near(19, ttft.Value);
        Assert.Equal(20, ttft.Samples);
    }

    [Theory]
    [InlineData(AlertMetric.ErrorRate)]
    [InlineData(AlertMetric.HandoffFailureRate)]
    [InlineData(AlertMetric.ToolFailureRate)]
    [InlineData(AlertMetric.RagFailureRate)]
    public void Failure_rates_are_errors_over_calls(AlertMetric metric) =>
        Assert.Equal(new MetricValue(0.25, 160), AlertMetrics.Compute(metric, Counters()));

    [Fact]
    public void Each_rate_and_average_has_its_own_numerator_and_denominator()
    {
        var c = Counters();
        Assert.Equal(new MetricValue(0.05, 160), AlertMetrics.Compute(AlertMetric.RateLimitErrorRate, c));
        Assert.Equal(new MetricValue(0.25, 120), AlertMetrics.Compute(AlertMetric.CacheHitRate, c));
        Assert.Equal(new MetricValue(0.75, 4), AlertMetrics.Compute(AlertMetric.QualityScoreAvg, c));
        Assert.Equal(new MetricValue(0.25, 36), AlertMetrics.Compute(AlertMetric.DegradationRate, c));
        Assert.Equal(new MetricValue(0.75, 20), AlertMetrics.Compute(AlertMetric.SatisfactionRate, c));
    }

    [Fact]
    public void Counts_and_sums_are_the_counters_themselves()
    {
        var c = Counters();
        Assert.Equal(new MetricValue(7, 160), AlertMetrics.Compute(AlertMetric.BlockedHandoffs, c));
        Assert.Equal(new MetricValue(200, 200), AlertMetrics.Compute(AlertMetric.EventCount, c));
        Assert.Equal(new MetricValue(12.5, 50), AlertMetrics.Compute(AlertMetric.CostUsd, c));
        Assert.Equal(new MetricValue(3, 50), AlertMetrics.Compute(AlertMetric.UnpricedCalls, c));
    }

    [Fact]
    public void A_cost_spike_is_this_windows_cost_over_the_previous_ones_and_undefined_without_a_previous_cost()
    {
        var c = Counters();
        Assert.Equal(new MetricValue(2.5, 50), AlertMetrics.Compute(AlertMetric.CostSpikeRatio, c, new RollupCounters { CostUsd = 5m }));
        Assert.Equal(new MetricValue(null, 50), AlertMetrics.Compute(AlertMetric.CostSpikeRatio, c, new RollupCounters { CostUsd = 0m }));
        Assert.Equal(new MetricValue(null, 50), AlertMetrics.Compute(AlertMetric.CostSpikeRatio, c));
    }

    [Fact]
    public void Empty_counters_give_no_value_for_rates_and_percentiles()
    {
        var empty = new RollupCounters();
        Assert.Equal(new MetricValue(null, 0), AlertMetrics.Compute(AlertMetric.ErrorRate, empty));
        Assert.Equal(new MetricValue(null, 0), AlertMetrics.Compute(AlertMetric.LatencyP95, empty));
        Assert.Equal(new MetricValue(null, 0), AlertMetrics.Compute(AlertMetric.SatisfactionRate, empty));
        Assert.Equal(new MetricValue(0, 0), AlertMetrics.Compute(AlertMetric.EventCount, empty));
    }

    [Fact]
    public void Only_latency_metrics_need_the_sketches()
    {
        AlertMetric[] latency = [AlertMetric.LatencyP50, AlertMetric.LatencyP95, AlertMetric.LatencyP99, AlertMetric.TtftP95];
        foreach (var metric in Enum.GetValues<AlertMetric>()) Assert.Equal(latency.Contains(metric), metric.NeedsSketches());
    }

    [Fact]
    public void Only_counts_and_sums_ignore_min_samples()
    {
        AlertMetric[] counts = [AlertMetric.Conversations, AlertMetric.EventCount, AlertMetric.BlockedHandoffs, AlertMetric.CostUsd, AlertMetric.UnpricedCalls];
        foreach (var metric in Enum.GetValues<AlertMetric>()) Assert.Equal(counts.Contains(metric), metric.IsCount());
    }
}
