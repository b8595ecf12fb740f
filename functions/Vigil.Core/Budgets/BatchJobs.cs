namespace Vigil.Core.Budgets;

/// <summary>A registered batch job and whether it may run.</summary>
public sealed record BatchJob(string Name, string Description, bool Enabled, string? DisabledReason, string? DisabledBy, DateTimeOffset? DisabledAt,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public const string BudgetPrefix = "budget:";

    /// <summary>The budget that disabled the job, if a budget did.</summary>
    public string? DisablingBudget => DisabledBy?.StartsWith(BudgetPrefix, StringComparison.Ordinal) == true ? DisabledBy[BudgetPrefix.Length..] : null;
}

public sealed record BatchJobAudit(string Action, string By, string? Reason, DateTimeOffset At);

/// <summary>One run of a batch job, with the runbook's health bounds applied.</summary>
public sealed record BatchRun(string RunId, string Job, DateTimeOffset StartedAt, decimal? EstimatedCostUsd, string? StartedBy,
    DateTimeOffset? CompletedAt, long? Succeeded, long? Failed, decimal? CostUsd)
{
    public const double MinSuccessRate = 0.95;
    public const decimal MaxCostPerItem = 0.40m;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(4);

    public bool Completed => CompletedAt is not null;

    public long? Items => Succeeded + Failed;

    public double? SuccessRate => Items is > 0 ? (double)Succeeded!.Value / Items.Value : null;

    public decimal? CostPerItem => Items is > 0 && CostUsd is { } cost ? decimal.Round(cost / Items.Value, 6) : null;

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

public enum RunCompletion
{
    Completed,
    AlreadyCompleted,
    NotFound,
}

public interface IBatchJobStore
{
    Task<bool> UpsertAsync(string name, string description, DateTimeOffset at, CancellationToken cancellationToken);

    Task<BatchJob?> GetAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<BatchJob>> ListAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<BatchJobAudit>> AuditAsync(string name, int limit, CancellationToken cancellationToken);

    /// <summary>Operator enable/disable, audited; returns the job, or null when unknown.</summary>
    Task<BatchJob?> SetEnabledAsync(string name, bool enabled, string by, string? reason, DateTimeOffset at, CancellationToken cancellationToken);

    Task<BatchRun> StartRunAsync(string job, decimal? estimatedCostUsd, string? startedBy, DateTimeOffset at, CancellationToken cancellationToken);

    Task<(RunCompletion Outcome, BatchRun? Run)> CompleteRunAsync(string job, string runId, long succeeded, long failed, decimal costUsd, DateTimeOffset at, CancellationToken cancellationToken);

    Task<IReadOnlyList<BatchRun>> RunsAsync(string job, int limit, CancellationToken cancellationToken);

    /// <summary>Runs completed in [from, to), with their reported costs.</summary>
    Task<IReadOnlyList<BatchRun>> CompletedRunsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Jobs a budget disabled before <paramref name="before"/> are enabled again (audited); returns their names.</summary>
    Task<IReadOnlyList<string>> ReenableBudgetDisabledAsync(DateTimeOffset before, DateTimeOffset at, CancellationToken cancellationToken);
}

public interface IBudgetStore
{
    Task<IReadOnlyList<Budget>> ListAsync(CancellationToken cancellationToken);

    Task<Budget?> GetAsync(string name, CancellationToken cancellationToken);

    Task<bool> UpsertAsync(Budget budget, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<ThresholdCrossing>> CrossingsAsync(string budget, DateTimeOffset periodStart, CancellationToken cancellationToken);

    /// <summary>
    /// Records the crossing once per period (the primary key decides, also across hosts). Only when
    /// this call recorded it, and in the same transaction, the jobs are disabled (audited) and the
    /// notifications recorded as pending; returns those, or null when the crossing existed already.
    /// </summary>
    Task<CrossingRecorded?> RecordCrossingAsync(ThresholdCrossing crossing, IReadOnlyList<string> channels, IReadOnlyList<string> jobsToDisable,
        string disableReason, CancellationToken cancellationToken);

    Task CompleteNotificationAsync(long id, Alerts.DeliveryStatus status, int attempts, DateTimeOffset? sentAt, string? error, CancellationToken cancellationToken);

    /// <summary>Notifications recorded but never completed (the host stopped mid-send), claimed for another try.</summary>
    Task<IReadOnlyList<(ThresholdCrossing Crossing, BudgetNotificationRecord Notification)>> StalePendingNotificationsAsync(DateTimeOffset olderThan, DateTimeOffset at, CancellationToken cancellationToken);
}

public sealed record CrossingRecorded(IReadOnlyList<BudgetNotificationRecord> Notifications, IReadOnlyList<string> DisabledJobs);
