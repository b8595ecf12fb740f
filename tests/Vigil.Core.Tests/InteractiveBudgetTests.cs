using Vigil.Core.Budgets;
using Vigil.Core.Metrics;

namespace Vigil.Core.Tests;

/// <summary>The "interactive": true budget filter: events without a batch_job, never a run's reported cost.</summary>
public class InteractiveBudgetTests
{
    private static Budget WithFilter(MetricFilter filter) => new() { Name = "b", AmountUsd = 600, Filters = filter, Thresholds = Budget.RunbookThresholds };

    private static readonly BatchRun Run = new("r", null, "nightly", default, null, null, default, 9, 1, 4m);

    [Fact]
    public void Interactive_only_is_a_batch_job_filter_of_the_empty_key_alone()
    {
        Assert.True(WithFilter(new MetricFilter().With(Dimension.BatchJob, Budget.NoBatchJob)).InteractiveOnly);
        Assert.False(WithFilter(new MetricFilter().With(Dimension.BatchJob, "nightly")).InteractiveOnly);
        Assert.False(WithFilter(new MetricFilter().With(Dimension.BatchJob, Budget.NoBatchJob, "nightly")).InteractiveOnly);
        Assert.False(WithFilter(new MetricFilter()).InteractiveOnly);
    }

    [Fact]
    public void An_interactive_budget_never_counts_a_runs_reported_cost_and_a_batch_budget_does()
    {
        Assert.False(WithFilter(new MetricFilter().With(Dimension.BatchJob, Budget.NoBatchJob)).CountsRunCost(Run));
        Assert.True(WithFilter(new MetricFilter().With(Dimension.BatchJob, "nightly")).CountsRunCost(Run));
        Assert.True(WithFilter(new MetricFilter()).CountsRunCost(Run));
    }

    [Fact]
    public void The_interactive_filter_reaches_the_rollup_query_as_the_empty_batch_job()
    {
        var filter = WithFilter(new MetricFilter().With(Dimension.BatchJob, Budget.NoBatchJob)).EventFilter();
        Assert.Equal([""], filter.Get(Dimension.BatchJob)!);
    }
}
