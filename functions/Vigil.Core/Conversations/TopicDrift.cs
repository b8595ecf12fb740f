using System.Collections.Frozen;

namespace Vigil.Core.Conversations;

/// <summary>
/// Topic drift between a conversation's halves, as the seed computes it: 1 − the cosine similarity of
/// the halves' TF-IDF vectors (two documents, English stop words removed, smoothed idf
/// <c>ln((1 + n) / (1 + df)) + 1</c> as scikit-learn's <c>TfidfVectorizer</c>), so 0 is the same topic and
/// 1 nothing in common. When TF-IDF has nothing to work on (a half made only of stop words), it falls back
/// to 1 − the Jaccard overlap of the halves' word sets, stop words included. Fewer than two messages,
/// or two empty halves, drift 0.
/// </summary>
public static class TopicDrift
{
    public static readonly FrozenSet<string> StopWords = FrozenSet.ToFrozenSet(
    [
        "a", "an", "the", "and", "or", "but", "if", "then", "so", "of", "to", "in", "on", "at", "by", "for", "with",
        "about", "from", "up", "down", "out", "over", "into", "as", "is", "am", "are", "was", "were", "be", "been",
        "being", "have", "has", "had", "do", "does", "did", "i", "me", "my", "we", "our", "you", "your", "he", "she",
        "it", "its", "they", "them", "their", "this", "that", "these", "those", "what", "which", "who", "whom",
        "can", "could", "will", "would", "shall", "should", "may", "might", "must", "just", "also", "too", "very",
        "i'm", "it's", "you're", "i'd", "i'll", "we're", "there", "here", "when", "where", "how", "why", "all",
        "any", "some", "not", "no", "yes", "please", "hi", "hello", "ok", "okay", "thanks", "thank", "than",
    ], StringComparer.Ordinal);

    /// <summary>Drift between <paramref name="first"/> and <paramref name="second"/>, each a half's tokens.</summary>
    public static double Between(IEnumerable<IReadOnlyList<string>> first, IEnumerable<IReadOnlyList<string>> second)
    {
        var a = Counts(first, out var allA);
        var b = Counts(second, out var allB);
        if (a.Count > 0 && b.Count > 0) return Math.Clamp(1 - Cosine(a, b), 0, 1);
        if (allA.Count == 0 && allB.Count == 0) return 0;
        var shared = allA.Count(allB.Contains);
        var union = allA.Count + allB.Count - shared;
        return Math.Clamp(1 - (double)shared / union, 0, 1);
    }

    private static Dictionary<string, int> Counts(IEnumerable<IReadOnlyList<string>> messages, out HashSet<string> all)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tokens in messages)
        {
            foreach (var t in tokens)
            {
                all.Add(t);
                if (StopWords.Contains(t) || t.Length < 2) continue;
                counts[t] = counts.GetValueOrDefault(t) + 1;
            }
        }
        return counts;
    }

    private static double Cosine(Dictionary<string, int> a, Dictionary<string, int> b)
    {
        // Two documents: a term in both has df 2, idf ln(3/3)+1 = 1; in one, df 1, idf ln(3/2)+1.
        var single = Math.Log(1.5) + 1;
        double dot = 0, normA = 0, normB = 0;
        foreach (var (term, count) in a)
        {
            var inB = b.TryGetValue(term, out var countB);
            var idf = inB ? 1 : single;
            var wa = count * idf;
            normA += wa * wa;
            if (inB) dot += wa * countB * idf;
        }
        foreach (var (term, count) in b)
        {
            var idf = a.ContainsKey(term) ? 1 : single;
            var wb = count * idf;
            normB += wb * wb;
        }
        return dot / (Math.Sqrt(normA) * Math.Sqrt(normB));
    }
}
