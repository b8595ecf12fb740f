using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Vigil.Api;

namespace Vigil.Functions;

/// <summary>
/// One HTTP function per route of the contract (docs/openapi.yaml), each calling the same handler as
/// the local host, so both hosts answer alike. Functions are anonymous to the Functions host: the API
/// keys of the contract (Authorization: Bearer) are checked by the handlers, in both hosts, which a
/// function key could not do (roles, tenants, revocation). The "api" prefix comes from host.json.
/// </summary>
public sealed class HttpFunctions(EventsApi events, HealthApi health, KeysApi keys, MetricsApi metrics, AlertsApi alerts, BudgetsApi budgets,
    BatchJobsApi batchJobs, EventsQueryApi eventQueries, OtlpApi otlp, PrometheusApi prometheus, ConsoleApi console,
    ConversationsApi conversations, IncidentsApi incidents, EfficiencyApi efficiency,
    ReviewApi review)
{

    [Function("PostEvents")]
    public Task<IResult> PostEvents([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "events")] HttpRequest req) =>
        events.PostAsync(req.HttpContext);

    [Function("GetHealth")]
    public Task<IResult> GetHealth([HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "health")] HttpRequest req) =>
        health.GetAsync(req.HttpContext);

    [Function("GetHealthDetailed")]
    public Task<IResult> GetHealthDetailed([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/detailed")] HttpRequest req) =>
        health.GetDetailedAsync(req.HttpContext);

    [Function("CreateKey")]
    public Task<IResult> CreateKey([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys")] HttpRequest req) =>
        keys.CreateAsync(req.HttpContext);

    [Function("ListKeys")]
    public Task<IResult> ListKeys([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "keys")] HttpRequest req) =>
        keys.ListAsync(req.HttpContext);

    [Function("RevokeKey")]
    public Task<IResult> RevokeKey([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "keys/{id}")] HttpRequest req, string id) =>
        keys.RevokeAsync(req.HttpContext, id);

    [Function("GetLatency")]
    public Task<IResult> GetLatency([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "metrics/latency")] HttpRequest req) =>
        metrics.LatencyAsync(req.HttpContext);

    [Function("GetSummary")]
    public Task<IResult> GetSummary([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "metrics/summary")] HttpRequest req) =>
        metrics.SummaryAsync(req.HttpContext);

    [Function("GetTimeSeries")]
    public Task<IResult> GetTimeSeries([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "metrics/timeseries")] HttpRequest req) =>
        metrics.TimeSeriesAsync(req.HttpContext);

    [Function("GetConsole")]
    public Task<IResult> GetConsole([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console")] HttpRequest req) =>
        console.IndexAsync(req.HttpContext);

    [Function("GetConsoleSession")]
    public Task<IResult> GetConsoleSession([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/session")] HttpRequest req) =>
        console.SessionAsync(req.HttpContext);

    [Function("GetConsoleAsset")]
    public Task<IResult> GetConsoleAsset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{path}")] HttpRequest req, string path) =>
        console.AssetAsync(req.HttpContext, path);

    [Function("GetCost")]
    public Task<IResult> GetCost([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "metrics/cost")] HttpRequest req) =>
        metrics.CostAsync(req.HttpContext);

    [Function("GetSla")]
    public Task<IResult> GetSla([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sla")] HttpRequest req) =>
        metrics.SlaAsync(req.HttpContext);

    [Function("ListSlaTargets")]
    public Task<IResult> ListSlaTargets([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sla-targets")] HttpRequest req) =>
        metrics.ListSlaTargetsAsync(req.HttpContext);

    [Function("PutSlaTarget")]
    public Task<IResult> PutSlaTarget([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "sla-targets/{bot}/{operation}")] HttpRequest req, string bot, string operation) =>
        metrics.PutSlaTargetAsync(req.HttpContext, bot, operation);

    [Function("DeleteSlaTarget")]
    public Task<IResult> DeleteSlaTarget([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "sla-targets/{bot}/{operation}")] HttpRequest req, string bot, string operation) =>
        metrics.DeleteSlaTargetAsync(req.HttpContext, bot, operation);

    [Function("ListAlertRules")]
    public Task<IResult> ListAlertRules([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alert-rules")] HttpRequest req) =>
        alerts.ListRulesAsync(req.HttpContext);

    [Function("GetAlertRule")]
    public Task<IResult> GetAlertRule([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alert-rules/{name}")] HttpRequest req, string name) =>
        alerts.GetRuleAsync(req.HttpContext, name);

    [Function("PutAlertRule")]
    public Task<IResult> PutAlertRule([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "alert-rules/{name}")] HttpRequest req, string name) =>
        alerts.PutRuleAsync(req.HttpContext, name);

    [Function("DeleteAlertRule")]
    public Task<IResult> DeleteAlertRule([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "alert-rules/{name}")] HttpRequest req, string name) =>
        alerts.DeleteRuleAsync(req.HttpContext, name);

    [Function("EnableAlertRule")]
    public Task<IResult> EnableAlertRule([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alert-rules/{name}/enable")] HttpRequest req, string name) =>
        alerts.EnableRuleAsync(req.HttpContext, name);

    [Function("DisableAlertRule")]
    public Task<IResult> DisableAlertRule([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alert-rules/{name}/disable")] HttpRequest req, string name) =>
        alerts.DisableRuleAsync(req.HttpContext, name);

    [Function("ListAlerts")]
    public Task<IResult> ListAlerts([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts")] HttpRequest req) =>
        alerts.ListAlertsAsync(req.HttpContext);

    [Function("GetAlert")]
    public Task<IResult> GetAlert([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts/{id}")] HttpRequest req, string id) =>
        alerts.GetAlertAsync(req.HttpContext, id);

    [Function("PutBudget")]
    public Task<IResult> PutBudget([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "budgets/{name}")] HttpRequest req, string name) =>
        budgets.PutBudgetAsync(req.HttpContext, name);

    [Function("ListBudgets")]
    public Task<IResult> ListBudgets([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "budgets")] HttpRequest req) =>
        budgets.ListBudgetsAsync(req.HttpContext);

    [Function("GetBudget")]
    public Task<IResult> GetBudget([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "budgets/{name}")] HttpRequest req, string name) =>
        budgets.GetBudgetAsync(req.HttpContext, name);

    [Function("DeleteBudget")]
    public Task<IResult> DeleteBudget([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "budgets/{name}")] HttpRequest req, string name) =>
        budgets.DeleteBudgetAsync(req.HttpContext, name);

    [Function("PutBatchJob")]
    public Task<IResult> PutBatchJob([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "batch-jobs/{name}")] HttpRequest req, string name) =>
        batchJobs.PutJobAsync(req.HttpContext, name);

    [Function("ListBatchJobs")]
    public Task<IResult> ListBatchJobs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "batch-jobs")] HttpRequest req) =>
        batchJobs.ListJobsAsync(req.HttpContext);

    [Function("GetBatchJob")]
    public Task<IResult> GetBatchJob([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "batch-jobs/{name}")] HttpRequest req, string name) =>
        batchJobs.GetJobAsync(req.HttpContext, name);

    [Function("StartBatchRun")]
    public Task<IResult> StartBatchRun([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "batch-jobs/{name}/runs")] HttpRequest req, string name) =>
        batchJobs.StartRunAsync(req.HttpContext, name);

    [Function("CompleteBatchRun")]
    public Task<IResult> CompleteBatchRun([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "batch-jobs/{name}/runs/{runId}/complete")] HttpRequest req, string name, string runId) =>
        batchJobs.CompleteRunAsync(req.HttpContext, name, runId);

    [Function("ListBatchRuns")]
    public Task<IResult> ListBatchRuns([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "batch-jobs/{name}/runs")] HttpRequest req, string name) =>
        batchJobs.ListRunsAsync(req.HttpContext, name);

    [Function("EnableBatchJob")]
    public Task<IResult> EnableBatchJob([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "batch-jobs/{name}/enable")] HttpRequest req, string name) =>
        batchJobs.EnableJobAsync(req.HttpContext, name);

    [Function("DisableBatchJob")]
    public Task<IResult> DisableBatchJob([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "batch-jobs/{name}/disable")] HttpRequest req, string name) =>
        batchJobs.DisableJobAsync(req.HttpContext, name);

    /// <summary>Acknowledging also raises Acknowledged on the alert's escalation orchestration.</summary>
    [Function("AcknowledgeAlert")]
    public async Task<IResult> AcknowledgeAlert([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/{id}/ack")] HttpRequest req, string id, [DurableClient] DurableTaskClient durable) =>
        await EscalationOrchestration.SignalAsync(durable, req.HttpContext, await alerts.AcknowledgeAsync(req.HttpContext, id));

    [Function("ListEvents")]
    public Task<IResult> ListEvents([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "events")] HttpRequest req) =>
        eventQueries.ListAsync(req.HttpContext);

    [Function("ListConversations")]
    public Task<IResult> ListConversations([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "conversations")] HttpRequest req) =>
        conversations.ListAsync(req.HttpContext);

    [Function("GetConversation")]
    public Task<IResult> GetConversation([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "conversations/{conversation_id}")] HttpRequest req,
        string conversation_id) =>
        conversations.GetAsync(req.HttpContext, conversation_id);

    [Function("PostOtlpTraces")]
    public Task<IResult> PostOtlpTraces([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "otlp/v1/traces")] HttpRequest req) =>
        otlp.PostTracesAsync(req.HttpContext);

    [Function("GetPrometheusMetrics")]
    public Task<IResult> GetPrometheusMetrics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "metrics/prometheus")] HttpRequest req) =>
        prometheus.ScrapeAsync(req.HttpContext);

    [Function("PutAlertPostmortem")]
    public Task<IResult> PutAlertPostmortem([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "alerts/{id}/postmortem")] HttpRequest req, string id) =>
        incidents.PutPostmortemAsync(req.HttpContext, id);

    [Function("GetIncidentReport")]
    public Task<IResult> GetIncidentReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/incidents")] HttpRequest req) =>
        incidents.ReportAsync(req.HttpContext);

    [Function("GetEfficiencyReport")]
    public Task<IResult> GetEfficiencyReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/efficiency")] HttpRequest req) =>
        efficiency.RankAsync(req.HttpContext);

    [Function("RecordBatchRunProgress")]
    public Task<IResult> RecordBatchRunProgress([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "batch-jobs/{name}/runs/{runId}/progress")] HttpRequest req,
        string name, string runId) =>
        batchJobs.RecordProgressAsync(req.HttpContext, name, runId);

    [Function("GetReviewReport")]
    public Task<IResult> GetReviewReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/review")] HttpRequest req) =>
        review.GetAsync(req.HttpContext);
}
