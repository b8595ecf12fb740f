namespace Vigil.Core.Conversations;

/// <summary>Where a page of <c>GET /api/conversations</c> starts: after this row of the sort order.</summary>
public readonly record struct ConversationPosition(double SortValue, string TenantId, string ConversationId);

/// <summary>
/// What <c>GET /api/conversations</c> asks for: scored conversations active since <see cref="From"/>
/// (their last event at or after it), filtered, in <see cref="Sort"/> order. A tenant-bound key always has
/// its tenant in <see cref="TenantIds"/>. Sort values: quality, or started_at as Unix microseconds.
/// </summary>
public sealed class ConversationQuery
{
    public required DateTimeOffset From { get; init; }
    public required int Limit { get; init; }
    public ConversationSort Sort { get; init; }
    public ConversationPosition? After { get; init; }
    public string[]? TenantIds { get; init; }
    public string[]? Bots { get; init; }
    public bool? Resolved { get; init; }
    public double? MinQuality { get; init; }
    public double? MaxQuality { get; init; }
}
