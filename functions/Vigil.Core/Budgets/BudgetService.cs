using Vigil.Core.Metrics;

namespace Vigil.Core.Budgets;

public enum RunGateOutcome
{
    Allowed,
    Locked,
    UnknownJob,
}

/// <summary>Whether a run may start; when locked, which budget (if any) and why.</summary>
public sealed record RunGate(RunGateOutcome Outcome, string? Budget, string Detail);

/// <summary>Spend to date, budget status, and the batch-job gate.</summary>
public sealed class BudgetService(IBudgetStore budgets, IBatchJobStore jobs, IRollupStore rollups, TimeProvider time)
{
    /// <summary>
    /// Spend this period: the cost of every event matching the budget's filters (from the rollups),
    /// plus, for each run completed this period that the budget covers, the part of its reported cost
    /// not already carried by events attributed to that run — so no dollar counts twice.
    /// </summary>
    public async Task<decimal> SpentAsync(Budget budget, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = BudgetPeriods.Start(now);
        var groups = await rollups.QueryAsync(new RollupQuery(MetricWindow.Plan(from, Align.CeilMinute(now)), budget.Filters, [Dimension.BatchRunId], WithSketches: false), cancellationToken);
        var byRun = groups.ToDictionary(g => g.Key[Dimension.BatchRunId], g => g.Counters.CostUsd, StringComparer.Ordinal);
        var spent = byRun.Values.Sum();
        foreach (var run in await jobs.CompletedRunsAsync(from, BudgetPeriods.End(now), cancellationToken))
        {
            if (run.CostUsd is not { } reported || !budget.CountsRunCost(run.Job)) continue;
            spent += Math.Max(0m, reported - byRun.GetValueOrDefault(run.RunId));
        }
        return decimal.Round(spent, 6);
    }

    public async Task<BudgetStatus> StatusAsync(Budget budget, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var spent = await SpentAsync(budget, now, cancellationToken);
        var start = BudgetPeriods.Start(now);
        return new BudgetStatus(budget, start, BudgetPeriods.End(now), spent, Percent(spent, budget.AmountUsd), BudgetPeriods.Forecast(spent, now),
            await budgets.CrossingsAsync(budget.Name, start, cancellationToken));
    }

    /// <summary>
    /// A disabled job may not start a run; nor may a run whose estimated cost would take an enforcing
    /// budget (one that disables batch jobs) over 100%.
    /// </summary>
    public async Task<RunGate> CheckRunAsync(string jobName, decimal? estimatedCostUsd, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(jobName, cancellationToken);
        if (job is null) return new RunGate(RunGateOutcome.UnknownJob, null, $"No batch job '{jobName}'; register it with PUT /api/batch-jobs/{jobName}.");
        if (!job.Enabled)
        {
            var by = job.DisablingBudget is { } b ? $"budget '{b}'" : $"'{job.DisabledBy}'";
            return new RunGate(RunGateOutcome.Locked, job.DisablingBudget, $"Batch job '{jobName}' was disabled by {by} at {job.DisabledAt:u}: {job.DisabledReason}");
        }
        if (estimatedCostUsd is { } estimate && estimate > 0)
        {
            var now = time.GetUtcNow();
            foreach (var budget in (await budgets.ListAsync(cancellationToken)).Where(b => b.Enforces && b.Covers(jobName)))
            {
                var spent = await SpentAsync(budget, now, cancellationToken);
                if (spent + estimate > budget.AmountUsd)
                {
                    return new RunGate(RunGateOutcome.Locked, budget.Name,
                        $"Starting this run (estimated ${estimate:0.00}) would take budget '{budget.Name}' to ${spent + estimate:0.00} of ${budget.AmountUsd:0.00} ({Percent(spent + estimate, budget.AmountUsd):0.#}%).");
                }
            }
        }
        return new RunGate(RunGateOutcome.Allowed, null, "");
    }

    public static double Percent(decimal spent, decimal amount) => amount <= 0 ? 0 : Math.Round((double)(spent / amount * 100m), 2);
}
