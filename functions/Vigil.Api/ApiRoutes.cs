using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Vigil.Api;

/// <summary>One route of the contract and the Azure Functions function that serves it.</summary>
public sealed record ApiRoute(string Method, string Template, string FunctionName);

/// <summary>
/// The contract's routes. The local host maps them here; the Functions app declares one function per
/// route with the same template (a test checks the two agree).
/// </summary>
public static class ApiRoutes
{
    public static readonly IReadOnlyList<ApiRoute> All =
    [
        new("POST", "/api/events", "PostEvents"),
        new("GET", "/api/health", "GetHealth"),
        new("GET", "/api/health/detailed", "GetHealthDetailed"),
        new("POST", "/api/keys", "CreateKey"),
        new("GET", "/api/keys", "ListKeys"),
        new("DELETE", "/api/keys/{id}", "RevokeKey"),
        new("GET", "/api/metrics/latency", "GetLatency"),
        new("GET", "/api/metrics/summary", "GetSummary"),
        new("GET", "/api/metrics/cost", "GetCost"),
        new("GET", "/api/sla", "GetSla"),
        new("GET", "/api/sla-targets", "ListSlaTargets"),
        new("PUT", "/api/sla-targets/{bot}/{operation}", "PutSlaTarget"),
        new("DELETE", "/api/sla-targets/{bot}/{operation}", "DeleteSlaTarget"),
        new("GET", "/api/alert-rules", "ListAlertRules"),
        new("GET", "/api/alert-rules/{name}", "GetAlertRule"),
        new("PUT", "/api/alert-rules/{name}", "PutAlertRule"),
        new("DELETE", "/api/alert-rules/{name}", "DeleteAlertRule"),
        new("POST", "/api/alert-rules/{name}/enable", "EnableAlertRule"),
        new("POST", "/api/alert-rules/{name}/disable", "DisableAlertRule"),
        new("GET", "/api/alerts", "ListAlerts"),
        new("GET", "/api/alerts/{id}", "GetAlert"),
        new("POST", "/api/alerts/{id}/ack", "AcknowledgeAlert"),
        new("PUT", "/api/budgets/{name}", "PutBudget"),
        new("GET", "/api/budgets", "ListBudgets"),
        new("GET", "/api/budgets/{name}", "GetBudget"),
        new("DELETE", "/api/budgets/{name}", "DeleteBudget"),
        new("PUT", "/api/batch-jobs/{name}", "PutBatchJob"),
        new("GET", "/api/batch-jobs", "ListBatchJobs"),
        new("GET", "/api/batch-jobs/{name}", "GetBatchJob"),
        new("POST", "/api/batch-jobs/{name}/runs", "StartBatchRun"),
        new("POST", "/api/batch-jobs/{name}/runs/{run_id}/complete", "CompleteBatchRun"),
        new("GET", "/api/batch-jobs/{name}/runs", "ListBatchRuns"),
        new("POST", "/api/batch-jobs/{name}/enable", "EnableBatchJob"),
        new("POST", "/api/batch-jobs/{name}/disable", "DisableBatchJob"),
    ];

