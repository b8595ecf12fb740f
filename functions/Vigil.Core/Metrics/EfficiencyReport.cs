namespace Vigil.Core.Metrics;

/// <summary>The efficiency report of a window (<c>GET /api/reports/efficiency</c>).</summary>
public sealed record EfficiencyReport(string Window, DateTimeOffset From, DateTimeOffset To, string GroupBy, IReadOnlyList<EfficiencyGroup> Groups,
    DateTimeOffset? CompleteUpTo);
