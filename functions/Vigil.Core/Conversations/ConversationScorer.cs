namespace Vigil.Core.Conversations;

/// <summary>
/// Scores one conversation from its messages (in time order) and its handoff times, pure and
/// deterministic, after the EnterpriseHub seed's <c>ConversationAnalytics</c> and the product brief
/// ("Conversation quality"); the formulas are in docs/conversations.md.
/// </summary>
public static class ConversationScorer
{
    public const double TrendThreshold = 0.1;
    public const int ResolutionWindow = 3;
    public const double LengthCap = 100;
    public const double ParticipationCap = 0.6;

    /// <summary>
    /// The resolution phrases of the seed ("thank you", "goodbye", "appreciate", "helpful", "perfect",
    /// "scheduled", "great help", "that's all", …) as token sequences; one negated by a word of
    /// <see cref="SentimentLexicon.Negators"/> among the three tokens before it ("not helpful") does not count.
    /// </summary>
    public static readonly IReadOnlyList<string[]> ResolutionPhrases =
    [
        ["thank", "you"], ["thanks"], ["thank", "u"], ["goodbye"], ["bye"], ["appreciate"], ["appreciated"],
        ["helpful"], ["perfect"], ["scheduled"], ["great", "help"], ["that's", "all"], ["thats", "all"],
        ["solved"], ["resolved"], ["works", "now"], ["sorted"],
    ];

    public static ConversationScores Score(IReadOnlyList<ConversationMessage> messages, IReadOnlyList<DateTimeOffset> handoffs, SentimentLexicon lexicon)
    {
        var tokens = new List<string>[messages.Count];
        for (var i = 0; i < messages.Count; i++) tokens[i] = MessageTokens.Of(messages[i].Text);
        return Score(messages, tokens, handoffs, lexicon);
    }

    /// <summary>As above with the messages already tokenized by <see cref="MessageTokens.Of"/>.</summary>
    public static ConversationScores Score(IReadOnlyList<ConversationMessage> messages, IReadOnlyList<List<string>> tokens,
        IReadOnlyList<DateTimeOffset> handoffs, SentimentLexicon lexicon)
    {
        var n = messages.Count;
        var sentiment = new double[n];
        for (var i = 0; i < n; i++) sentiment[i] = Math.Round(lexicon.Score(tokens[i]), 4);
        var average = n == 0 ? 0 : sentiment.Average();

        var half = n / 2;
        var trend = SentimentTrend.Stable;
        if (n >= 2)
        {
            var delta = sentiment.AsSpan(half).ToArray().Average() - sentiment.AsSpan(0, half).ToArray().Average();
            // Rounded first, so a difference of exactly 0.1 in decimal terms is not pushed over by binary noise.
            delta = Math.Round(delta, 9);
            trend = delta > TrendThreshold ? SentimentTrend.Improving : delta < -TrendThreshold ? SentimentTrend.Declining : SentimentTrend.Stable;
        }

        var drift = n < 2 ? 0 : TopicDrift.Between(tokens.Take(half), tokens.Skip(half));
        var engagement = Engagement(messages);
        var resolved = IsResolved(tokens, Math.Max(0, n - ResolutionWindow), n);

        var quality = 0.25 * ((average + 1) / 2) + 0.25 * engagement + 0.25 * (1 - drift) + 0.20 * (resolved ? 1 : 0) + 0.05;

        var handoffCount = handoffs.Count;
        var handoffsResolved = 0;
        var afterFirst = 0;
        if (handoffCount > 0)
        {
            var first = handoffs.Min();
            afterFirst = messages.Count(m => m.Timestamp > first);
            if (resolved)
            {
                foreach (var h in handoffs)
                {
                    if (messages.Any(m => m.Timestamp > h)) handoffsResolved++;
                }
            }
        }

        return new ConversationScores(sentiment, Math.Round(average, 4), trend, Math.Round(drift, 4), Math.Round(engagement, 4),
            resolved, Math.Round(Math.Clamp(quality, 0, 1), 4), handoffCount, handoffsResolved, afterFirst);
    }

    /// <summary>40% mean user message length (capped at 100 characters), 30% share of user messages with a '?', 30% participation.</summary>
    public static double Engagement(IReadOnlyList<ConversationMessage> messages)
    {
        if (messages.Count == 0) return 0;
        var users = 0;
        var questions = 0;
        long length = 0;
        foreach (var m in messages)
        {
            if (m.Role != MessageRole.User) continue;
            users++;
            length += m.Text.Length;
            if (m.Text.Contains('?', StringComparison.Ordinal)) questions++;
        }
        if (users == 0) return 0;
        var lengthScore = Math.Min(length / (double)users, LengthCap) / LengthCap;
        var questionScore = questions / (double)users;
        // Participation is capped at 0.6 (a user who does all the talking is not more engaged) and scaled to 0..1.
        var participation = Math.Min(users / (double)messages.Count, ParticipationCap) / ParticipationCap;
        return 0.4 * lengthScore + 0.3 * questionScore + 0.3 * participation;
    }

    /// <summary>Whether any of messages [<paramref name="from"/>, <paramref name="to"/>) holds a resolution phrase not negated.</summary>
    public static bool IsResolved(IReadOnlyList<List<string>> tokens, int from, int to)
    {
        for (var m = from; m < to; m++)
        {
            var t = tokens[m];
            for (var i = 0; i < t.Count; i++)
            {
                foreach (var phrase in ResolutionPhrases)
                {
                    if (!Matches(t, i, phrase)) continue;
                    var negated = false;
                    for (var j = Math.Max(0, i - 3); j < i && !negated; j++) negated = SentimentLexicon.Negators.Contains(t[j]);
                    if (!negated) return true;
                }
            }
        }
        return false;
    }

    private static bool Matches(List<string> tokens, int at, string[] phrase)
    {
        if (at + phrase.Length > tokens.Count) return false;
        for (var k = 0; k < phrase.Length; k++)
        {
            if (!string.Equals(tokens[at + k], phrase[k], StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
