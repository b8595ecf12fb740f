using Vigil.Core.Metrics;

namespace Vigil.Core.Reviews;

/// <summary>One bot's merged distinct-count sketches over a window: conversations (sessions) and users.</summary>
public sealed record DistinctGroup(string TenantId, string Bot, DistinctSketch Sessions, DistinctSketch Users);

/// <summary>A conversation that went through more than two bots, with its bots in order of first appearance.</summary>
public sealed record MisroutedConversation(string TenantId, string ConversationId, IReadOnlyList<string> Bots, DateTimeOffset FirstAt, DateTimeOffset LastAt);

/// <summary>The conversations that called a tool, and the feedback those conversations received.</summary>
public sealed record ToolConversations(string ToolName, long Conversations, long Positive, long Negative);

/// <summary>The window's conversation-level figures: misrouted conversations and the tools' conversations.</summary>
public sealed record ConversationFigures(long Misrouted, IReadOnlyList<MisroutedConversation> TopMisrouted, IReadOnlyList<ToolConversations> Tools);

/// <summary>
/// The review's own rollups: distinct-count sketches per tenant, bot and minute (merged into hours
/// and days), one row per conversation and hour (its bots, tools and feedback) and per conversation, written by the
/// ComputeRollups run that rolls the minutes up.
/// </summary>
public interface IReviewStore
{
    /// <summary>The sketches of each (tenant, bot) over the pieces, merged; <paramref name="tenants"/> null for every tenant.</summary>
    Task<IReadOnlyList<DistinctGroup>> DistinctAsync(IReadOnlyList<RollupPiece> pieces, string[]? tenants, CancellationToken cancellationToken);

    /// <summary>
    /// Conversations active in [from, to) (their first-to-last event span overlaps it), each taken
    /// whole: how many went through more than two bots (the first <paramref name="limit"/> of them,
    /// most bots first), and per tool the conversations that called it with their feedback.
    /// </summary>
    Task<ConversationFigures> ConversationsAsync(DateTimeOffset from, DateTimeOffset to, string[]? tenants, int limit, CancellationToken cancellationToken);
}
