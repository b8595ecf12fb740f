namespace Vigil.Core.Budgets;

/// <summary>One run of a batch job, with the runbook's health bounds applied.</summary>
/// <param name="TenantId">The job's tenant (null for a global job).</param>
/// <param name="ReportedCostUsd">What the job reported at completion.</param>
public sealed record BatchRun(string RunId, string? TenantId, string Job, DateTimeOffset StartedAt, decimal? EstimatedCostUsd, string? StartedBy,
    DateTimeOffset? CompletedAt, long? Succeeded, long? Failed, decimal? ReportedCostUsd)
{
    public const double MinSuccessRate = 0.95;
    public const decimal MaxCostPerItem = 0.40m;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(4);

    /// <summary>The cost of the events attributed to this run (<c>batch_run_id</c>), from the rollups; 0 until known.</summary>
    public decimal AttributedCostUsd { get; init; }

    /// <summary>What the run cost, counted as budgets count it (<see cref="BatchRunCost.Total"/>).</summary>
    public decimal CostUsd => BatchRunCost.Total(AttributedCostUsd, ReportedCostUsd);

    public bool Completed => CompletedAt is not null;

    /// <summary>The last progress report of the run (<c>POST …/progress</c>); null before the first.</summary>
    public BatchProgress? Progress { get; init; }

    public long? Items => Succeeded + Failed;

    public double? SuccessRate => Items is > 0 ? (double)Succeeded!.Value / Items.Value : null;

    public decimal? CostPerItem => Items is > 0 ? decimal.Round(CostUsd / Items.Value, 6) : null;

    public TimeSpan Duration(DateTimeOffset now) => (CompletedAt ?? now) - StartedAt;

    /// <summary>Which of the runbook's bounds this run breaks (a running one only by duration).</summary>
    public IReadOnlyList<string> Flags(DateTimeOffset now)
    {
        var flags = new List<string>();
        if (SuccessRate is { } rate && rate < MinSuccessRate) flags.Add("success_rate_below_95_percent");
        if (CostPerItem is { } perItem && perItem > MaxCostPerItem) flags.Add("cost_per_item_above_0.40_usd");
        if (Duration(now) > MaxDuration) flags.Add("duration_above_4_hours");
        return flags;
    }
}

/// <summary>
/// The one rule for what a batch run cost, used by budgets and by the runs listing alike: the
/// events attributed to the run, plus the part of the cost the job reported at completion that
/// those events do not already carry (reported minus attributed, never below zero), so no dollar
/// counts twice and none is missed.
/// </summary>
public static class BatchRunCost
{
    public static decimal Unattributed(decimal attributedUsd, decimal? reportedUsd) => Math.Max(0m, (reportedUsd ?? 0m) - attributedUsd);

    public static decimal Total(decimal attributedUsd, decimal? reportedUsd) => attributedUsd + Unattributed(attributedUsd, reportedUsd);
}

public enum RunCompletion
{
    Completed,
    AlreadyCompleted,
    NotFound,
}
