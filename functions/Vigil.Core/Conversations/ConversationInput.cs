namespace Vigil.Core.Conversations;

/// <summary>
/// A conversation claimed for scoring: its messages (text null once erased), its handoff times and the
/// bots of its events in time order.
/// </summary>
public sealed record ConversationInput(
    string TenantId,
    string ConversationId,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    IReadOnlyList<(DateTimeOffset Timestamp, MessageRole Role, string? Text)> Messages,
    IReadOnlyList<DateTimeOffset> Handoffs,
    IReadOnlyList<string> BotsInOrder);
