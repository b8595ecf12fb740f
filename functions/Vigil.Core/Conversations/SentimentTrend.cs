namespace Vigil.Core.Conversations;

/// <summary>The second half's mean sentiment against the first half's (±0.1 is still stable).</summary>
public enum SentimentTrend : short
{
    Stable = 0,
    Improving = 1,
    Declining = 2,
}

public static class SentimentTrends
{
    public static string ToName(this SentimentTrend trend) => trend switch
    {
        SentimentTrend.Improving => "improving",
        SentimentTrend.Declining => "declining",
        _ => "stable",
    };

    public static SentimentTrend Parse(string? name) => name switch
    {
        "improving" => SentimentTrend.Improving,
        "declining" => SentimentTrend.Declining,
        _ => SentimentTrend.Stable,
    };
}
