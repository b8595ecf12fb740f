namespace Vigil.Core.Conversations;

/// <summary>The orders of <c>GET /api/conversations</c>; ties are broken by tenant and conversation id.</summary>
public enum ConversationSort
{
    /// <summary><c>-started_at</c>, the default: newest first.</summary>
    StartedAtDescending,
    StartedAtAscending,
    QualityAscending,
    QualityDescending,
}

public static class ConversationSorts
{
    public static readonly IReadOnlyList<string> Names = ["quality", "-quality", "started_at", "-started_at"];

    public static bool TryParse(string? text, out ConversationSort sort)
    {
        (var ok, sort) = text switch
        {
            null or "-started_at" => (true, ConversationSort.StartedAtDescending),
            "started_at" => (true, ConversationSort.StartedAtAscending),
            "quality" => (true, ConversationSort.QualityAscending),
            "-quality" => (true, ConversationSort.QualityDescending),
            _ => (false, ConversationSort.StartedAtDescending),
        };
        return ok;
    }

    public static bool ByQuality(this ConversationSort sort) => sort is ConversationSort.QualityAscending or ConversationSort.QualityDescending;

    public static bool Descending(this ConversationSort sort) => sort is ConversationSort.StartedAtDescending or ConversationSort.QualityDescending;
}
