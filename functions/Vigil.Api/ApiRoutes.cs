using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Vigil.Api;

/// <summary>
/// One route of the contract: its method and template, the Azure Functions function that serves it,
/// and the shared handler both hosts call (a minimal-API delegate: route values, services and the
/// HttpContext bind by parameter).
/// </summary>
public sealed record ApiRoute(string Method, string Template, string FunctionName, Delegate Handler)
{
    /// <summary>Also answer HEAD (the GET handler runs; the server sends the status and headers only).</summary>
    public bool AnswersHead { get; init; }

    /// <summary>The methods both hosts map this route to.</summary>
    public IReadOnlyList<string> Methods => AnswersHead ? [Method, "HEAD"] : [Method];
}

/// <summary>
/// The contract's routes, declared once. The local host maps them from here; the Functions app
/// declares one attributed function per route, and its tests check the functions.metadata the
/// worker SDK generates against this table.
/// </summary>
public static class ApiRoutes
{
    public static readonly IReadOnlyList<ApiRoute> All =
    [
        new("POST", "/api/events", "PostEvents",
            (HttpContext c, EventsApi api) => api.PostAsync(c)),
        // Load balancers probe with HEAD.
        new("GET", "/api/health", "GetHealth",
            (HttpContext c, HealthApi api) => api.GetAsync(c)) { AnswersHead = true },
        new("GET", "/api/health/detailed", "GetHealthDetailed",
            (HttpContext c, HealthApi api) => api.GetDetailedAsync(c)),
        new("POST", "/api/keys", "CreateKey",
            (HttpContext c, KeysApi api) => api.CreateAsync(c)),
        new("GET", "/api/keys", "ListKeys",
            (HttpContext c, KeysApi api) => api.ListAsync(c)),
        new("DELETE", "/api/keys/{id}", "RevokeKey",
            (HttpContext c, string id, KeysApi api) => api.RevokeAsync(c, id)),
        new("GET", "/api/metrics/latency", "GetLatency",
            (HttpContext c, MetricsApi api) => api.LatencyAsync(c)),
        new("GET", "/api/metrics/summary", "GetSummary",
            (HttpContext c, MetricsApi api) => api.SummaryAsync(c)),
        new("GET", "/api/metrics/cost", "GetCost",
            (HttpContext c, MetricsApi api) => api.CostAsync(c)),
        new("GET", "/api/sla", "GetSla",
            (HttpContext c, MetricsApi api) => api.SlaAsync(c)),
        new("GET", "/api/sla-targets", "ListSlaTargets",
            (HttpContext c, MetricsApi api) => api.ListSlaTargetsAsync(c)),
        new("PUT", "/api/sla-targets/{bot}/{operation}", "PutSlaTarget",
            (HttpContext c, string bot, string operation, MetricsApi api) => api.PutSlaTargetAsync(c, bot, operation)),
        new("DELETE", "/api/sla-targets/{bot}/{operation}", "DeleteSlaTarget",
            (HttpContext c, string bot, string operation, MetricsApi api) => api.DeleteSlaTargetAsync(c, bot, operation)),
        new("GET", "/api/alert-rules", "ListAlertRules",
            (HttpContext c, AlertsApi api) => api.ListRulesAsync(c)),
        new("GET", "/api/alert-rules/{name}", "GetAlertRule",
            (HttpContext c, string name, AlertsApi api) => api.GetRuleAsync(c, name)),
        new("PUT", "/api/alert-rules/{name}", "PutAlertRule",
            (HttpContext c, string name, AlertsApi api) => api.PutRuleAsync(c, name)),
        new("DELETE", "/api/alert-rules/{name}", "DeleteAlertRule",
            (HttpContext c, string name, AlertsApi api) => api.DeleteRuleAsync(c, name)),
        new("POST", "/api/alert-rules/{name}/enable", "EnableAlertRule",
            (HttpContext c, string name, AlertsApi api) => api.EnableRuleAsync(c, name)),
        new("POST", "/api/alert-rules/{name}/disable", "DisableAlertRule",
            (HttpContext c, string name, AlertsApi api) => api.DisableRuleAsync(c, name)),
        new("GET", "/api/alerts", "ListAlerts",
            (HttpContext c, AlertsApi api) => api.ListAlertsAsync(c)),
        new("GET", "/api/alerts/{id}", "GetAlert",
            (HttpContext c, string id, AlertsApi api) => api.GetAlertAsync(c, id)),
        new("POST", "/api/alerts/{id}/ack", "AcknowledgeAlert",
            (HttpContext c, string id, AlertsApi api) => api.AcknowledgeAsync(c, id)),
        new("PUT", "/api/budgets/{name}", "PutBudget",
            (HttpContext c, string name, BudgetsApi api) => api.PutBudgetAsync(c, name)),
        new("GET", "/api/budgets", "ListBudgets",
            (HttpContext c, BudgetsApi api) => api.ListBudgetsAsync(c)),
        new("GET", "/api/budgets/{name}", "GetBudget",
            (HttpContext c, string name, BudgetsApi api) => api.GetBudgetAsync(c, name)),
        new("DELETE", "/api/budgets/{name}", "DeleteBudget",
            (HttpContext c, string name, BudgetsApi api) => api.DeleteBudgetAsync(c, name)),
        new("PUT", "/api/batch-jobs/{name}", "PutBatchJob",
            (HttpContext c, string name, BatchJobsApi api) => api.PutJobAsync(c, name)),
        new("GET", "/api/batch-jobs", "ListBatchJobs",
            (HttpContext c, BatchJobsApi api) => api.ListJobsAsync(c)),
        new("GET", "/api/batch-jobs/{name}", "GetBatchJob",
            (HttpContext c, string name, BatchJobsApi api) => api.GetJobAsync(c, name)),
        new("POST", "/api/batch-jobs/{name}/runs", "StartBatchRun",
            (HttpContext c, string name, BatchJobsApi api) => api.StartRunAsync(c, name)),
        new("POST", "/api/batch-jobs/{name}/runs/{run_id}/complete", "CompleteBatchRun",
            (HttpContext c, string name, string run_id, BatchJobsApi api) => api.CompleteRunAsync(c, name, run_id)),
        new("GET", "/api/batch-jobs/{name}/runs", "ListBatchRuns",
            (HttpContext c, string name, BatchJobsApi api) => api.ListRunsAsync(c, name)),
        new("POST", "/api/batch-jobs/{name}/enable", "EnableBatchJob",
            (HttpContext c, string name, BatchJobsApi api) => api.EnableJobAsync(c, name)),
        new("POST", "/api/batch-jobs/{name}/disable", "DisableBatchJob",
            (HttpContext c, string name, BatchJobsApi api) => api.DisableJobAsync(c, name)),
        new("GET", "/api/events", "ListEvents",
            (HttpContext c, EventsQueryApi api) => api.ListAsync(c)),
        new("GET", "/api/conversations", "ListConversations",
            (HttpContext c, ConversationsApi api) => api.ListAsync(c)),
        new("GET", "/api/conversations/{conversation_id}", "GetConversation",
            (HttpContext c, string conversation_id, ConversationsApi api) => api.GetAsync(c, conversation_id)),
        new("POST", "/api/otlp/v1/traces", "PostOtlpTraces",
            (HttpContext c, OtlpApi api) => api.PostTracesAsync(c)),
        new("GET", "/api/metrics/prometheus", "GetPrometheusMetrics",
            (HttpContext c, PrometheusApi api) => api.ScrapeAsync(c)),
        new("POST", "/api/alerts/{id}/resolve", "ResolveAlert",
            (HttpContext c, string id, AlertsApi api) => api.ResolveAsync(c, id)),
        new("GET", "/api/escalation-policies", "ListEscalationPolicies",
            (HttpContext c, EscalationPoliciesApi api) => api.ListAsync(c)),
        new("GET", "/api/escalation-policies/{name}", "GetEscalationPolicy",
            (HttpContext c, string name, EscalationPoliciesApi api) => api.GetAsync(c, name)),
        new("PUT", "/api/escalation-policies/{name}", "PutEscalationPolicy",
            (HttpContext c, string name, EscalationPoliciesApi api) => api.PutAsync(c, name)),
        new("DELETE", "/api/escalation-policies/{name}", "DeleteEscalationPolicy",
            (HttpContext c, string name, EscalationPoliciesApi api) => api.DeleteAsync(c, name)),
        new("GET", "/api/people", "ListPeople",
            (HttpContext c, PeopleApi api) => api.ListAsync(c)),
        new("GET", "/api/people/{id}", "GetPerson",
            (HttpContext c, string id, PeopleApi api) => api.GetAsync(c, id)),
        new("PUT", "/api/people/{id}", "PutPerson",
            (HttpContext c, string id, PeopleApi api) => api.PutAsync(c, id)),
        new("DELETE", "/api/people/{id}", "DeletePerson",
            (HttpContext c, string id, PeopleApi api) => api.DeleteAsync(c, id)),
        new("GET", "/api/schedules", "ListSchedules",
            (HttpContext c, SchedulesApi api) => api.ListAsync(c)),
        new("GET", "/api/schedules/{name}", "GetSchedule",
            (HttpContext c, string name, SchedulesApi api) => api.GetAsync(c, name)),
        new("PUT", "/api/schedules/{name}", "PutSchedule",
            (HttpContext c, string name, SchedulesApi api) => api.PutAsync(c, name)),
        new("DELETE", "/api/schedules/{name}", "DeleteSchedule",
            (HttpContext c, string name, SchedulesApi api) => api.DeleteAsync(c, name)),
        new("GET", "/api/schedules/{name}/on-call", "GetOnCall",
            (HttpContext c, string name, SchedulesApi api) => api.OnCallAsync(c, name)),
        new("POST", "/api/silences", "CreateSilence",
            (HttpContext c, SilencesApi api) => api.CreateAsync(c)),
        new("GET", "/api/silences", "ListSilences",
            (HttpContext c, SilencesApi api) => api.ListAsync(c)),
        new("GET", "/api/silences/{id}", "GetSilence",
            (HttpContext c, string id, SilencesApi api) => api.GetAsync(c, id)),
        new("DELETE", "/api/silences/{id}", "DeleteSilence",
            (HttpContext c, string id, SilencesApi api) => api.DeleteAsync(c, id)),
        // No API key: the token in the path is the credential. GET shows, only POST acknowledges.
        new("GET", "/api/ack/{token}", "ShowAckLink",
            (HttpContext c, string token, AckLinkApi api) => api.ShowAsync(c, token)),
        new("POST", "/api/ack/{token}", "AcknowledgeByLink",
            (HttpContext c, string token, AckLinkApi api) => api.AcknowledgeAsync(c, token)),
        new("GET", "/api/metrics/timeseries", "GetTimeSeries",
            (HttpContext c, MetricsApi api) => api.TimeSeriesAsync(c)),
        // Cost intelligence and batch monitoring (docs/cost-and-batch.md).
        new("GET", "/api/reports/efficiency", "GetEfficiencyReport",
            (HttpContext c, EfficiencyApi api) => api.RankAsync(c)),
        new("POST", "/api/batch-jobs/{name}/runs/{run_id}/progress", "RecordBatchRunProgress",
            (HttpContext c, string name, string run_id, BatchJobsApi api) => api.RecordProgressAsync(c, name, run_id)),
        // The web console (anonymous static files; the page asks for a key) and the key's session facts.
        new("GET", "/api/console", "GetConsole",
            (HttpContext c, ConsoleApi api) => api.IndexAsync(c)),
        new("GET", "/api/console/session", "GetConsoleSession",
            (HttpContext c, ConsoleApi api) => api.SessionAsync(c)),
        new("GET", "/api/console/{path}", "GetConsoleAsset",
            (HttpContext c, string path, ConsoleApi api) => api.AssetAsync(c, path)),
        new("PUT", "/api/alerts/{id}/postmortem", "PutAlertPostmortem",
            (HttpContext c, string id, IncidentsApi api) => api.PutPostmortemAsync(c, id)),
        new("GET", "/api/reports/incidents", "GetIncidentReport",
            (HttpContext c, IncidentsApi api) => api.ReportAsync(c)),
        new("GET", "/api/reports/review", "GetReviewReport",
            (HttpContext c, ReviewApi api) => api.GetAsync(c)),
    ];

    /// <summary>Maps every contract route to its shared handler (local host).</summary>
    public static IEndpointRouteBuilder MapVigilApi(this IEndpointRouteBuilder app)
    {
        foreach (var route in All) app.MapMethods(route.Template, route.Methods, route.Handler).WithName(route.FunctionName);
        return app;
    }
}
