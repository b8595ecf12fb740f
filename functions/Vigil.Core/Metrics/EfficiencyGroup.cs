namespace Vigil.Core.Metrics;

/// <summary>
/// One group of the efficiency ranking. <see cref="Calls"/> are the group's events that can fail
/// (every type but feedback and message), <see cref="Successes"/> those of them that succeeded
/// (<c>success</c> true, the default) — the successful interactions. <see cref="CostUsd"/> is the cost
/// of all the group's events. <see cref="Rank"/> is 1 for the cheapest cost per success; null, with a
/// null cost per success, for a group without successes (ranked last).
/// </summary>
public sealed record EfficiencyGroup(IReadOnlyDictionary<string, string?> Key, int? Rank, long Calls, long Successes, double? SuccessRate,
    decimal CostUsd, decimal? CostPerSuccessUsd);
