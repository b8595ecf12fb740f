using Vigil.Core.Alerts;

namespace Vigil.Core.Tests;

/// <summary>cost_zscore: the baseline of prior windows, its small-sample guard and its σ floor.</summary>
public class CostZScoreTests
{
    /// <summary>Five windows of 10 calls at $0.10, $0.12, $0.08, $0.11, $0.09 a call: mean $0.10, sample σ ≈ $0.0158.</summary>
    private static (decimal, long)[] Week() => [(1.0m, 10), (1.2m, 10), (0.8m, 10), (1.1m, 10), (0.9m, 10)];

    [Fact]
    public void The_baseline_is_the_mean_and_sample_deviation_of_the_prior_windows_cost_per_call()
    {
        var baseline = CostZScore.BaselineOf(Week())!.Value;
        Assert.Equal(0.10, baseline.Mean, 9);
        Assert.Equal(Math.Sqrt(0.001 / 4), baseline.Sigma, 9);
        Assert.Equal(5, baseline.Windows);
    }

    [Fact]
    public void Cost_per_call_not_total_cost_is_compared()
    {
        // The same $0.10 a call at ten times the traffic is no anomaly.
        var baseline = CostZScore.BaselineOf(Week());
        Assert.Equal(0, CostZScore.Of(10m, 100, baseline)!.Value, 9);
        var z = CostZScore.Of(1.5m, 10, baseline)!.Value;
        Assert.Equal((0.15 - 0.10) / Math.Sqrt(0.001 / 4), z, 9);
        Assert.True(z > 3);
        Assert.True(CostZScore.Of(0.5m, 10, baseline) < -3);
    }

    [Fact]
    public void Fewer_prior_windows_with_calls_than_the_minimum_give_no_value()
    {
        var four = Week()[..4];
        Assert.Null(CostZScore.BaselineOf(four));
        Assert.Null(CostZScore.Of(5m, 10, CostZScore.BaselineOf(four)));
        // Windows without calls are left out, not counted as free windows.
        Assert.Null(CostZScore.BaselineOf([.. four, (0m, 0), (0m, 0)]));
        Assert.Equal(CostZScore.MinPriorWindows, CostZScore.BaselineOf([.. Week(), (0m, 0)])!.Value.Windows);
    }

    [Fact]
    public void A_window_without_calls_has_no_value()
    {
        Assert.Null(CostZScore.Of(0m, 0, CostZScore.BaselineOf(Week())));
    }

    [Fact]
    public void A_perfectly_flat_week_is_floored_at_a_tenth_of_the_mean()
    {
        var flat = Enumerable.Repeat((2.0m, 10L), 7).ToArray();
        var baseline = CostZScore.BaselineOf(flat)!.Value;
        Assert.Equal(0.2, baseline.Mean, 9);
        Assert.Equal(0.02, baseline.Sigma, 9);
        // A 30% rise over a flat week is z = 3, not infinity; no change is 0.
        Assert.Equal(3, CostZScore.Of(2.6m, 10, baseline)!.Value, 9);
        Assert.Equal(0, CostZScore.Of(2.0m, 10, baseline)!.Value, 9);
    }

    [Fact]
    public void A_week_of_free_calls_is_floored_at_a_millionth_of_a_dollar()
    {
        var free = Enumerable.Repeat((0m, 10L), 6).ToArray();
        var baseline = CostZScore.BaselineOf(free)!.Value;
        Assert.Equal(CostZScore.AbsoluteSigmaFloorUsd, baseline.Sigma);
        Assert.Equal(1000, CostZScore.Of(0.01m, 10, baseline)!.Value, 6);
    }

    [Fact]
    public void A_wide_week_keeps_its_own_deviation_above_the_floor()
    {
        (decimal, long)[] wide = [(1m, 10), (3m, 10), (1m, 10), (3m, 10), (1m, 10), (3m, 10)];
        var baseline = CostZScore.BaselineOf(wide)!.Value;
        Assert.Equal(0.2, baseline.Mean, 9);
        Assert.Equal(Math.Sqrt(0.06 / 5), baseline.Sigma, 9);
    }
}