    /// <summary>Maps every contract route to its shared handler (local host).</summary>
    public static IEndpointRouteBuilder MapVigilApi(this IEndpointRouteBuilder app)
    {
        Map(app, "PostEvents", (HttpContext c, EventsApi api) => api.PostAsync(c));
        Map(app, "GetHealth", (HttpContext c, HealthApi api) => api.GetAsync(c));
        Map(app, "GetHealthDetailed", (HttpContext c, HealthApi api) => api.GetDetailedAsync(c));
        Map(app, "CreateKey", (HttpContext c, KeysApi api) => api.CreateAsync(c));
        Map(app, "ListKeys", (HttpContext c, KeysApi api) => api.ListAsync(c));
        Map(app, "RevokeKey", (HttpContext c, string id, KeysApi api) => api.RevokeAsync(c, id));
        Map(app, "GetLatency", (HttpContext c, MetricsApi api) => api.LatencyAsync(c));
        Map(app, "GetSummary", (HttpContext c, MetricsApi api) => api.SummaryAsync(c));
        Map(app, "GetCost", (HttpContext c, MetricsApi api) => api.CostAsync(c));
        Map(app, "GetSla", (HttpContext c, MetricsApi api) => api.SlaAsync(c));
        Map(app, "ListSlaTargets", (HttpContext c, MetricsApi api) => api.ListSlaTargetsAsync(c));
        Map(app, "PutSlaTarget", (HttpContext c, string bot, string operation, MetricsApi api) => api.PutSlaTargetAsync(c, bot, operation));
        Map(app, "DeleteSlaTarget", (HttpContext c, string bot, string operation, MetricsApi api) => api.DeleteSlaTargetAsync(c, bot, operation));
        Map(app, "ListAlertRules", (HttpContext c, AlertsApi api) => api.ListRulesAsync(c));
        Map(app, "GetAlertRule", (HttpContext c, string name, AlertsApi api) => api.GetRuleAsync(c, name));
        Map(app, "PutAlertRule", (HttpContext c, string name, AlertsApi api) => api.PutRuleAsync(c, name));
        Map(app, "DeleteAlertRule", (HttpContext c, string name, AlertsApi api) => api.DeleteRuleAsync(c, name));
        Map(app, "EnableAlertRule", (HttpContext c, string name, AlertsApi api) => api.EnableRuleAsync(c, name));
        Map(app, "DisableAlertRule", (HttpContext c, string name, AlertsApi api) => api.DisableRuleAsync(c, name));
        Map(app, "ListAlerts", (HttpContext c, AlertsApi api) => api.ListAlertsAsync(c));
        Map(app, "GetAlert", (HttpContext c, string id, AlertsApi api) => api.GetAlertAsync(c, id));
        Map(app, "AcknowledgeAlert", (HttpContext c, string id, AlertsApi api) => api.AcknowledgeAsync(c, id));
        Map(app, "PutBudget", (HttpContext c, string name, BudgetsApi api) => api.PutBudgetAsync(c, name));
        Map(app, "ListBudgets", (HttpContext c, BudgetsApi api) => api.ListBudgetsAsync(c));
        Map(app, "GetBudget", (HttpContext c, string name, BudgetsApi api) => api.GetBudgetAsync(c, name));
        Map(app, "DeleteBudget", (HttpContext c, string name, BudgetsApi api) => api.DeleteBudgetAsync(c, name));
        Map(app, "PutBatchJob", (HttpContext c, string name, BudgetsApi api) => api.PutJobAsync(c, name));
        Map(app, "ListBatchJobs", (HttpContext c, BudgetsApi api) => api.ListJobsAsync(c));
        Map(app, "GetBatchJob", (HttpContext c, string name, BudgetsApi api) => api.GetJobAsync(c, name));
        Map(app, "StartBatchRun", (HttpContext c, string name, BudgetsApi api) => api.StartRunAsync(c, name));
        Map(app, "CompleteBatchRun", (HttpContext c, string name, string run_id, BudgetsApi api) => api.CompleteRunAsync(c, name, run_id));
        Map(app, "ListBatchRuns", (HttpContext c, string name, BudgetsApi api) => api.ListRunsAsync(c, name));
        Map(app, "EnableBatchJob", (HttpContext c, string name, BudgetsApi api) => api.EnableJobAsync(c, name));
        Map(app, "DisableBatchJob", (HttpContext c, string name, BudgetsApi api) => api.DisableJobAsync(c, name));
        return app;
    }

    private static void Map(IEndpointRouteBuilder app, string functionName, Delegate handler)
    {
        var route = All.Single(r => r.FunctionName == functionName);
        app.MapMethods(route.Template, [route.Method], handler).WithName(functionName);
    }
}
