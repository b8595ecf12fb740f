using Vigil.Core.Conversations;

namespace Vigil.Core.Tests;

/// <summary>Each score pinned on a hand-written conversation; the arithmetic is in the comments.</summary>
public class ConversationScoringTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static List<ConversationMessage> Chat(params string[] lines) =>
        [.. lines.Select((line, i) => new ConversationMessage(T0.AddSeconds(i * 10), line.StartsWith("U:", StringComparison.Ordinal) ? MessageRole.User : MessageRole.Bot, line[2..].Trim()))];

    private static ConversationScores Score(List<ConversationMessage> messages, params DateTimeOffset[] handoffs) =>
        ConversationScorer.Score(messages, handoffs, SentimentLexicon.Default);

    [Fact]
    public void Sentiment_counts_words_flips_them_after_a_negator_and_strengthens_them_after_an_intensifier()
    {
        double S(string text) => SentimentLexicon.Default.Score(MessageTokens.Of(text));
        Assert.Equal(1, S("This is helpful"));
        Assert.Equal(-1, S("This is not helpful"));
        Assert.Equal(-1, S("That isn’t helpful at all"));       // typographic apostrophe
        Assert.Equal(1, S("No problem"));                       // "problem" negated
        Assert.Equal(1, S("very helpful"));                     // 1.5, clamped to 1
        Assert.Equal(0.25, S("very helpful but slow"), 10);     // (1.5 − 1) / 2
        Assert.Equal(-0.25, S("not very helpful, but fine"), 10); // (−1.5 + 1) / 2
        Assert.Equal(0, S("I want to change my address"));
    }

    [Fact]
    public void A_resolved_happy_conversation_scores_high()
    {
        var s = Score(Chat(
            "U: Hi, can I book a viewing of the flat on Elm Street this Saturday?",
            "B: Sure! Saturday at 10:00 or 14:00 is available for the Elm Street flat.",
            "U: 14:00 would be great. Is parking available near the flat?",
            "B: Yes, free parking in front. Your viewing is scheduled for Saturday 14:00.",
            "U: Perfect, thank you so much, that was really helpful!",
            "B: Glad to help. Goodbye!"));
        // Sentiment per message: [0, 1 (sure), 1 (great), 1 (yes), 1 (perfect, thank, helpful), 1 (glad)].
        Assert.Equal([0, 1, 1, 1, 1, 1], s.Sentiment);
        Assert.Equal(0.8333, s.SentimentAverage);
        // Halves [0, 1, 1] and [1, 1, 1]: +0.33 > 0.1.
        Assert.Equal(SentimentTrend.Improving, s.Trend);
        Assert.True(s.Resolved);
        // Users wrote 3 of 6 messages (0.3 · 0.5 / 0.6), two of three with a question (0.3 · 2/3), and
        // 65, 57 and 52 characters (0.4 · 58 / 100): 0.25 + 0.2 + 0.232.
        Assert.Equal(0.682, s.Engagement);
        Assert.InRange(s.TopicDrift, 0.5, 1);
        Assert.Equal(0.25 * ((0.8333 + 1) / 2) + 0.25 * s.Engagement + 0.25 * (1 - s.TopicDrift) + 0.20 + 0.05, s.Quality, 3);
        Assert.True(s.Quality > 0.7, $"quality {s.Quality}");
        Assert.Null(s.ResolvedAfterHandoff);
    }

    [Fact]
    public void A_declining_conversation_trends_down_and_does_not_resolve()
    {
        var s = Score(Chat(
            "U: Great, thanks for the quick reply about my order",
            "B: Happy to help with your order.",
            "U: The tracking page shows an error and the parcel is delayed",
            "B: I am sorry, the parcel is stuck at the depot.",
            "U: This is terrible and frustrating, I want a refund",
            "B: I understand."));
        Assert.Equal([1, 1, -1, -1, -1, 0], s.Sentiment);
        Assert.Equal(SentimentTrend.Declining, s.Trend); // (−2/3) − (1/3) = −1
        Assert.False(s.Resolved);
        Assert.True(s.Quality < 0.5, $"quality {s.Quality}");
    }

    [Fact]
    public void Trend_within_a_tenth_is_stable()
    {
        var s = Score(Chat("U: good", "B: good", "U: fine", "B: good but slow"));
        // Halves [1, 1] and [1, 0]: −0.5 → declining; [1, 0] then [0, 1]: 0 → stable.
        Assert.Equal(SentimentTrend.Declining, s.Trend);
        Assert.Equal(SentimentTrend.Stable, Score(Chat("U: good", "B: address", "U: address", "B: great")).Trend);
    }

    [Fact]
    public void A_drifting_conversation_has_high_drift_and_a_coherent_one_low()
    {
        var drifting = Score(Chat(
            "U: mortgage rates for a fixed mortgage",
            "B: fixed mortgage rates start at four percent",
            "U: also what about football tickets tonight",
            "B: football tickets sold out tonight"));
        Assert.Equal(1, drifting.TopicDrift); // no term shared between the halves
        var coherent = Score(Chat(
            "U: mortgage rates for a fixed mortgage",
            "B: fixed mortgage rates start at four percent",
            "U: is the fixed mortgage rate lower for ten years",
            "B: fixed mortgage rates for ten years are lower"));
        Assert.InRange(coherent.TopicDrift, 0.05, 0.6);
        Assert.True(coherent.Quality > drifting.Quality);
    }

    [Fact]
    public void Drift_falls_back_to_jaccard_when_a_half_is_only_stop_words()
    {
        // Halves {"hi", "there"} and {"hi", "you"}: TF-IDF has no terms; Jaccard 1/3 → drift 2/3.
        Assert.Equal(0.6667, Score(Chat("U: hi there", "B: hi you")).TopicDrift);
        Assert.Equal(0, Score(Chat("U: hello")).TopicDrift);
    }

    [Fact]
    public void Engagement_weights_length_questions_and_participation()
    {
        // One user message of 100 characters with a '?', one bot message: 0.4·1 + 0.3·1 + 0.3·(0.5/0.6).
        var text = new string('a', 99) + "?";
        Assert.Equal(0.4 + 0.3 + 0.3 * (0.5 / 0.6), ConversationScorer.Engagement(Chat("U: " + text, "B: ok")), 10);
        // 50 characters, no question, alone: 0.4·0.5 + 0 + 0.3·1.
        Assert.Equal(0.5, ConversationScorer.Engagement(Chat("U: " + new string('b', 50))), 10);
        Assert.Equal(0, ConversationScorer.Engagement(Chat("B: anyone there?")));
    }

    [Fact]
    public void Resolution_looks_at_the_last_three_messages_and_ignores_negated_phrases()
    {
        Assert.True(Score(Chat("U: thanks", "B: a", "B: b", "B: c")).Resolved is false);
        Assert.True(Score(Chat("U: a", "B: b", "U: that's all, thank you")).Resolved);
        Assert.False(Score(Chat("U: a", "B: b", "U: this was not helpful")).Resolved);
        Assert.True(Score(Chat("U: a", "B: your appointment is scheduled")).Resolved);
    }

    [Fact]
    public void A_handoff_that_resolved_counts_and_one_that_did_not_does_not()
    {
        var messages = Chat(
            "U: I need to sell my house",
            "B: Let me pass you to our seller specialist.",
            "B: Hi, I can value your house this week.",
            "U: Perfect, thank you!");
        var resolved = Score(messages, T0.AddSeconds(15));
        Assert.Equal(1, resolved.Handoffs);
        Assert.Equal(1, resolved.HandoffsResolved);
        Assert.Equal(2, resolved.MessagesAfterHandoff);
        Assert.True(resolved.ResolvedAfterHandoff);

        var unresolved = Score(Chat(
            "U: I need to sell my house",
            "B: Let me pass you to our seller specialist.",
            "B: Hi, what is the address?",
            "U: This is too slow, forget it"), T0.AddSeconds(15));
        Assert.Equal(1, unresolved.Handoffs);
        Assert.Equal(0, unresolved.HandoffsResolved);
        Assert.False(unresolved.ResolvedAfterHandoff);

        // Resolved before a handoff with nothing after it: the handoff did not resolve anything.
        var late = Score(messages, T0.AddSeconds(60));
        Assert.False(late.ResolvedAfterHandoff);
        Assert.Equal(0, late.MessagesAfterHandoff);
    }

    [Fact]
    public void Quality_is_the_weighted_composite()
    {
        var s = Score(Chat("U: hi there", "B: hi you"));
        // sentiment 0 → 0.5; engagement 0.4·(8/100) + 0 + 0.3·(0.5/0.6); drift 2/3; not resolved.
        var engagement = 0.4 * 0.08 + 0.3 * (0.5 / 0.6);
        Assert.Equal(Math.Round(engagement, 4), s.Engagement);
        Assert.Equal(Math.Round(0.25 * 0.5 + 0.25 * engagement + 0.25 * (1 - 2.0 / 3) + 0.05, 4), s.Quality);
    }

    [Fact]
    public void A_tenant_lexicon_extends_or_replaces_the_default()
    {
        var extended = SentimentLexicon.From(["escrow"], ["foreclosure"], replace: false);
        Assert.Equal(1, extended.Score(MessageTokens.Of("escrow closed")));
        Assert.Equal(-1, extended.Score(MessageTokens.Of("foreclosure")));
        Assert.Equal(1, extended.Score(MessageTokens.Of("great")));
        var replaced = SentimentLexicon.From(["escrow"], ["foreclosure"], replace: true);
        Assert.Equal(0, replaced.Score(MessageTokens.Of("great")));
        Assert.True(SentimentLexicon.DefaultPositive.Count >= 60 && SentimentLexicon.DefaultNegative.Count >= 55);
    }

    [Fact]
    public void Bots_are_listed_in_order_of_first_appearance_and_switches_counted()
    {
        string[] bots = ["lead_bot", "lead_bot", "seller_bot", "lead_bot", "buyer_bot"];
        Assert.Equal(["lead_bot", "seller_bot", "buyer_bot"], ConversationTimeline.Bots(bots));
        Assert.Equal(3, ConversationTimeline.AgentSwitches(bots));
    }
}
