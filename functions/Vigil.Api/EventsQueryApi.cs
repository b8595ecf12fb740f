using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Core;
using Vigil.Core.Auth;
using Vigil.Core.Conversations;
using Vigil.Core.Events;
using Vigil.Core.Metrics;

namespace Vigil.Api;

/// <summary>
/// <c>GET /api/events</c>: the drill-down to raw events, newest first, with every stored field plus
/// cost_source and ingested_at, and a cursor for the next page (null on the last). A tenant-bound key
/// reads its own tenant only (another tenant_id is a 403).
/// </summary>
public sealed class EventsQueryApi(ApiGate gate, IEventQueries events, TimeProvider time)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    private static readonly string[] Parameters =
    [
        "window", "bot", "operation", "model", "type", "tenant_id", "conversation_id", "trace_id", "user_id",
        "rating", "success", "tool_name", "min_duration_ms", "limit", "cursor",
    ];

    /// <summary>The parameters that select events (not the page): a cursor is only valid with the same ones.</summary>
    private static readonly string[] FilterParameters = [.. Parameters.Except(["limit", "cursor"])];

    public Task<IResult> ListAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, Parameters);
        var now = time.GetUtcNow();
        var window = q.Get("window") ?? "24h";
        if (!DurationText.TryParse(window, out var length) || length < MetricWindow.Shortest || length > MetricWindow.Longest)
        {
            q.Errors.Add("window", $"window must be a duration from 1m to 30d such as 1h, 24h or 7d (got '{window}').");
        }
        var tenants = q.List("tenant_id");
        if (principal!.TenantId is { } bound)
        {
            if (tenants?.FirstOrDefault(t => t != bound) is { } other) return ApiGate.CheckTenant(principal, other)!;
            tenants = [bound];
        }
        var types = q.List("type");
        foreach (var t in types?.Where(t => !EventTypes.TryParse(t, out _)) ?? [])
        {
            q.Errors.Add("type", $"'{t}' is not an event type; use {string.Join(", ", EventTypes.Names)}.");
        }
        var rating = q.Get("rating");
        if (rating is not (null or "positive" or "negative")) q.Errors.Add("rating", "rating must be positive or negative.");
        var success = q.Get("success");
        if (success is not (null or "true" or "false")) q.Errors.Add("success", "success must be true or false.");
        double? minDuration = null;
        if (q.Get("min_duration_ms") is { } minText)
        {
            if (double.TryParse(minText, NumberStyles.Float, CultureInfo.InvariantCulture, out var min) && double.IsFinite(min) && min >= 0)
            {
                minDuration = min;
            }
            else q.Errors.Add("min_duration_ms", "min_duration_ms must be a number, 0 or more.");
        }
        var limit = q.Int("limit", DefaultLimit, 1, MaxLimit);

        var filters = string.Join('&', FilterParameters.Select(n => n + "=" + q.Get(n)));
        var from = now - length;
        EventPosition? after = null;
        if (q.Get("cursor") is { } cursor)
        {
            if (EventCursor.TryDecode(cursor, filters, out var cursorFrom, out var position, out var error))
            {
                from = cursorFrom;
                after = position;
            }
            else
            {
                q.Errors.Add("cursor", error);
            }
        }
        if (q.Errors.Any) return q.Errors.ToProblem();

        // One row more than asked tells whether there is a next page without a count.
        var rows = await events.ListAsync(new EventQuery
        {
            From = from,
            Limit = limit + 1,
            After = after,
            TenantIds = tenants,
            Bots = q.List("bot"),
            Operations = q.List("operation"),
            Models = q.List("model"),
            Types = types,
            ToolNames = q.List("tool_name"),
            ConversationId = q.Get("conversation_id"),
            TraceId = q.Get("trace_id"),
            UserId = q.Get("user_id"),
            PositiveRating = rating is null ? null : rating == "positive",
            Success = success is null ? null : success == "true",
            MinDurationMs = minDuration,
        }, cancellationToken);
        var page = rows.Take(limit).ToList();
        string? next = null;
        if (rows.Count > limit)
        {
            var last = page[^1].Event;
            next = EventCursor.Encode(from, new EventPosition(last.Timestamp, last.TenantId, last.EventId), filters);
        }
        return ApiResults.Json(new EventPage(page.Select(View).ToList(), next));
    });

    /// <summary>An event as every drill-down route shows it (also GET /api/conversations/{id}).</summary>
    internal static EventView View(StoredEvent stored)
    {
        var e = stored.Event;
        return new EventView(e.EventId, e.Type.ToName(), e.Timestamp, e.TenantId, e.Bot, e.Operation, e.ConversationId, e.TraceId,
            e.UserId, e.DurationMs, e.Success, e.ErrorType, e.CacheHit, e.Provider, e.Model, e.InputTokens, e.OutputTokens,
            e.CachedInputTokens, e.CostUsd, e.CostSource.ToName(), e.TtftMs, e.TargetBot, e.Blocked,
            e.PositiveRating switch { true => "positive", false => "negative", null => null }, e.ToolName, e.QualityScore,
            e.Degraded, e.DegradationReason, e.BatchJob, e.BatchRunId,
            e.AttributesJson is null ? null : JsonDocument.Parse(e.AttributesJson).RootElement.Clone(),
            e.Role switch { MessageRole.User => "user", MessageRole.Bot => "bot", _ => null }, e.Text, stored.IngestedAt);
    }

    private sealed record EventPage(IReadOnlyList<EventView> Events, string? NextCursor);

    /// <summary>An event in the contract's field names (snake_case by the API's naming policy).</summary>
    internal sealed record EventView(string EventId, string Type, DateTimeOffset Timestamp, string TenantId, string Bot, string? Operation,
        string? ConversationId, string? TraceId, string? UserId, double? DurationMs, bool Success, string? ErrorType, bool? CacheHit,
        string? Provider, string? Model, long? InputTokens, long? OutputTokens, long? CachedInputTokens, decimal CostUsd,
        string? CostSource, double? TtftMs, string? TargetBot, bool? Blocked, string? Rating, string? ToolName, double? QualityScore,
        bool? Degraded, string? DegradationReason, string? BatchJob, string? BatchRunId, JsonElement? Attributes, string? Role, string? Text,
        DateTimeOffset IngestedAt);
}
