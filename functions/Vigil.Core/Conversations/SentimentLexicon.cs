using System.Collections.Frozen;

namespace Vigil.Core.Conversations;

/// <summary>
/// The word lists the sentiment score reads, after the EnterpriseHub seed's <c>ConversationAnalytics</c>
/// (about 70 positive and 60 negative terms for its domain). <see cref="Default"/> is a general English
/// list for support and sales conversations; a tenant adds to it or replaces it through
/// <see cref="ConversationOptions.Lexicons"/>. Words are matched whole, lower-case, after the tokenizer
/// of <see cref="MessageTokens"/> (letters, digits and apostrophes).
/// <para>
/// A sentiment word counts +1 (positive) or −1 (negative). An intensifier among the two tokens before it
/// multiplies it by 1.5 ("very helpful"); a negator among the three tokens before it flips its sign
/// ("not helpful" is −1, "not bad" +1). A message's score is the mean of its sentiment words' values,
/// clamped to [−1, 1]; a message without any scores 0.
/// </para>
/// </summary>
public sealed class SentimentLexicon
{
    public const double IntensifierFactor = 1.5;

    public static readonly IReadOnlyList<string> DefaultPositive =
    [
        "good", "great", "excellent", "amazing", "awesome", "fantastic", "wonderful", "perfect", "love", "loved",
        "lovely", "liked", "happy", "glad", "pleased", "delighted", "satisfied", "thanks", "thank", "thankful",
        "grateful", "appreciate", "appreciated", "helpful", "useful", "easy", "quick", "fast", "smooth", "clear",
        "nice", "best", "better", "brilliant", "superb", "outstanding", "impressive", "recommend", "works", "working",
        "worked", "fixed", "solved", "resolved", "success", "successful", "correct", "thrilled", "fine", "ok",
        "okay", "cool", "friendly", "kind", "polite", "patient", "reliable", "accurate", "convenient", "affordable",
        "fair", "excited", "exciting", "interested", "enjoy", "enjoyed", "yes", "sure", "wow", "beautiful",
    ];

    public static readonly IReadOnlyList<string> DefaultNegative =
    [
        "bad", "terrible", "awful", "horrible", "poor", "worst", "worse", "hate", "hated", "dislike",
        "angry", "annoyed", "annoying", "frustrated", "frustrating", "upset", "disappointed", "disappointing", "unhappy", "sad",
        "useless", "unhelpful", "broken", "bug", "buggy", "error", "errors", "fail", "failed", "failing",
        "failure", "wrong", "slow", "confusing", "confused", "difficult", "painful", "problem", "problems", "issue",
        "issues", "crash", "crashed", "stuck", "waste", "wasted", "expensive", "overpriced", "rude", "unacceptable",
        "ridiculous", "complaint", "cancel", "refund", "worthless", "nobody", "delay", "delayed", "lost", "scam",
    ];

    /// <summary>Words that flip the polarity of a sentiment word up to three tokens after them.</summary>
    public static readonly FrozenSet<string> Negators = FrozenSet.ToFrozenSet(
    [
        "not", "no", "never", "nothing", "none", "neither", "nor", "hardly", "barely", "without",
        "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't", "weren't", "won't", "wouldn't", "can't",
        "cannot", "couldn't", "shouldn't", "haven't", "hasn't", "hadn't", "dont", "doesnt", "didnt", "isnt",
        "wasnt", "cant", "wont",
    ], StringComparer.Ordinal);

    /// <summary>Words that strengthen a sentiment word up to two tokens after them.</summary>
    public static readonly FrozenSet<string> Intensifiers = FrozenSet.ToFrozenSet(
    [
        "very", "really", "extremely", "so", "super", "incredibly", "totally", "absolutely", "completely", "truly",
        "highly", "quite", "too", "utterly", "most",
    ], StringComparer.Ordinal);

    public static SentimentLexicon Default { get; } = new(DefaultPositive, DefaultNegative);

    private readonly FrozenDictionary<string, double> _polarity;

    public SentimentLexicon(IEnumerable<string> positive, IEnumerable<string> negative)
    {
        var words = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var w in positive) words[Normalize(w)] = 1;
        // A word in both lists is negative: complaints matter more than compliments to a reviewer.
        foreach (var w in negative) words[Normalize(w)] = -1;
        _polarity = words.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public int Count => _polarity.Count;

    /// <summary>The default lists extended with (or, with <paramref name="replace"/>, replaced by) a tenant's own.</summary>
    public static SentimentLexicon From(IEnumerable<string>? positive, IEnumerable<string>? negative, bool replace) => replace
        ? new SentimentLexicon(positive ?? [], negative ?? [])
        : new SentimentLexicon(DefaultPositive.Concat(positive ?? []), DefaultNegative.Concat(negative ?? []));

    /// <summary>+1, −1, or 0 for a word in neither list.</summary>
    public double Polarity(string token) => _polarity.GetValueOrDefault(token);

    /// <summary>The score of one tokenized message, in [−1, 1].</summary>
    public double Score(IReadOnlyList<string> tokens)
    {
        double sum = 0;
        var hits = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var value = Polarity(tokens[i]);
            if (value == 0) continue;
            for (var j = Math.Max(0, i - 2); j < i; j++)
            {
                if (Intensifiers.Contains(tokens[j]))
                {
                    value *= IntensifierFactor;
                    break;
                }
            }
            for (var j = Math.Max(0, i - 3); j < i; j++)
            {
                if (Negators.Contains(tokens[j]))
                {
                    value = -value;
                    break;
                }
            }
            sum += value;
            hits++;
        }
        return hits == 0 ? 0 : Math.Clamp(sum / hits, -1, 1);
    }

    internal static string Normalize(string word) => word.Trim().ToLowerInvariant().Replace('\u2019', '\'');
}
