namespace Vigil.Core.Alerts;

/// <summary>Alert rules, addressed by (tenant, name); null is the global scope. Every method puts the scope in its SQL.</summary>
public interface IAlertRuleStore
{
    Task<IReadOnlyList<AlertRule>> ListAsync(TenantScope scope, CancellationToken cancellationToken);

    Task<AlertRule?> GetAsync(string? tenantId, string name, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the rule of its scope; true when created.</summary>
    Task<bool> UpsertAsync(AlertRule rule, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string? tenantId, string name, CancellationToken cancellationToken);

    Task<AlertRule?> SetEnabledAsync(string? tenantId, string name, bool enabled, DateTimeOffset at, CancellationToken cancellationToken);
}

public enum AckOutcome
{
    Acknowledged,
    AlreadyAcknowledged,
    Resolved,
    NotFound,
}

/// <summary>An escalation level due now (local host).</summary>
public sealed record EscalationClaim(Guid AlertId, int Level);

public interface IAlertStore
{
    /// <summary>A transaction holding the evaluation lock: two hosts evaluating at once take turns.</summary>
    Task<IAlertEvaluationSession> BeginEvaluationAsync(CancellationToken cancellationToken);

    Task<Alert?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The alert, if it is in <paramref name="scope"/> (by the alert's tenant, <see cref="Alert.TenantId"/>).</summary>
    Task<Alert?> GetAsync(Guid id, TenantScope scope, CancellationToken cancellationToken);

    /// <summary>Newest first: alerts in <paramref name="scope"/> (by the alert's tenant), optionally of one state and rule name.</summary>
    Task<IReadOnlyList<Alert>> ListAsync(AlertState? state, string? rule, TenantScope scope, int limit, CancellationToken cancellationToken);

    /// <summary>Pending or firing becomes acknowledged (escalation stops); a repeat keeps the first ack.</summary>
    Task<(AckOutcome Outcome, Alert? Alert)> AcknowledgeAsync(Guid id, string by, string? note, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records sends about to happen (status pending); they are completed after delivery.</summary>
    Task<IReadOnlyList<NotificationRecord>> AddNotificationsAsync(Guid alertId, int level, NotificationKind kind, IEnumerable<string> channels, DateTimeOffset at, CancellationToken cancellationToken);

    Task CompleteNotificationAsync(long id, DeliveryStatus status, int attempts, DateTimeOffset? sentAt, string? error, CancellationToken cancellationToken);

    /// <summary>Sends recorded but never completed (the host died mid-send), for another try.</summary>
    Task<IReadOnlyList<(Guid AlertId, NotificationRecord Notification)>> StalePendingNotificationsAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);

    /// <summary>Local host: takes escalation levels due by <paramref name="now"/> (FOR UPDATE SKIP LOCKED), leased for a while.</summary>
    Task<IReadOnlyList<EscalationClaim>> ClaimDueEscalationsAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken);

    Task<DateTimeOffset?> NextEscalationDueAsync(CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: records the level's sends (pending), raises the alert's escalation level,
    /// and schedules the next level (or ends the schedule). A level is therefore recorded exactly once.
    /// </summary>
    Task<IReadOnlyList<NotificationRecord>> RecordEscalationLevelAsync(Guid alertId, int level, IEnumerable<string> channels, DateTimeOffset at, DateTimeOffset? nextDue, CancellationToken cancellationToken);

    Task EndEscalationAsync(Guid alertId, CancellationToken cancellationToken);
}

public interface IAlertEvaluationSession : IAsyncDisposable
{
    Task<IReadOnlyList<Alert>> OpenAlertsAsync(CancellationToken cancellationToken);

    /// <summary>When each (rule's tenant, rule, group) last had a fired alert resolve, for cooldowns.</summary>
    Task<IReadOnlyDictionary<(string? RuleTenant, string Rule, string GroupKey), DateTimeOffset>> LastFiredResolutionsAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the changes. Newly firing alerts get their level 1 due in alert_escalations in the same
    /// transaction, so an escalation can never be lost between firing and starting: the local host
    /// sends due levels from there, the Functions app starts an orchestration for each.
    /// </summary>
    Task ApplyAsync(IReadOnlyList<AlertChange> changes, CancellationToken cancellationToken);

    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>
/// What a host does when alerts fire, after the transaction that fired them committed. The local
/// host sends level 1 at once and wakes its scheduler; the Functions app needs nothing here (its
/// EvaluateAlerts function starts the orchestrations).
/// </summary>
public interface IEscalationDriver
{
    /// <summary>Newly firing alerts (after the transaction that fired them committed).</summary>
    Task OnFiredAsync(IReadOnlyList<Alert> fired, CancellationToken cancellationToken);
}

/// <summary>
/// The default: nothing beyond the level 1 due row the evaluation wrote. The local host replaces it
/// with one that also sends level 1 at once.
/// </summary>
public sealed class ScheduledEscalationDriver : IEscalationDriver
{
    public Task OnFiredAsync(IReadOnlyList<Alert> fired, CancellationToken cancellationToken) => Task.CompletedTask;
}
