using Microsoft.AspNetCore.Http;
using Vigil.Core.Auth;
using Vigil.Core.Events;
using Vigil.Core.Metrics;

namespace Vigil.Api;

/// <summary>
/// <c>GET /api/conversations/{conversation_id}</c>, minimal: a conversation's events (the last 30 days)
/// in order, its bots in order of first appearance, agent switches, cost and feedback; <c>analytics</c>
/// is null until conversation analytics land. Read from the drill-down's event query, so tenancy is
/// scoped in its SQL: a tenant-bound key reads its own tenant's conversation only.
/// </summary>
public sealed class ConversationsApi(ApiGate gate, IEventQueries events, TimeProvider time)
{
    /// <summary>A conversation longer than this is cut (the response says so with <c>truncated</c>).</summary>
    public const int MaxEvents = 10_000;
    private const int PageSize = 1_000;

    public Task<IResult> GetAsync(HttpContext context, string conversationId) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, ["tenant_id"]);
        var tenants = q.List("tenant_id");
        if (principal!.TenantId is { } bound)
        {
            if (tenants?.FirstOrDefault(t => t != bound) is { } other) return ApiGate.CheckTenant(principal, other)!;
            tenants = [bound];
        }
        if (conversationId.Length is 0 or > 128) q.Errors.Add("conversation_id", "conversation_id must be 1 to 128 characters.");
        if (q.Errors.Any) return q.Errors.ToProblem();

        var found = new List<StoredEvent>();
        EventPosition? after = null;
        while (found.Count < MaxEvents)
        {
            var page = await events.ListAsync(new EventQuery
            {
                From = time.GetUtcNow() - MetricWindow.Longest,
                Limit = PageSize,
                After = after,
                TenantIds = tenants,
                ConversationId = conversationId,
            }, cancellationToken);
            found.AddRange(page);
            if (page.Count < PageSize) break;
            var last = page[^1].Event;
            after = new EventPosition(last.Timestamp, last.TenantId, last.EventId);
        }
        if (found.Count == 0) return Problems.NotFound($"No conversation '{conversationId}' in the last 30 days.");
        var byTenant = found.Select(e => e.Event.TenantId).Distinct(StringComparer.Ordinal).ToList();
        if (byTenant.Count > 1)
        {
            return Problems.BadRequest("ambiguous-conversation", "Ambiguous conversation",
                $"Conversation '{conversationId}' exists in tenants {string.Join(", ", byTenant)}; add ?tenant_id=.");
        }
        found.Reverse();
        var ordered = found.Take(MaxEvents).ToList();
        var bots = ordered.Select(e => e.Event.Bot).Distinct(StringComparer.Ordinal).ToList();
        var switches = ordered.Zip(ordered.Skip(1)).Count(p => p.First.Event.Bot != p.Second.Event.Bot);
        return ApiResults.Json(new Dictionary<string, object?>
        {
            ["conversation_id"] = conversationId,
            ["tenant_id"] = byTenant[0],
            ["started_at"] = ordered[0].Event.Timestamp,
            ["ended_at"] = ordered[^1].Event.Timestamp,
            ["bots"] = bots,
            ["agent_switches"] = switches,
            ["events"] = ordered.Select(EventsQueryApi.View).ToList(),
            ["cost_usd"] = decimal.Round(ordered.Sum(e => e.Event.CostUsd), 6),
            ["feedback"] = new Dictionary<string, int>
            {
                ["positive"] = ordered.Count(e => e.Event.PositiveRating == true),
                ["negative"] = ordered.Count(e => e.Event.PositiveRating == false),
            },
            ["analytics"] = null,
            ["truncated"] = found.Count >= MaxEvents,
        });
    });
}
