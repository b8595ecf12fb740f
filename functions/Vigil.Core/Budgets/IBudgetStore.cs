namespace Vigil.Core.Budgets;

/// <summary>
/// Budgets and what their thresholds did. A budget is addressed by (tenant, name): null is the
/// global scope. Every method puts the scope in its SQL.
/// </summary>
public interface IBudgetStore
{
    Task<IReadOnlyList<Budget>> ListAsync(TenantScope scope, CancellationToken cancellationToken);

    Task<Budget?> GetAsync(string? tenantId, string name, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the budget of its scope; true when created.</summary>
    Task<bool> UpsertAsync(Budget budget, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string? tenantId, string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<ThresholdCrossing>> CrossingsAsync(string? tenantId, string budget, DateTimeOffset periodStart, CancellationToken cancellationToken);

    /// <summary>
    /// Records the crossing once per period (a unique key decides, also across hosts). Only when
    /// this call recorded it, and in the same transaction, the selected jobs are disabled (audited)
    /// and the notifications recorded as pending; returns those, or null when the crossing existed
    /// already. Jobs of the budget's own scope get <paramref name="disableReason"/>; jobs of other
    /// tenants (a global budget's "all") get <paramref name="disableReasonElsewhere"/>, which must
    /// not show the global budget's spend.
    /// </summary>
    Task<CrossingRecorded?> RecordCrossingAsync(ThresholdCrossing crossing, IReadOnlyList<string> channels, BatchJobSelection jobsToDisable,
        string disableReason, string disableReasonElsewhere, CancellationToken cancellationToken);

    Task CompleteNotificationAsync(long id, Alerts.DeliveryStatus status, int attempts, DateTimeOffset? sentAt, string? error, CancellationToken cancellationToken);

    /// <summary>Notifications recorded but never completed (the host stopped mid-send), claimed for another try.</summary>
    Task<IReadOnlyList<(ThresholdCrossing Crossing, BudgetNotificationRecord Notification)>> StalePendingNotificationsAsync(DateTimeOffset olderThan, DateTimeOffset at,
        CancellationToken cancellationToken);
}

/// <summary>What recording a crossing did: the notifications to send and the jobs it stopped (named as the budget sees them).</summary>
public sealed record CrossingRecorded(IReadOnlyList<BudgetNotificationRecord> Notifications, IReadOnlyList<string> DisabledJobs);
