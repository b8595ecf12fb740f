using Vigil.Core.Alerts;
using Vigil.Core.Budgets;

namespace Vigil.Core.Tests;

/// <summary>batch_run_overdue and batch_run_failed as the rule evaluator computes them per job.</summary>
public class BatchJobHealthTests
{
    private static readonly DateTimeOffset Registered = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static BatchJob Job(TimeSpan? every = null, TimeSpan? max = null, bool enabled = true) =>
        new(1, null, "nightly", "", enabled, null, null, null, Registered, Registered) { ExpectedEvery = every, MaxDuration = max };

    private static BatchJobHealth Health(BatchJob job, DateTimeOffset? last = null, DateTimeOffset? running = null, long succeeded = 0, long failed = 0) =>
        new(job, last, running, succeeded + failed > 0 ? 1 : 0, succeeded, failed);

    [Fact]
    public void A_job_without_expectations_is_never_late()
    {
        Assert.Null(Health(Job(), last: Registered).OverdueSeconds(Registered + TimeSpan.FromDays(30)));
        Assert.Null(AlertMetrics.Compute(AlertMetric.BatchRunOverdue, [Health(Job())], Registered + TimeSpan.FromDays(3)).Value);
    }

    [Fact]
    public void Lateness_counts_from_the_latest_start_plus_expected_every()
    {
        var clock = new ManualClock(Registered + TimeSpan.FromHours(20));
        var health = Health(Job(every: TimeSpan.FromHours(24)), last: Registered + TimeSpan.FromHours(2));
        Assert.Equal(0, health.OverdueSeconds(clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromHours(6) + TimeSpan.FromSeconds(90));
        Assert.Equal(90, health.OverdueSeconds(clock.GetUtcNow()));
    }

    [Fact]
    public void A_job_that_never_ran_is_late_from_its_registration()
    {
        var health = Health(Job(every: TimeSpan.FromHours(1)));
        Assert.Equal(0, health.OverdueSeconds(Registered + TimeSpan.FromMinutes(59)));
        Assert.Equal(600, health.OverdueSeconds(Registered + TimeSpan.FromMinutes(70)));
    }

    [Fact]
    public void A_disabled_job_is_not_expected_to_start_but_its_running_run_still_overruns()
    {
        var job = Job(every: TimeSpan.FromHours(1), max: TimeSpan.FromHours(4), enabled: false);
        var now = Registered + TimeSpan.FromHours(10);
        Assert.Equal(0, Health(job, last: Registered).OverdueSeconds(now));
        Assert.Equal(3600, Health(job, last: Registered + TimeSpan.FromHours(5), running: Registered + TimeSpan.FromHours(5)).OverdueSeconds(now));
    }

    [Fact]
    public void The_larger_lateness_wins()
    {
        var job = Job(every: TimeSpan.FromHours(2), max: TimeSpan.FromHours(4));
        var now = Registered + TimeSpan.FromHours(10);
        // Started at 1:00 and still running: 5 h past max_duration, 7 h past expected_every.
        Assert.Equal(7 * 3600, Health(job, last: Registered + TimeSpan.FromHours(1), running: Registered + TimeSpan.FromHours(1)).OverdueSeconds(now));
        // Started at 5:00: 1 h over max_duration, 3 h since the expected start.
        Assert.Equal(3 * 3600, Health(job, last: Registered + TimeSpan.FromHours(5), running: Registered + TimeSpan.FromHours(5)).OverdueSeconds(now));
        var onlyMax = Job(max: TimeSpan.FromHours(4));
        Assert.Equal(3600, Health(onlyMax, last: Registered + TimeSpan.FromHours(5), running: Registered + TimeSpan.FromHours(5)).OverdueSeconds(now));
    }

    [Fact]
    public void The_success_rate_weighs_every_item_of_the_windows_runs_alike()
    {
        var health = Health(Job(), succeeded: 940, failed: 60);
        Assert.Equal(0.94, health.SuccessRate!.Value, 9);
        Assert.Equal(1000, health.Items);
        var value = AlertMetrics.Compute(AlertMetric.BatchRunFailed, [health, Health(Job(), succeeded: 100, failed: 0)], Registered);
        Assert.Equal(1040.0 / 1100, value.Value!.Value, 9);
        Assert.Equal(1100, value.Samples);
    }

    [Fact]
    public void No_items_in_the_window_have_no_success_rate()
    {
        Assert.Null(Health(Job()).SuccessRate);
        Assert.Null(AlertMetrics.Compute(AlertMetric.BatchRunFailed, [Health(Job())], Registered).Value);
    }

    [Fact]
    public void Same_named_jobs_in_one_group_are_as_late_as_the_latest()
    {
        var now = Registered + TimeSpan.FromHours(5);
        var value = AlertMetrics.Compute(AlertMetric.BatchRunOverdue,
            [Health(Job(every: TimeSpan.FromHours(1)), last: Registered + TimeSpan.FromHours(3)), Health(Job()), Health(Job(every: TimeSpan.FromHours(1)), last: Registered + TimeSpan.FromHours(1))], now);
        Assert.Equal(3 * 3600, value.Value);
    }

    [Fact]
    public void Batch_run_metrics_are_not_rollup_metrics()
    {
        Assert.True(AlertMetric.BatchRunFailed.IsBatchRun());
        Assert.True(AlertMetric.BatchRunOverdue.IsBatchRun());
        Assert.False(AlertMetric.CostZScore.IsBatchRun());
        Assert.Equal(["batch_run_failed", "batch_run_overdue", "cost_zscore"],
            new[] { AlertMetric.BatchRunFailed, AlertMetric.BatchRunOverdue, AlertMetric.CostZScore }.Select(m => m.ToName()).Order());
        Assert.Null(AlertMetrics.Compute(AlertMetric.CostZScore, new Metrics.RollupCounters { CostEvents = 4, CostUsd = 1m }).Value);
    }
}
