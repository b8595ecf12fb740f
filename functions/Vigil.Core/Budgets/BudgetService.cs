using Vigil.Core.Metrics;

namespace Vigil.Core.Budgets;

public enum RunGateOutcome
{
    Allowed,
    Locked,
    UnknownJob,
}

/// <summary>Whether a run may start; when locked, which budget (if any) and why; the job when there is one.</summary>
public sealed record RunGate(RunGateOutcome Outcome, string? Budget, string Detail, BatchJob? Job = null);

/// <summary>Spend to date, budget status, the batch-job gate, and what runs cost.</summary>
public sealed class BudgetService(IBudgetStore budgets, IBatchJobStore jobs, IRollupStore rollups, TimeProvider time)
{
    /// <summary>Events may be stamped up to this long before they arrive (the ingest window), so a run's events may precede its start.</summary>
    private static readonly TimeSpan RunEventLead = TimeSpan.FromDays(8);

    /// <summary>
    /// Spend this period: the cost of every event matching the budget's filters (a tenant's budget:
    /// that tenant's events only), from the rollups, plus, for each run completed this period that
    /// the budget covers, the part of its reported cost not already carried by events attributed
    /// to that run (<see cref="BatchRunCost"/>) — so no dollar counts twice.
    /// </summary>
    public async Task<decimal> SpentAsync(Budget budget, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = BudgetPeriods.Start(now);
        var byRun = await AttributedCostsAsync(MetricWindow.Plan(from, Align.CeilMinute(now)), budget.EventFilter(), cancellationToken);
        var spent = byRun.Values.Sum();
        var runScope = budget.TenantId is null ? TenantScope.All : TenantScope.Of(budget.TenantId);
        foreach (var run in await jobs.CompletedRunsAsync(runScope, from, BudgetPeriods.End(now), cancellationToken))
        {
            if (!budget.CountsRunCost(run)) continue;
            spent += BatchRunCost.Unattributed(byRun.GetValueOrDefault(run.RunId), run.ReportedCostUsd);
        }
        return decimal.Round(spent, 6);
    }

