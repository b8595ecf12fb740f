using System.Globalization;
using Microsoft.AspNetCore.Http;
using Vigil.Core;
using Vigil.Core.Auth;
using Vigil.Core.Conversations;
using Vigil.Core.Events;
using Vigil.Core.Metrics;

namespace Vigil.Api;

/// <summary>
/// <c>GET /api/conversations</c> (scored conversations, filtered, sorted, keyset-paginated) and
/// <c>GET /api/conversations/{conversation_id}</c> (its events in order, bots, cost, feedback and the
/// <c>analytics</c> block). A tenant-bound key reads its own tenant only, in SQL.
/// </summary>
public sealed class ConversationsApi(ApiGate gate, IConversationStore conversations, TimeProvider time)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>The most events the drill-down returns for one conversation (the first ones, in order).</summary>
    public const int MaxEvents = 5000;

    private static readonly string[] ListParameters =
        ["window", "tenant_id", "bot", "resolved", "min_quality", "max_quality", "sort", "limit", "cursor"];

    private static readonly string[] FilterParameters = [.. ListParameters.Except(["limit", "cursor"])];

    public Task<IResult> ListAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, ListParameters);
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
        bool? resolved = q.Get("resolved") switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => Invalid(q, "resolved", "resolved must be true or false."),
        };
        var minQuality = Fraction(q, "min_quality");
        var maxQuality = Fraction(q, "max_quality");
        if (!ConversationSorts.TryParse(q.Get("sort"), out var sort))
        {
            q.Errors.Add("sort", $"sort must be one of {string.Join(", ", ConversationSorts.Names)}.");
        }
        var limit = q.Int("limit", DefaultLimit, 1, MaxLimit);
        var filters = string.Join('&', FilterParameters.Select(n => n + "=" + q.Get(n)));
        var from = time.GetUtcNow() - length;
        ConversationPosition? after = null;
        if (q.Get("cursor") is { } cursor)
        {
            if (ConversationCursor.TryDecode(cursor, filters, out var cursorFrom, out var position, out var error))
            {
                from = cursorFrom;
                after = position;
            }
            else q.Errors.Add("cursor", error);
        }
        if (q.Errors.Any) return q.Errors.ToProblem();

        var rows = await conversations.ListAsync(new ConversationQuery
        {
            From = from,
            Limit = limit + 1,
            Sort = sort,
            After = after,
            TenantIds = tenants,
            Bots = q.List("bot"),
            Resolved = resolved,
            MinQuality = minQuality,
            MaxQuality = maxQuality,
        }, cancellationToken);
        var page = rows.Take(limit).ToList();
        string? next = null;
        if (rows.Count > limit)
        {
            var last = page[^1];
            var value = sort.ByQuality() ? last.Scores.Quality : (last.StartedAt - DateTimeOffset.UnixEpoch).Ticks / 10;
            next = ConversationCursor.Encode(from, new ConversationPosition(value, last.TenantId, last.ConversationId), filters);
        }
        return ApiResults.Json(new ConversationPage(page.Select(r => new ConversationListItem(r.ConversationId, r.TenantId, r.Bots,
            r.StartedAt, r.EndedAt, r.Messages, r.Scores.Quality, r.Scores.SentimentAverage, r.Scores.Resolved, r.AgentSwitches)).ToList(), next));
    });

    public Task<IResult> GetAsync(HttpContext context, string conversationId) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, ["tenant_id"]);
        var requested = Tenancy.Requested(q);
        if (conversationId.Length is 0 or > 128) q.Errors.Add("conversation_id", "conversation_id must be 1 to 128 characters.");
        if (q.Errors.Any) return q.Errors.ToProblem();
        var (tenant, forbidden) = Tenancy.Address(principal!, requested);
        if (forbidden is not null) return forbidden;

        var events = await conversations.EventsAsync(tenant is null ? null : [tenant], conversationId, MaxEvents + 1, cancellationToken);
        if (events.Count == 0) return Problems.NotFound($"No events of conversation '{conversationId}'.");
        var tenants = events.Select(e => e.Event.TenantId).Distinct(StringComparer.Ordinal).ToList();
        if (tenants.Count > 1)
        {
            return Problems.Conflict($"Conversation '{conversationId}' exists in tenants {string.Join(", ", tenants)}; name one with ?tenant_id=.");
        }
        var truncated = events.Count > MaxEvents;
        var list = events.Take(MaxEvents).ToList();
        var bots = list.Select(e => e.Event.Bot).ToList();
        var record = await conversations.GetAsync(tenants[0], conversationId, cancellationToken);
        return ApiResults.Json(new ConversationView(
            conversationId,
            tenants[0],
            list[0].Event.Timestamp,
            list[^1].Event.Timestamp,
            ConversationTimeline.Bots(bots),
            ConversationTimeline.AgentSwitches(bots),
            list.Select(EventsQueryApi.View).ToList(),
            truncated,
            list.Sum(e => e.Event.CostUsd),
            new FeedbackCounts(list.Count(e => e.Event.Type == EventType.Feedback && e.Event.PositiveRating == true),
                list.Count(e => e.Event.Type == EventType.Feedback && e.Event.PositiveRating == false)),
            record is null ? null : Analytics(record)));
    });

    private static AnalyticsView Analytics(ConversationRecord r)
    {
        var s = r.Scores;
        return new AnalyticsView(
            new SentimentView(s.Sentiment, s.SentimentAverage, s.Trend.ToName()),
            s.TopicDrift, s.Engagement, s.Resolved, s.Quality, r.Messages,
            s.Handoffs == 0 ? null : s.Handoffs,
            s.ResolvedAfterHandoff,
            s.Handoffs == 0 ? null : s.MessagesAfterHandoff,
            r.AnalyzedAt);
    }

    private static bool? Invalid(QueryReader q, string name, string message)
    {
        q.Errors.Add(name, message);
        return null;
    }

    private static double? Fraction(QueryReader q, string name)
    {
        if (q.Get(name) is not { } text) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 1) return v;
        q.Errors.Add(name, $"{name} must be a number from 0 to 1.");
        return null;
    }

    private sealed record ConversationPage(IReadOnlyList<ConversationListItem> Conversations, string? NextCursor);

    private sealed record ConversationListItem(string ConversationId, string TenantId, IReadOnlyList<string> Bots, DateTimeOffset StartedAt,
        DateTimeOffset EndedAt, int Messages, double Quality, double SentimentAverage, bool Resolved, int AgentSwitches);

    private sealed record FeedbackCounts(int Positive, int Negative);

    private sealed record SentimentView(IReadOnlyList<double> Scores, double Average, string Trend);

    /// <summary>The analytics block; the handoff fields are null (omitted) for conversations without handoffs.</summary>
    private sealed record AnalyticsView(SentimentView Sentiment, double TopicDrift, double Engagement, bool Resolved, double Quality,
        int Messages, int? Handoffs, bool? ResolvedAfterHandoff, int? MessagesAfterHandoff, DateTimeOffset AnalyzedAt);

    private sealed record ConversationView(string ConversationId, string TenantId, DateTimeOffset StartedAt, DateTimeOffset EndedAt,
        IReadOnlyList<string> Bots, int AgentSwitches, IReadOnlyList<EventsQueryApi.EventView> Events, bool EventsTruncated, decimal CostUsd,
        FeedbackCounts Feedback, AnalyticsView? Analytics);
}
