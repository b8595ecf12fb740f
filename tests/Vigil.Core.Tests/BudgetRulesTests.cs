using Vigil.Core.Budgets;
using Vigil.Core.Metrics;

namespace Vigil.Core.Tests;

/// <summary>What a budget counts, which jobs it stops, and how a batch run's cost and bounds are read.</summary>
public class BudgetRulesTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 11, 0, 0, 0, TimeSpan.Zero);

    private static Budget Global(params string[] jobs) => new() { Name = "llm", AmountUsd = 100m, Thresholds = Budget.RunbookThresholds, BatchJobs = jobs };

    private static BatchJob Job(string name, string? tenant = null, string? disabledBy = null) => new(1, tenant, name, "", true, null, disabledBy, null, T, T);

    private static BatchRun Run(string job = "nightly", string? tenant = null, long? ok = null, long? failed = null, decimal? reported = null, DateTimeOffset? completed = null) =>
        new("r1", tenant, job, T, null, null, completed, ok, failed, reported);

    [Theory]
    [InlineData("page", true)]
    [InlineData("disable_batch_jobs", true)]
    [InlineData("notify:slack", true)]
    [InlineData("notify:teams", true)]
    [InlineData("notify:carrier-pigeon", false)]
    [InlineData("notify:", false)]
    [InlineData("Page", false)]
    [InlineData(null, false)]
    public void Budget_actions_are_page_disable_or_notify_a_known_channel(string? text, bool valid)
    {
        Assert.Equal(valid, BudgetAction.TryParse(text, out var action, out var error));
        Assert.Equal(valid, error.Length == 0);
        if (!valid) Assert.Equal($"unknown action '{text}'; use notify:<email|slack|webhook|pagerduty|opsgenie|teams>, page or disable_batch_jobs.", error);
        if (valid) Assert.Equal(text, action.Text);
    }

    [Fact]
    public void An_action_knows_what_it_does()
    {
        Assert.Equal("slack", new BudgetAction("notify:slack").NotifyChannel);
        Assert.Null(new BudgetAction("page").NotifyChannel);
        Assert.True(new BudgetAction("page").Pages);
        Assert.False(new BudgetAction("notify:pagerduty").Pages);
        Assert.True(new BudgetAction("disable_batch_jobs").DisablesBatchJobs);
        Assert.False(new BudgetAction("page").DisablesBatchJobs);
    }

    [Fact]
    public void A_thresholds_key_says_forecast_and_the_percentage()
    {
        Assert.Equal("75", new BudgetThreshold(75, false, []).Key);
        Assert.Equal("forecast:87.5", new BudgetThreshold(87.5, true, []).Key);
    }

    [Fact]
    public void A_global_budget_stops_the_global_jobs_it_names_or_with_all_every_job()
    {
        var budget = Global("nightly");
        Assert.True(budget.Covers(Job("nightly")));
        Assert.False(budget.Covers(Job("weekly")));
        Assert.False(budget.Covers(Job("nightly", "acme")));
        var all = budget with { AllBatchJobs = true };
        Assert.True(all.Covers(Job("weekly", "acme")));
    }

    [Fact]
    public void A_tenants_budget_stops_only_that_tenants_jobs()
    {
        var budget = Global("nightly") with { TenantId = "acme" };
        Assert.True(budget.Covers(Job("nightly", "acme")));
        Assert.False(budget.Covers(Job("nightly")));
        Assert.False(budget.Covers(Job("nightly", "globex")));
        Assert.False(budget.Covers(Job("weekly", "acme")));
        Assert.True((budget with { AllBatchJobs = true }).Covers(Job("weekly", "acme")));
        Assert.False((budget with { AllBatchJobs = true }).Covers(Job("weekly", "globex")));
    }

    [Fact]
    public void A_budget_that_disables_but_names_no_job_is_flagged()
    {
        Assert.True(Global().Enforces);
        Assert.True(Global().DisablesNothing);
        Assert.False(Global("nightly").DisablesNothing);
        Assert.False((Global() with { AllBatchJobs = true }).DisablesNothing);
        var notifyOnly = Global() with { Thresholds = [new(50, false, [new BudgetAction("notify:email")])] };
        Assert.False(notifyOnly.Enforces);
        Assert.False(notifyOnly.DisablesNothing);
    }

    [Fact]
    public void A_tenants_budget_counts_only_that_tenants_events()
    {
        var filter = (Global() with { TenantId = "acme", Filters = new MetricFilter().With(Dimension.Bot, "lead_bot") }).EventFilter();
        Assert.Equal(["acme"], filter.Get(Dimension.TenantId)!);
        Assert.Equal(["lead_bot"], filter.Get(Dimension.Bot)!);
        Assert.Null(Global().EventFilter().Get(Dimension.TenantId));
    }

    [Fact]
    public void A_runs_reported_cost_counts_where_the_budgets_filters_can_apply_to_a_run()
    {
        Assert.True(Global().CountsRunCost(Run()));
        Assert.True(Global().CountsRunCost(Run(tenant: "acme")));
        var acme = Global() with { TenantId = "acme" };
        Assert.True(acme.CountsRunCost(Run(tenant: "acme")));
        Assert.False(acme.CountsRunCost(Run(tenant: "globex")));
        Assert.False(acme.CountsRunCost(Run()));
        Assert.False((Global() with { Filters = new MetricFilter().With(Dimension.Bot, "b") }).CountsRunCost(Run()));
        Assert.False((Global() with { Filters = new MetricFilter().With(Dimension.Model, "m") }).CountsRunCost(Run()));
        var tenants = Global() with { Filters = new MetricFilter().With(Dimension.TenantId, "acme") };
        Assert.True(tenants.CountsRunCost(Run(tenant: "acme")));
        Assert.False(tenants.CountsRunCost(Run(tenant: "globex")));
        Assert.False(tenants.CountsRunCost(Run()));
        var jobs = Global() with { Filters = new MetricFilter().With(Dimension.BatchJob, "nightly") };
        Assert.True(jobs.CountsRunCost(Run("nightly")));
        Assert.False(jobs.CountsRunCost(Run("weekly")));
    }

    [Fact]
    public void A_month_runs_from_its_first_midnight_utc_and_the_forecast_extends_the_spend_to_its_end()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), BudgetPeriods.Start(new DateTimeOffset(2026, 11, 30, 23, 59, 0, TimeSpan.Zero)));
        // 00:30 on 1 December in Berlin is still November in UTC.
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), BudgetPeriods.Start(new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.FromHours(1))));
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), BudgetPeriods.End(new DateTimeOffset(2026, 12, 15, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(30m, BudgetPeriods.Forecast(10m, T));
        // Ten minutes into the month counts as an hour: $1 then is $720 by the end, not $4,320.
        Assert.Equal(720m, BudgetPeriods.Forecast(1m, new DateTimeOffset(2026, 11, 1, 0, 10, 0, TimeSpan.Zero)));
        Assert.Equal(720m, BudgetPeriods.Forecast(1m, new DateTimeOffset(2026, 11, 1, 1, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void The_percentage_spent_is_rounded_to_two_places_and_zero_without_an_amount()
    {
        Assert.Equal(33.33, BudgetService.Percent(1m, 3m));
        Assert.Equal(0, BudgetService.Percent(5m, 0m));
        Assert.Equal(150, BudgetService.Percent(150m, 100m));
    }

    [Fact]
    public void A_runs_cost_is_its_events_plus_what_it_reported_beyond_them_never_less()
    {
        Assert.Equal(3m, BatchRunCost.Unattributed(7m, 10m));
        Assert.Equal(0m, BatchRunCost.Unattributed(12m, 10m));
        Assert.Equal(0m, BatchRunCost.Unattributed(5m, null));
        Assert.Equal(10m, BatchRunCost.Total(7m, 10m));
        Assert.Equal(12m, BatchRunCost.Total(12m, 10m));
        Assert.Equal(10m, (Run(reported: 10m) with { AttributedCostUsd = 7m }).CostUsd);
    }

    [Fact]
    public void A_run_is_flagged_for_each_runbook_bound_it_breaks()
    {
        var completed = T.AddHours(1);
        Assert.Empty(Run(ok: 95, failed: 5, reported: 40m, completed: completed).Flags(T));
        Assert.Equal(["success_rate_below_95_percent"], Run(ok: 94, failed: 6, completed: completed).Flags(T));
        Assert.Equal(["cost_per_item_above_0.40_usd"], Run(ok: 100, failed: 0, reported: 40.01m, completed: completed).Flags(T));
        Assert.Equal(["duration_above_4_hours"], Run().Flags(T.AddHours(4).AddSeconds(1)));
        Assert.Empty(Run().Flags(T.AddHours(4)));
        var run = Run(ok: 3, failed: 1, reported: 2m, completed: completed);
        Assert.Equal((4L, 0.75, 0.5m, true, TimeSpan.FromHours(1)), (run.Items!.Value, run.SuccessRate!.Value, run.CostPerItem!.Value, run.Completed, run.Duration(T.AddDays(1))));
        Assert.Null(Run(ok: 0, failed: 0).SuccessRate);
        Assert.Null(Run().CostPerItem);
        Assert.False(Run().Completed);
    }

    [Fact]
    public void A_job_knows_the_budget_that_stopped_it_and_is_named_by_scope()
    {
        Assert.Equal("llm", Job("nightly", disabledBy: "budget:llm").DisablingBudget);
        Assert.Null(Job("nightly", disabledBy: "ops").DisablingBudget);
        Assert.Null(Job("nightly").DisablingBudget);
        Assert.Equal("nightly", Job("nightly", "acme").NameFrom("acme"));
        Assert.Equal("acme/nightly", Job("nightly", "acme").NameFrom(null));
        Assert.Equal("global/nightly", Job("nightly").NameFrom("acme"));
        Assert.True(BatchJobSelection.None.IsEmpty);
        Assert.False(BatchJobSelection.Of(Global() with { AllBatchJobs = true }).IsEmpty);
        Assert.Equal(["nightly"], BatchJobSelection.Of(Global("nightly")).Names);
    }
}
