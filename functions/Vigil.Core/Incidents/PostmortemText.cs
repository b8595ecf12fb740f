namespace Vigil.Core.Incidents;

/// <summary>What a postmortem says: the playbook's incident fields (its duration is the alert's own timestamps).</summary>
public sealed record PostmortemText(string Summary, string Impact, string RootCause, string Resolution, string Prevention, IReadOnlyList<string> ActionItems)
{
    public const int MaxSummaryLength = 2_000;
    public const int MaxFieldLength = 10_000;
    public const int MaxActionItems = 50;
    public const int MaxActionItemLength = 500;
}
