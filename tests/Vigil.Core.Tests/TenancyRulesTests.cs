using Vigil.Core.Alerts;
using Vigil.Core.Budgets;
using Vigil.Core.Metrics;

namespace Vigil.Core.Tests;

/// <summary>The scope rules that do not need a database: which jobs a budget covers, what a run cost, which target and tenant apply.</summary>
public class TenancyRulesTests
{
    private static BatchJob Job(string? tenant, string name) => new(1, tenant, name, "", true, null, null, null, default, default);

    private static Budget Budget(string? tenant, bool all, params string[] jobs) => new()
    {
        TenantId = tenant,
        Name = "b",
        AmountUsd = 10,
        Thresholds = Budgets.Budget.RunbookThresholds,
        AllBatchJobs = all,
        BatchJobs = jobs,
    };

    [Fact]
    public void A_budget_covers_the_jobs_it_names_in_its_own_scope_and_all_of_its_scope_only_when_it_says_all()
    {
        Assert.True(Budget(null, false, "nightly").Covers(Job(null, "nightly")));
        Assert.False(Budget(null, false, "nightly").Covers(Job("acme", "nightly")));
        Assert.True(Budget(null, true).Covers(Job("acme", "anything")));
        Assert.False(Budget(null, false).Covers(Job(null, "nightly")));
        Assert.True(Budget(null, false).DisablesNothing);
        Assert.True(Budget("acme", true).Covers(Job("acme", "x")));
        Assert.False(Budget("acme", true).Covers(Job("globex", "x")));
        Assert.False(Budget("acme", true).Covers(Job(null, "x")));
        Assert.False(Budget("acme", false, "nightly").Covers(Job("globex", "nightly")));
    }

    [Fact]
    public void A_tenants_budget_counts_only_its_tenants_events_and_runs()
    {
        var budget = Budget("acme", true);
        Assert.Equal(["acme"], budget.EventFilter().Get(Dimension.TenantId)!);
        var run = new BatchRun("r", "acme", "nightly", default, null, null, default, 1, 0, 2m);
        Assert.True(budget.CountsRunCost(run));
        Assert.False(budget.CountsRunCost(run with { TenantId = "globex" }));
        Assert.True(Budget(null, true).CountsRunCost(run with { TenantId = "globex" }));
    }

    [Theory]
    [InlineData(0.09, 0.0, 0.09)]
    [InlineData(2.0, 5.0, 5.0)]
    [InlineData(3.0, 1.0, 3.0)]
    [InlineData(1.0, null, 1.0)]
    public void A_runs_cost_is_its_events_plus_what_it_reported_beyond_them(double attributed, double? reported, double total) =>
        Assert.Equal((decimal)total, BatchRunCost.Total((decimal)attributed, (decimal?)reported));

    [Fact]
    public void A_tenants_own_sla_target_wins_over_the_global_default_and_handoff_targets_measure_handoffs()
    {
        var global = new SlaTarget(null, "lead_bot", "process", 1, 2, 3, ["bot_interaction"], default);
        var own = global with { TenantId = "acme", P95Ms = 9 };
        var targets = new Dictionary<(string?, string, string), SlaTarget> { [(null, "lead_bot", "process")] = global, [("acme", "lead_bot", "process")] = own };
        Assert.Same(own, SlaTarget.Resolve(targets, "acme", "lead_bot", "process"));
        Assert.Same(global, SlaTarget.Resolve(targets, "globex", "lead_bot", "process"));
        Assert.Same(global, SlaTarget.Resolve(targets, null, "lead_bot", "process"));
        Assert.Equal(["handoff"], SlaTarget.DefaultEventTypes("buyer_bot", "handoff"));
        Assert.Equal(["handoff"], SlaTarget.DefaultEventTypes("handoff", "execute"));
        Assert.Equal(["bot_interaction"], SlaTarget.DefaultEventTypes("buyer_bot", "process"));
    }

    [Fact]
    public void An_alert_belongs_to_its_rules_tenant_or_to_the_one_tenant_its_group_or_filter_names()
    {
        var rule = new AlertRule { Name = "r", Metric = AlertMetric.ErrorRate, Window = TimeSpan.FromMinutes(5), Comparator = Comparator.GreaterThan, Threshold = 1, Severity = Severity.Info };
        Assert.Equal("acme", (rule with { TenantId = "acme" }).TenantOf(new Dictionary<string, string> { ["bot"] = "b" }));
        Assert.Equal("globex", rule.TenantOf(new Dictionary<string, string> { ["tenant_id"] = "globex" }));
        Assert.Equal("acme", (rule with { Filters = new MetricFilter().With(Dimension.TenantId, "acme") }).TenantOf(new Dictionary<string, string>()));
        Assert.Null(rule.TenantOf(new Dictionary<string, string> { ["bot"] = "b" }));
        Assert.Equal(["acme"], (rule with { TenantId = "acme" }).EffectiveFilters().Get(Dimension.TenantId)!);
    }

    [Fact]
    public void A_scope_includes_one_tenant_the_global_scope_or_both_or_everything()
    {
        Assert.True(TenantScope.All.Includes("acme") && TenantScope.All.Includes(null));
        Assert.True(TenantScope.Of("acme").Includes("acme"));
        Assert.False(TenantScope.Of("acme").Includes(null) || TenantScope.Of("acme").Includes("globex"));
        Assert.True(TenantScope.OfWithGlobal("acme").Includes(null));
        Assert.False(TenantScope.Global.Includes("acme"));
    }
}
