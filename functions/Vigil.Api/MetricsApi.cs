using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Auth;
using Vigil.Core.Events;
using Vigil.Core.Metrics;

namespace Vigil.Api;

/// <summary>The metrics routes: latency, summary, cost, SLA compliance and SLA targets (global, or a tenant's: <see cref="Tenancy"/>).</summary>
public sealed class MetricsApi(ApiGate gate, MetricsService metrics, TimeSeriesService timeSeries, ISlaTargetStore slaTargets, TimeProvider time)
{
    private static readonly string[] SummaryGroups = ["bot", "operation", "model", "tenant_id", "type", "batch_job", "tool_name", "error_type", "degradation_reason", "cache_hit"];
    private static readonly string[] TimeSeriesGroups = SummaryGroups;
    private static readonly string[] CostGroups = ["model", "conversation_id", "tenant_id", "bot", "batch_job", "operation", "type"];

    public Task<IResult> LatencyAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, [.. QueryReader.FilterNames, "window", "field"]);
        var window = q.Window(time.GetUtcNow());
        var field = q.Get("field") ?? "duration";
        if (field is not ("duration" or "ttft")) q.Errors.Add("field", "field must be duration or ttft.");
        var (filter, forbidden) = q.Filter(principal!);
        if (forbidden is not null) return forbidden;
        if (q.Errors.Any) return q.Errors.ToProblem();
        return ApiResults.Json(await metrics.LatencyAsync(window, filter, field == "ttft", cancellationToken));
    });

    public Task<IResult> SummaryAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, [.. QueryReader.FilterNames, "window", "group_by"]);
        var window = q.Window(time.GetUtcNow());
        var groupBy = q.GroupBy(SummaryGroups, "bot");
        var (filter, forbidden) = q.Filter(principal!);
        if (forbidden is not null) return forbidden;
        if (q.Errors.Any) return q.Errors.ToProblem();
        return ApiResults.Json(await metrics.SummaryAsync(window, filter, groupBy, cancellationToken));
    });

    /// <summary>GET /api/metrics/timeseries: one point per step, empty buckets included, any alert-rule metric.</summary>
    public Task<IResult> TimeSeriesAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, [.. QueryReader.FilterNames, "window", "step", "metric", "group_by"]);
        var window = q.Window(time.GetUtcNow());
        var series = default(TimeSeriesWindow);
        if (!q.Errors.Any && !TimeSeriesWindow.TryResolve(window, q.Get("step"), out series, out var stepError)) q.Errors.Add("step", stepError);
        var metricList = new List<AlertMetric>();
        foreach (var name in (q.List("metric") ?? ["event_count"]).Distinct(StringComparer.Ordinal))
        {
            if (!AlertNames.TryParseMetric(name, out var metric)) q.Errors.Add("metric", $"'{name}' is not a metric; use {string.Join(", ", AlertNames.MetricNames)} (comma-separated for several).");
            else metricList.Add(metric);
        }
        var groupBy = q.List("group_by") is null ? [] : q.GroupBy(TimeSeriesGroups, "bot");
        var (filter, forbidden) = q.Filter(principal!);
        if (forbidden is not null) return forbidden;
        if (metricList.Where(m => m.IsConversation()).Select(m => m.ToName()).FirstOrDefault() is { } conversational)
        {
            // A scored conversation has a tenant and bots, nothing else to group or filter by.
            foreach (var d in groupBy.Where(d => !TimeSeriesService.ConversationDimensions.Contains(d)))
            {
                q.Errors.Add("group_by", $"{conversational} is a conversation metric: conversations group by tenant_id and bot only, not {d.ToName()}.");
            }
            foreach (var d in filter.Values.Keys.Where(d => !TimeSeriesService.ConversationDimensions.Contains(d)
                && !(d == Dimension.Type && filter.Get(d) is [var only] && only == EventType.Message.ToName())))
            {
                q.Errors.Add(d.ToName(), $"{conversational} is a conversation metric: conversations filter by tenant_id and bot only, not {d.ToName()}.");
            }
        }
        if (q.Errors.Any) return q.Errors.ToProblem();
        return TimeSeriesJson.ToResult(await timeSeries.QueryAsync(series, metricList, filter, groupBy, cancellationToken));
    });

    public Task<IResult> CostAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, [.. QueryReader.FilterNames, "window", "group_by", "limit"]);
        var window = q.Window(time.GetUtcNow());
        var groupBy = q.GroupBy(CostGroups, "model");
        if (groupBy.Count > 1) q.Errors.Add("group_by", "cost groups by one dimension at a time.");
        var limit = q.Int("limit", 100, 1, 10_000);
        var (filter, forbidden) = q.Filter(principal!);
        if (forbidden is not null) return forbidden;
        if (groupBy.Count == 1 && groupBy[0] == Dimension.ConversationId && filter.Get(Dimension.BatchJob) is not null)
        {
            q.Errors.Add("batch_job", "batch_job cannot filter costs grouped by conversation_id.");
        }
        if (q.Errors.Any) return q.Errors.ToProblem();
        return ApiResults.Json(await metrics.CostAsync(window, filter, groupBy[0], limit, cancellationToken));
    });

    public Task<IResult> SlaAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, ["window", "tenant_id", "bot", "operation", "model", "type"]);
        var window = q.Window(time.GetUtcNow());
        var (filter, forbidden) = q.Filter(principal!, ["tenant_id", "bot", "operation", "model", "type"]);
        if (forbidden is not null) return forbidden;
        if (q.Errors.Any) return q.Errors.ToProblem();
        // Whose view: the key's tenant, or the one tenant an unbound key asks for (its targets, and the global defaults).
        var viewTenant = principal!.TenantId ?? (filter.Get(Dimension.TenantId) is [var one] ? one : null);
        return ApiResults.Json(await metrics.SlaAsync(window, filter, viewTenant, cancellationToken));
    });

    public Task<IResult> ListSlaTargetsAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var (scope, problem) = Tenancy.ListFromQuery(context, principal!);
        if (problem is not null) return problem;
        var targets = await slaTargets.ListAsync(scope, cancellationToken);
        return ApiResults.Json(new { targets = targets.Select(View) });
    });

    public Task<IResult> PutSlaTargetAsync(HttpContext context, string bot, string operation) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, ["tenant_id"]);
        var fromQuery = Tenancy.Requested(q);
        var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null) return problem;
        var errors = q.Errors;
        var fromBody = JsonFields.String(body, "tenant_id", errors, required: false, maxLength: Tenancy.MaxTenantLength);
        var (tenant, forbidden) = Tenancy.Write(principal!, fromQuery, fromBody, errors);
        if (forbidden is not null) return forbidden;
        if (!Names.IsValid(bot)) errors.Add("bot", "bot must be 1 to 64 characters of lower-case letters, digits, '_', '.' and '-'.");
        if (operation.Length is 0 or > 64) errors.Add("operation", "operation must be 1 to 64 characters.");
        var p50 = JsonFields.PositiveNumber(body, "p50_ms", errors);
        var p95 = JsonFields.PositiveNumber(body, "p95_ms", errors);
        var p99 = JsonFields.PositiveNumber(body, "p99_ms", errors);
        var eventTypes = EventTypesField(body, errors) ?? SlaTarget.DefaultEventTypes(bot, operation);
        JsonFields.RejectUnknown(body, errors, "p50_ms", "p95_ms", "p99_ms", "event_types", "tenant_id");
        if (p50 is { } a && p95 is { } b && p99 is { } c && !(a <= b && b <= c))
        {
            errors.Add("p95_ms", "targets must satisfy p50_ms ≤ p95_ms ≤ p99_ms.");
        }
        if (errors.Any) return errors.ToProblem();
        var target = new SlaTarget(tenant, bot, operation, p50!.Value, p95!.Value, p99!.Value, eventTypes, time.GetUtcNow());
        var created = await slaTargets.UpsertAsync(target, cancellationToken);
        return ApiResults.Json(View(target), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    });

    public Task<IResult> DeleteSlaTargetAsync(HttpContext context, string bot, string operation) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        var (tenant, problem) = Tenancy.AddressFromQuery(context, principal!);
        if (problem is not null) return problem;
        return await slaTargets.DeleteAsync(tenant, bot, operation, cancellationToken)
            ? Results.NoContent()
            : Problems.NotFound($"No SLA target for bot '{bot}' and operation '{operation}'.");
    });

    /// <summary><c>event_types</c>: a non-empty array of event type names; null when absent (the default applies).</summary>
    private static string[]? EventTypesField(JsonElement body, FieldErrors errors)
    {
        if (!body.TryGetProperty("event_types", out var element) || element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0
            || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || !EventTypes.TryParse(e.GetString(), out _)))
        {
            errors.Add("event_types", $"event_types must be a non-empty array of event types: {string.Join(", ", EventTypes.Names)}.");
            return null;
        }
        return [.. element.EnumerateArray().Select(e => e.GetString()!).Distinct(StringComparer.Ordinal)];
    }

    private static object View(SlaTarget t) => new
    {
        tenant_id = t.TenantId,
        bot = t.Bot,
        operation = t.Operation,
        p50_ms = t.P50Ms,
        p95_ms = t.P95Ms,
        p99_ms = t.P99Ms,
        event_types = t.EventTypes,
        updated_at = t.UpdatedAt,
    };
}