    /// <summary>
    /// The runs with the cost of their attributed events filled in, from the same rollup query the
    /// budgets use, so a run's cost here is what budgets count for it. Events of a tenant's run
    /// count only when they are that tenant's.
    /// </summary>
    public async Task<IReadOnlyList<BatchRun>> WithCostsAsync(IReadOnlyList<BatchRun> runs, CancellationToken cancellationToken)
    {
        if (runs.Count == 0) return runs;
        var costs = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var scope in runs.GroupBy(r => r.TenantId))
        {
            var filter = new MetricFilter().With(Dimension.BatchRunId, [.. scope.Select(r => r.RunId).Distinct(StringComparer.Ordinal)]);
            if (scope.Key is { } tenant) filter.With(Dimension.TenantId, tenant);
            // Day rollups are rebuilt with every roll-up, today's included, so they hold every event of a run.
            var from = Align.Floor(scope.Min(r => r.StartedAt) - RunEventLead, Resolution.Day);
            var to = Align.Ceil(time.GetUtcNow(), Resolution.Day) + TimeSpan.FromDays(1);
            var byRun = await AttributedCostsAsync([new RollupPiece(Resolution.Day, from, to)], filter, cancellationToken);
            foreach (var run in scope) costs[run.RunId] = byRun.GetValueOrDefault(run.RunId);
        }
        return [.. runs.Select(r => r with { AttributedCostUsd = costs[r.RunId] })];
    }

    public async Task<BudgetStatus> StatusAsync(Budget budget, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var spent = await SpentAsync(budget, now, cancellationToken);
        var start = BudgetPeriods.Start(now);
        return new BudgetStatus(budget, start, BudgetPeriods.End(now), spent, Percent(spent, budget.AmountUsd), BudgetPeriods.Forecast(spent, now),
            await budgets.CrossingsAsync(budget.TenantId, budget.Name, start, cancellationToken), await WarningsAsync(budget, cancellationToken));
    }

    /// <summary>What the budget will not do that its document may suggest it does.</summary>
    private async Task<IReadOnlyList<string>> WarningsAsync(Budget budget, CancellationToken cancellationToken)
    {
        if (!budget.Enforces) return [];
        if (budget.DisablesNothing)
        {
            return ["disable_batch_jobs stops no batch job: this budget names none. Set batch_jobs to job names or \"all\"."];
        }
        if (budget.AllBatchJobs) return [];
        var registered = (await jobs.ListAsync(TenantScope.Of(budget.TenantId), cancellationToken)).Select(j => j.Name).ToHashSet(StringComparer.Ordinal);
        var scope = budget.TenantId is null ? "the global scope" : $"tenant '{budget.TenantId}'";
        return [.. budget.BatchJobs.Where(j => !registered.Contains(j))
            .Select(j => $"batch job '{j}' is not registered in {scope}; disable_batch_jobs stops it once it is.")];
    }

    /// <summary>
    /// A disabled job may not start a run; nor may a run whose estimated cost would take an enforcing
    /// budget covering the job (its tenant's, or a global one) over 100%. A global budget's spend is
    /// never shown to a tenant's job: it is named, not measured.
    /// </summary>
    public async Task<RunGate> CheckRunAsync(string? tenantId, string jobName, decimal? estimatedCostUsd, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(tenantId, jobName, cancellationToken);
        if (job is null) return new RunGate(RunGateOutcome.UnknownJob, null, $"No batch job '{jobName}'; register it with PUT /api/batch-jobs/{jobName}.");
        if (!job.Enabled)
        {
            var by = job.DisablingBudget is { } b ? $"budget '{b}'" : $"'{job.DisabledBy}'";
            return new RunGate(RunGateOutcome.Locked, job.DisablingBudget, $"Batch job '{jobName}' was disabled by {by} at {job.DisabledAt:u}: {job.DisabledReason}", job);
        }
        if (estimatedCostUsd is { } estimate && estimate > 0)
        {
            var now = time.GetUtcNow();
            foreach (var budget in (await budgets.ListAsync(TenantScope.OfWithGlobal(job.TenantId), cancellationToken)).Where(b => b.Enforces && b.Covers(job)))
            {
                var spent = await SpentAsync(budget, now, cancellationToken);
                if (spent + estimate <= budget.AmountUsd) continue;
                var detail = budget.TenantId == job.TenantId
                    ? $"Starting this run (estimated ${estimate:0.00}) would take budget '{budget.Name}' to ${spent + estimate:0.00} of ${budget.AmountUsd:0.00} ({Percent(spent + estimate, budget.AmountUsd):0.#}%)."
                    : $"Starting this run (estimated ${estimate:0.00}) would take the deployment-wide budget '{budget.Name}' past its limit.";
                return new RunGate(RunGateOutcome.Locked, budget.Name, detail, job);
            }
        }
        return new RunGate(RunGateOutcome.Allowed, null, "", job);
    }

    public static double Percent(decimal spent, decimal amount) => amount <= 0 ? 0 : Math.Round((double)(spent / amount * 100m), 2);

    /// <summary>Event cost per batch run ("" for events of no run) over the pieces: one rollup query, the same for budgets and runs.</summary>
    private async Task<Dictionary<string, decimal>> AttributedCostsAsync(IReadOnlyList<RollupPiece> pieces, MetricFilter filter, CancellationToken cancellationToken)
    {
        var groups = await rollups.QueryAsync(new RollupQuery(pieces, filter, [Dimension.BatchRunId], WithSketches: false), cancellationToken);
        return groups.ToDictionary(g => g.Key[Dimension.BatchRunId], g => g.Counters.CostUsd, StringComparer.Ordinal);
    }
}
