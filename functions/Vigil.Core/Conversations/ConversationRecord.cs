namespace Vigil.Core.Conversations;

/// <summary>A scored conversation as stored in <c>conversation_analytics</c>.</summary>
public sealed record ConversationRecord(
    string TenantId,
    string ConversationId,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    IReadOnlyList<string> Bots,
    int AgentSwitches,
    int Messages,
    ConversationScores Scores,
    DateTimeOffset AnalyzedAt);
