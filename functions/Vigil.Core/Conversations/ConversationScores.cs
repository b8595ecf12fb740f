namespace Vigil.Core.Conversations;

/// <summary>
/// What <see cref="ConversationScorer"/> derives from a conversation's messages and handoffs. These are
/// kept after the message text is erased.
/// </summary>
/// <param name="Sentiment">Per-message sentiment in [-1, 1], in message order.</param>
/// <param name="SentimentAverage">Mean of <paramref name="Sentiment"/> (0 with no messages).</param>
/// <param name="Trend">Second half against first half, ±0.1.</param>
/// <param name="TopicDrift">0 (same topic) … 1 (nothing in common) between the halves.</param>
/// <param name="Engagement">0..1: 40% user message length, 30% question frequency, 30% participation.</param>
/// <param name="Resolved">A resolution phrase (not negated) in one of the last three messages.</param>
/// <param name="Quality">0..1: 25% sentiment, 25% engagement, 25% coherence, 20% resolution, 5% baseline.</param>
/// <param name="Handoffs">Handoffs in the conversation (blocked ones excluded: they did not happen).</param>
/// <param name="HandoffsResolved">Handoffs followed by at least one message in a conversation that resolved.</param>
/// <param name="MessagesAfterHandoff">Messages after the first handoff (0 without handoffs).</param>
public sealed record ConversationScores(
    IReadOnlyList<double> Sentiment,
    double SentimentAverage,
    SentimentTrend Trend,
    double TopicDrift,
    double Engagement,
    bool Resolved,
    double Quality,
    int Handoffs,
    int HandoffsResolved,
    int MessagesAfterHandoff)
{
    /// <summary>The conversation resolved after its last handoff (null without handoffs).</summary>
    public bool? ResolvedAfterHandoff => Handoffs == 0 ? null : HandoffsResolved > 0 && HandoffsResolved == Handoffs;
}
