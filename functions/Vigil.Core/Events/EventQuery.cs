namespace Vigil.Core.Events;

/// <summary>
/// What <c>GET /api/events</c> asks for: events at or after <see cref="From"/> matching every filter
/// given (OR within a list), newest first, at most <see cref="Limit"/>, after a cursor position.
/// A tenant-bound key always has its tenant in <see cref="TenantIds"/>.
/// </summary>
public sealed class EventQuery
{
    public required DateTimeOffset From { get; init; }
    public required int Limit { get; init; }
    public EventPosition? After { get; init; }
    public string[]? TenantIds { get; init; }
    public string[]? Bots { get; init; }
    public string[]? Operations { get; init; }
    public string[]? Models { get; init; }
    public string[]? Types { get; init; }
    public string[]? ToolNames { get; init; }
    public string? ConversationId { get; init; }
    public string? TraceId { get; init; }
    public string? UserId { get; init; }
    public bool? PositiveRating { get; init; }
    public bool? Success { get; init; }
    public double? MinDurationMs { get; init; }
}
