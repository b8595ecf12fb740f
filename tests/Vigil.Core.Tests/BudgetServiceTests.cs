using Vigil.Core.Budgets;
using Vigil.Core.Metrics;
using Vigil.Core.Tests.Fakes;

namespace Vigil.Core.Tests;

/// <summary>Spend, budget status and the batch-job gate on in-memory rollups, budgets and jobs.</summary>
public class BudgetServiceTests
{
    // 10 days into a 30-day month.
    private static readonly DateTimeOffset Now = new(2026, 11, 11, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MonthStart = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed record Setup(BudgetService Service, FakeBudgetStore Budgets, FakeBatchJobStore Jobs, FakeRollupStore Rollups);

    private static Setup Create()
    {
        var budgets = new FakeBudgetStore();
        var jobs = new FakeBatchJobStore();
        var rollups = new FakeRollupStore();
        return new Setup(new BudgetService(budgets, jobs, rollups, new ManualClock(Now)), budgets, jobs, rollups);
    }

    private static void Cost(Setup s, DateTimeOffset at, decimal usd, string tenant = "acme", string run = "", string bot = "lead_bot") =>
        s.Rollups.Add(at, new RollupCounters { Events = 1, CostEvents = 1, CostUsd = usd }, (Dimension.TenantId, tenant), (Dimension.BatchRunId, run), (Dimension.Bot, bot));

    private static BatchRun Run(string id, string? tenant, string job, decimal? reported, DateTimeOffset? completed = null) =>
        new(id, tenant, job, MonthStart.AddDays(2), null, null, completed ?? MonthStart.AddDays(3), 10, 0, reported);

    private static readonly BudgetThreshold Stop = new(100, false, [new BudgetAction(BudgetAction.DisableBatchJobs)]);

    [Fact]
    public async Task Spend_is_this_months_event_cost_and_the_part_of_run_costs_no_event_carries()
    {
        var s = Create();
        Cost(s, MonthStart.AddDays(1), 10.1234567m);
        Cost(s, MonthStart.AddDays(3), 4m, run: "run-1");
        Cost(s, MonthStart.AddMinutes(-1), 100m);
        s.Jobs.Runs.Add(Run("run-1", null, "nightly", 6m));
        s.Jobs.Runs.Add(Run("run-2", null, "nightly", 3m));
        s.Jobs.Runs.Add(Run("run-3", null, "nightly", 1m, completed: MonthStart.AddMinutes(-5)));
        s.Jobs.Runs.Add(Run("run-4", null, "nightly", 2m) with { ReportedCostUsd = null });

        var spent = await s.Service.SpentAsync(new Budget { Name = "all", AmountUsd = 100, Thresholds = [] }, Now, CancellationToken.None);

        // 10.1234567 + 4 (events) + 2 (run-1 beyond its events) + 3 (run-2, no events), to the micro-dollar.
        Assert.Equal(19.123457m, spent);
        Assert.Equal((MonthStart, MonthStart.AddMonths(1)), (s.Jobs.CompletedRunQueries[0].From, s.Jobs.CompletedRunQueries[0].To));
        Assert.True(s.Jobs.CompletedRunQueries[0].Scope.Everything);
        Assert.All(s.Rollups.Queries, q => Assert.False(q.WithSketches));
    }

    [Fact]
    public async Task A_tenants_budget_counts_only_that_tenants_events_and_runs()
    {
        var s = Create();
        Cost(s, MonthStart.AddDays(1), 5m, tenant: "acme");
        Cost(s, MonthStart.AddDays(1), 7m, tenant: "globex");
        s.Jobs.Runs.Add(Run("run-a", "acme", "nightly", 2m));
        s.Jobs.Runs.Add(Run("run-g", "globex", "nightly", 11m));

        var spent = await s.Service.SpentAsync(new Budget { TenantId = "acme", Name = "acme", AmountUsd = 100, Thresholds = [] }, Now, CancellationToken.None);

        Assert.Equal(7m, spent);
        Assert.Equal(TenantScope.Of("acme"), s.Jobs.CompletedRunQueries[0].Scope);
    }

    [Fact]
    public async Task A_budget_narrowed_to_a_bot_leaves_run_costs_out()
    {
        var s = Create();
        Cost(s, MonthStart.AddDays(1), 5m, bot: "lead_bot");
        Cost(s, MonthStart.AddDays(1), 9m, bot: "other_bot");
        s.Jobs.Runs.Add(Run("run-1", null, "nightly", 2m));

        var spent = await s.Service.SpentAsync(new Budget { Name = "lead", AmountUsd = 100, Thresholds = [], Filters = new MetricFilter().With(Dimension.Bot, "lead_bot") },
            Now, CancellationToken.None);

        Assert.Equal(5m, spent);
    }

    [Fact]
    public async Task Runs_get_the_cost_of_their_own_events_within_their_tenant()
    {
        var s = Create();
        Cost(s, MonthStart.AddDays(2), 1.5m, tenant: "acme", run: "run-a");
        Cost(s, MonthStart.AddDays(2), 2.5m, tenant: "acme", run: "run-a");
        Cost(s, MonthStart.AddDays(2), 40m, tenant: "globex", run: "run-a");
        Cost(s, MonthStart.AddDays(2), 3m, tenant: "globex", run: "run-g");
        Cost(s, Now, 0.25m, tenant: "globex", run: "run-g");

        var runs = await s.Service.WithCostsAsync([Run("run-a", "acme", "nightly", 1m), Run("run-g", "globex", "nightly", 10m), Run("run-x", null, "other", null)],
            CancellationToken.None);

        Assert.Equal([4m, 3.25m, 0m], runs.Select(r => r.AttributedCostUsd));
        Assert.Equal(10m, runs[1].CostUsd);
        var query = s.Rollups.Queries[0];
        var piece = Assert.Single(query.Pieces);
        Assert.Equal((Resolution.Day, MonthStart.AddDays(-6), Now.AddDays(1)), (piece.Resolution, piece.From, piece.To));
        Assert.Empty(await s.Service.WithCostsAsync([], CancellationToken.None));
    }

    [Fact]
    public async Task A_runs_events_may_precede_its_start_by_the_ingest_window_and_the_earliest_run_sets_the_range()
    {
        var s = Create();
        var early = Run("run-early", "acme", "nightly", null) with { StartedAt = MonthStart.AddDays(1) };
        var late = Run("run-late", "acme", "nightly", null) with { StartedAt = MonthStart.AddDays(9) };
        // Stamped six days before the early run started: within the eight days events may lag behind.
        Cost(s, MonthStart.AddDays(-5), 2m, tenant: "acme", run: "run-early");

        var runs = await s.Service.WithCostsAsync([early, late], CancellationToken.None);

        Assert.Equal([2m, 0m], runs.Select(r => r.AttributedCostUsd));
        Assert.Equal(MonthStart.AddDays(-7), Assert.Single(s.Rollups.Queries[0].Pieces).From);
    }

    [Fact]
    public async Task A_budgets_status_has_its_period_spend_percent_forecast_and_crossings()
    {
        var s = Create();
        Cost(s, MonthStart.AddDays(1), 25m);
        var budget = new Budget { Name = "llm", AmountUsd = 80m, Thresholds = Budget.RunbookThresholds, AllBatchJobs = true };
        s.Budgets.Crossings.Add(new ThresholdCrossing(null, "llm", MonthStart, 50, false, Now, 40m, 120m, [], "sent", []));
        s.Budgets.Crossings.Add(new ThresholdCrossing(null, "llm", MonthStart.AddMonths(-1), 75, false, Now, 40m, 120m, [], "sent", []));
        s.Budgets.Crossings.Add(new ThresholdCrossing(null, "other", MonthStart, 75, false, Now, 40m, 120m, [], "sent", []));

        var status = await s.Service.StatusAsync(budget, CancellationToken.None);

        Assert.Equal((MonthStart, MonthStart.AddMonths(1), 25m, 31.25, 75m), (status.PeriodStart, status.PeriodEnd, status.SpentUsd, status.Percent, status.ForecastUsd));
        Assert.Equal(50, Assert.Single(status.Crossed).Percent);
        Assert.Empty(status.Warnings);
    }

    [Fact]
    public async Task A_budget_that_would_stop_nothing_or_names_unregistered_jobs_says_so()
    {
        var s = Create();
        s.Jobs.Add("acme", "nightly");
        s.Jobs.Add(null, "weekly");

        var none = await s.Service.StatusAsync(new Budget { Name = "b", AmountUsd = 1, Thresholds = [Stop] }, CancellationToken.None);
        Assert.Equal(["disable_batch_jobs stops no batch job: this budget names none. Set batch_jobs to job names or \"all\"."], none.Warnings);

        var named = await s.Service.StatusAsync(new Budget { TenantId = "acme", Name = "b", AmountUsd = 1, Thresholds = [Stop], BatchJobs = ["nightly", "weekly", "ghost"] },
            CancellationToken.None);
        Assert.Equal(["batch job 'weekly' is not registered in tenant 'acme'; disable_batch_jobs stops it once it is.",
            "batch job 'ghost' is not registered in tenant 'acme'; disable_batch_jobs stops it once it is."], named.Warnings);

        var global = await s.Service.StatusAsync(new Budget { Name = "b", AmountUsd = 1, Thresholds = [Stop], BatchJobs = ["weekly", "nightly"] }, CancellationToken.None);
        Assert.Equal(["batch job 'nightly' is not registered in the global scope; disable_batch_jobs stops it once it is."], global.Warnings);

        var notEnforcing = await s.Service.StatusAsync(new Budget { Name = "b", AmountUsd = 1, Thresholds = Budget.RunbookThresholds.Take(3).ToList() }, CancellationToken.None);
        Assert.Empty(notEnforcing.Warnings);
    }

    [Fact]
    public async Task An_unknown_job_may_not_run_and_is_told_how_to_register()
    {
        var s = Create();

        var gate = await s.Service.CheckRunAsync("acme", "nightly", null, CancellationToken.None);

        Assert.Equal(new RunGate(RunGateOutcome.UnknownJob, null, "No batch job 'nightly'; register it with PUT /api/batch-jobs/nightly."), gate);
    }

    [Fact]
    public async Task A_disabled_job_is_locked_naming_who_disabled_it()
    {
        var s = Create();
        s.Jobs.Add("acme", "by_budget", enabled: false, disabledBy: "budget:llm", reason: "spend reached 100%", disabledAt: Now.AddHours(-2));
        s.Jobs.Add("acme", "by_hand", enabled: false, disabledBy: "ops@example.com", reason: "maintenance", disabledAt: Now.AddHours(-1));

        var budget = await s.Service.CheckRunAsync("acme", "by_budget", 5m, CancellationToken.None);
        Assert.Equal((RunGateOutcome.Locked, "llm"), (budget.Outcome, budget.Budget));
        Assert.Equal("Batch job 'by_budget' was disabled by budget 'llm' at 2026-11-10 22:00:00Z: spend reached 100%", budget.Detail);
        Assert.Equal("by_budget", budget.Job!.Name);

        var hand = await s.Service.CheckRunAsync("acme", "by_hand", null, CancellationToken.None);
        Assert.Equal((RunGateOutcome.Locked, (string?)null), (hand.Outcome, hand.Budget));
        Assert.Equal("Batch job 'by_hand' was disabled by 'ops@example.com' at 2026-11-10 23:00:00Z: maintenance", hand.Detail);
    }

    [Fact]
    public async Task A_run_that_would_take_an_enforcing_budget_past_its_amount_is_locked()
    {
        var s = Create();
        s.Jobs.Add("acme", "nightly");
        Cost(s, MonthStart.AddDays(1), 70m);
        s.Budgets.Budgets.Add(new Budget { TenantId = "acme", Name = "acme_llm", AmountUsd = 100m, Thresholds = [Stop], BatchJobs = ["nightly"] });

        var within = await s.Service.CheckRunAsync("acme", "nightly", 30m, CancellationToken.None);
        Assert.Equal((RunGateOutcome.Allowed, (string?)null, ""), (within.Outcome, within.Budget, within.Detail));
        Assert.Equal("nightly", within.Job!.Name);

        var over = await s.Service.CheckRunAsync("acme", "nightly", 30.5m, CancellationToken.None);
        Assert.Equal((RunGateOutcome.Locked, "acme_llm"), (over.Outcome, over.Budget));
        Assert.Equal("Starting this run (estimated $30.50) would take budget 'acme_llm' to $100.50 of $100.00 (100.5%).", over.Detail);
    }

    [Fact]
    public async Task A_global_budget_locks_a_tenants_run_without_showing_its_spend()
    {
        var s = Create();
        s.Jobs.Add("acme", "nightly");
        Cost(s, MonthStart.AddDays(1), 95m, tenant: "globex");
        s.Budgets.Budgets.Add(new Budget { Name = "deployment", AmountUsd = 100m, Thresholds = [Stop], AllBatchJobs = true });

        var gate = await s.Service.CheckRunAsync("acme", "nightly", 10m, CancellationToken.None);

        Assert.Equal((RunGateOutcome.Locked, "deployment"), (gate.Outcome, gate.Budget));
        Assert.Equal("Starting this run (estimated $10.00) would take the deployment-wide budget 'deployment' past its limit.", gate.Detail);
    }

    [Fact]
    public async Task Budgets_that_do_not_enforce_or_cover_the_job_and_runs_without_an_estimate_do_not_lock()
    {
        var s = Create();
        s.Jobs.Add("acme", "nightly");
        Cost(s, MonthStart.AddDays(1), 500m);
        s.Budgets.Budgets.Add(new Budget { TenantId = "acme", Name = "watch_only", AmountUsd = 100m, Thresholds = Budget.RunbookThresholds.Take(3).ToList(), AllBatchJobs = true });
        s.Budgets.Budgets.Add(new Budget { TenantId = "acme", Name = "other_jobs", AmountUsd = 100m, Thresholds = [Stop], BatchJobs = ["weekly"] });
        s.Budgets.Budgets.Add(new Budget { TenantId = "globex", Name = "theirs", AmountUsd = 1m, Thresholds = [Stop], AllBatchJobs = true });

        Assert.Equal(RunGateOutcome.Allowed, (await s.Service.CheckRunAsync("acme", "nightly", 50m, CancellationToken.None)).Outcome);

        s.Budgets.Budgets.Add(new Budget { TenantId = "acme", Name = "all_jobs", AmountUsd = 100m, Thresholds = [Stop], AllBatchJobs = true });
        Assert.Equal(RunGateOutcome.Allowed, (await s.Service.CheckRunAsync("acme", "nightly", null, CancellationToken.None)).Outcome);
        Assert.Equal(RunGateOutcome.Allowed, (await s.Service.CheckRunAsync("acme", "nightly", 0m, CancellationToken.None)).Outcome);
        Assert.Equal(RunGateOutcome.Locked, (await s.Service.CheckRunAsync("acme", "nightly", 0.01m, CancellationToken.None)).Outcome);
    }

    [Theory]
    [InlineData(50, 200, 25)]
    [InlineData(1, 3, 33.33)]
    [InlineData(2, 3, 66.67)]
    [InlineData(5, 0, 0)]
    [InlineData(5, -1, 0)]
    public void Percent_of_the_amount_to_two_places(int spent, int amount, double percent) =>
        Assert.Equal(percent, BudgetService.Percent(spent, amount));
}
