namespace Vigil.Core.Conversations;

/// <summary>
/// Scored conversations of a group (active in a window): the sums behind the metrics
/// <c>conversations</c>, <c>resolution_rate</c>, <c>conversation_quality_avg</c> and <c>handoff_effectiveness</c>.
/// </summary>
public readonly record struct ConversationTotals(long Conversations, long Resolved, double QualitySum, long Handoffs, long HandoffsResolved)
{
    public double? ResolutionRate => Conversations == 0 ? null : (double)Resolved / Conversations;

    public double? QualityAvg => Conversations == 0 ? null : QualitySum / Conversations;

    /// <summary>Handoffs after which the conversation resolved, over all handoffs.</summary>
    public double? HandoffEffectiveness => Handoffs == 0 ? null : (double)HandoffsResolved / Handoffs;

    /// <summary>The totals of both groups' conversations (the groups must not share a conversation).</summary>
    public ConversationTotals Add(ConversationTotals other) => new(Conversations + other.Conversations, Resolved + other.Resolved,
        QualitySum + other.QualitySum, Handoffs + other.Handoffs, HandoffsResolved + other.HandoffsResolved);
}

/// <summary>One group of <see cref="IConversationStore.TotalsAsync"/>: its tenant and bot (null when not grouped by it).</summary>
public sealed record ConversationGroup(string? TenantId, string? Bot, ConversationTotals Totals);
