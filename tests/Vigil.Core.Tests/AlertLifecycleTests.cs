using Vigil.Core.Alerts;
using Vigil.Core.Events;
using Vigil.Core.Metrics;

namespace Vigil.Core.Tests;

public class AlertStateMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static AlertRule Rule(TimeSpan? forDuration = null, TimeSpan? cooldown = null) => new()
    {
        Name = "high_error_rate",
        Metric = AlertMetric.ErrorRate,
        Window = TimeSpan.FromMinutes(5),
        Comparator = Comparator.GreaterThan,
        Threshold = 0.05,
        Severity = Severity.Critical,
        For = forDuration ?? TimeSpan.Zero,
        Cooldown = cooldown ?? TimeSpan.Zero,
        Channels = ["slack"],
        GroupBy = [Dimension.Bot],
    };

    private static Observation Holding(double value = 0.2) => new(new Dictionary<string, string> { ["bot"] = "lead_bot" }, "bot=lead_bot", value, 0.05, value > 0.05);

    private static AlertChange? Decide(AlertRule? rule, Observation? observation, Alert? open, DateTimeOffset at, DateTimeOffset? resolved = null) =>
        AlertStateMachine.Decide(rule, observation, open, resolved, Align.Floor(at, Resolution.Minute), at, Guid.NewGuid);

    private static Alert Apply(Alert? alert, AlertChange? change) => change switch
    {
        OpenAlert o => o.Alert,
        FireAlert f => alert! with { State = AlertState.Firing, FiredAt = f.At, Value = f.Value },
        UpdateAlert u => alert! with { Value = u.Value, Threshold = u.Threshold },
        ResolveAlert r => alert! with { State = AlertState.Resolved, ResolvedAt = r.At },
        _ => alert!,
    };

    [Fact]
    public void Without_a_for_duration_an_alert_fires_at_once_with_the_real_time()
    {
        var at = T0.AddSeconds(12.5);
        var open = Assert.IsType<OpenAlert>(Decide(Rule(), Holding(), null, at));
        Assert.Equal(AlertState.Firing, open.Alert.State);
        Assert.Equal(at, open.Alert.FiredAt);
        Assert.Equal(0.2, open.Alert.Value);
        Assert.Equal(0.05, open.Alert.Threshold);
        Assert.True(open.Alert.Escalates);
    }

    [Fact]
    public void With_a_for_duration_an_alert_stays_pending_until_it_has_held_that_long()
    {
        var rule = Rule(forDuration: TimeSpan.FromMinutes(5));
        var alert = Apply(null, Decide(rule, Holding(), null, T0.AddSeconds(40)));
        Assert.Equal(AlertState.Pending, alert.State);
        for (var minute = 1; minute < 5; minute++)
        {
            var change = Decide(rule, Holding(), alert, T0.AddMinutes(minute).AddSeconds(5));
            Assert.IsNotType<FireAlert>(change);
            alert = Apply(alert, change);
        }
        var fire = Assert.IsType<FireAlert>(Decide(rule, Holding(), alert, T0.AddMinutes(5).AddSeconds(3)));
        Assert.Equal(T0.AddMinutes(5).AddSeconds(3), fire.At);
    }

    [Fact]
    public void A_pending_alert_whose_condition_clears_resolves_without_having_fired()
    {
        var rule = Rule(forDuration: TimeSpan.FromMinutes(5));
        var alert = Apply(null, Decide(rule, Holding(), null, T0));
        var resolve = Assert.IsType<ResolveAlert>(Decide(rule, Holding(0.01), alert, T0.AddMinutes(1)));
        Assert.False(resolve.WasFired);
        Assert.Contains("no longer > 0.05", resolve.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_firing_alert_resolves_when_its_condition_clears_or_its_data_disappears_or_its_rule_goes()
    {
        var alert = Apply(null, Decide(Rule(), Holding(), null, T0));
        Assert.True(Assert.IsType<ResolveAlert>(Decide(Rule(), Holding(0.0), alert, T0.AddMinutes(1))).WasFired);
        Assert.Contains("enough data", Assert.IsType<ResolveAlert>(Decide(Rule(), null, alert, T0.AddMinutes(1))).Reason, StringComparison.Ordinal);
        Assert.Contains("deleted or disabled", Assert.IsType<ResolveAlert>(Decide(null, Holding(), alert, T0.AddMinutes(1))).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_acknowledged_alert_stays_acknowledged_while_the_condition_holds()
    {
        var alert = Apply(null, Decide(Rule(), Holding(), null, T0)) with { State = AlertState.Acknowledged };
        Assert.Null(Decide(Rule(), Holding(), alert, T0.AddMinutes(3)));
        Assert.IsType<UpdateAlert>(Decide(Rule(), Holding(0.3), alert, T0.AddMinutes(3)));
    }

    [Fact]
    public void Evaluating_the_same_minute_twice_changes_nothing_the_second_time()
    {
        var rule = Rule(forDuration: TimeSpan.FromMinutes(2));
        var alert = Apply(null, Decide(rule, Holding(), null, T0.AddSeconds(50)));
        var first = Decide(rule, Holding(), alert, T0.AddMinutes(2).AddSeconds(1));
        Assert.IsType<FireAlert>(first);
        alert = Apply(alert, first);
        Assert.Null(Decide(rule, Holding(), alert, T0.AddMinutes(2).AddSeconds(40)));
        Assert.Null(Decide(rule, Holding(), alert, T0.AddMinutes(2).AddSeconds(59)));
    }

    [Fact]
    public void After_a_fired_alert_resolves_the_cooldown_stops_it_from_opening_again_at_once()
    {
        var rule = Rule(cooldown: TimeSpan.FromMinutes(5));
        var resolvedAt = T0.AddSeconds(20);
        Assert.Null(Decide(rule, Holding(), null, T0.AddMinutes(1), resolvedAt));
        Assert.Null(Decide(rule, Holding(), null, T0.AddMinutes(4).AddSeconds(59), resolvedAt));
        Assert.IsType<OpenAlert>(Decide(rule, Holding(), null, T0.AddMinutes(5), resolvedAt));
    }

    [Fact]
    public void A_condition_that_does_not_hold_opens_nothing()
    {
        Assert.Null(Decide(Rule(), Holding(0.01), null, T0));
        Assert.Null(Decide(Rule(), null, null, T0));
    }
}

public class AlertMetricTests
{
    private static RollupCounters Counters(Action<RollupCounters> fill)
    {
        var c = new RollupCounters();
        fill(c);
        return c;
    }

    [Fact]
    public void Rates_report_their_denominator_as_samples()
    {
        var c = Counters(c => { c.Calls = 40; c.Errors = 4; c.RateLimitErrors = 1; c.CacheLookups = 10; c.CacheHits = 3; });
        Assert.Equal(new MetricValue(0.1, 40), AlertMetrics.Compute(AlertMetric.ErrorRate, c));
        Assert.Equal(new MetricValue(0.025, 40), AlertMetrics.Compute(AlertMetric.RateLimitErrorRate, c));
        Assert.Equal(new MetricValue(0.3, 10), AlertMetrics.Compute(AlertMetric.CacheHitRate, c));
    }

    [Fact]
    public void Percentiles_come_from_the_sketches()
    {
        var c = new RollupCounters();
        for (var i = 1; i <= 100; i++)
        {
            c.Add(new RollupEvent(DateTimeOffset.UnixEpoch, new SeriesKey("t", "b", "", "", EventType.LlmCall, "", ""), null, i * 10, i, true, null, null, null, null, null, null, 0, CostSource.None, null, null, null));
        }
        var p95 = AlertMetrics.Compute(AlertMetric.LatencyP95, c);
        Assert.Equal(100, p95.Samples);
        Assert.InRange(p95.Value!.Value, 950 * 0.99, 950 * 1.01);
        Assert.InRange(AlertMetrics.Compute(AlertMetric.TtftP95, c).Value!.Value, 95 * 0.99, 95 * 1.01);
    }

    [Fact]
    public void A_cost_spike_compares_with_the_previous_window_and_needs_a_previous_cost()
    {
        var now = Counters(c => { c.CostUsd = 30m; c.CostEvents = 25; });
        Assert.Equal(3.0, AlertMetrics.Compute(AlertMetric.CostSpikeRatio, now, Counters(c => c.CostUsd = 10m)).Value);
        Assert.Null(AlertMetrics.Compute(AlertMetric.CostSpikeRatio, now, new RollupCounters()).Value);
    }

    [Fact]
    public void Counts_are_counts_and_need_no_minimum_sample()
    {
        Assert.True(AlertMetric.EventCount.IsCount());
        Assert.True(AlertMetric.BlockedHandoffs.IsCount());
        Assert.False(AlertMetric.ErrorRate.IsCount());
        Assert.Equal(0.0, AlertMetrics.Compute(AlertMetric.EventCount, new RollupCounters()).Value);
        Assert.Equal(EventType.Handoff, AlertMetric.HandoffFailureRate.ImpliedType());
        Assert.Equal(EventType.RagRetrieval, AlertMetric.RagFailureRate.ImpliedType());
    }
}
