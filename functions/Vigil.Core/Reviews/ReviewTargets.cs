namespace Vigil.Core.Reviews;

/// <summary>The BestBox playbook's Monday review targets (docs/review.md): TTFT P95 under 2 s, error rate under 5%, satisfaction over 80%.</summary>
public static class ReviewTargets
{
    public const double TtftP95Ms = 2000;
    public const double ErrorRate = 0.05;
    public const double SatisfactionRate = 0.80;

    /// <summary>The playbook's incident targets: detected within 5 minutes, resolved within 30.</summary>
    public const double MttdSeconds = 5 * 60;

    public const double MttrSeconds = 30 * 60;

    /// <summary>Misrouted: a conversation that went through more than this many distinct bots.</summary>
    public const int MisroutedBots = 2;

    /// <summary>How many bots, tools and misrouted conversations the lists show.</summary>
    public const int ListLimit = 10;
}
