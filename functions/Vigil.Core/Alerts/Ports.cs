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

public enum ResolveOutcome
{
    Resolved,
    AlreadyResolved,
    NotFound,
}

/// <summary>An escalation step due now (local host).</summary>
public sealed record EscalationClaim(Guid AlertId, int Step);

/// <summary>One channel a step sends to, and the people (ids) the send is for.</summary>
public sealed record StepSend(string Channel, IReadOnlyList<string> Recipients);

/// <summary>Alerts and their transitions (the notification log and the local escalation schedule are their own ports).</summary>
public interface IAlertStore
{
    /// <summary>A transaction holding the evaluation lock: two hosts evaluating at once take turns.</summary>
    Task<IAlertEvaluationSession> BeginEvaluationAsync(CancellationToken cancellationToken);

    Task<Alert?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The alert, if it is in <paramref name="scope"/> (by the alert's tenant, <see cref="Alert.TenantId"/>).</summary>
    Task<Alert?> GetAsync(Guid id, TenantScope scope, CancellationToken cancellationToken);

    /// <summary>Newest first: alerts in <paramref name="scope"/> (by the alert's tenant), optionally of one state and rule name.</summary>
    Task<IReadOnlyList<Alert>> ListAsync(AlertState? state, string? rule, TenantScope scope, int limit, CancellationToken cancellationToken);

    /// <summary>As above; <paramref name="withPostmortem"/> true keeps only alerts with a postmortem, false only those without.</summary>
    Task<IReadOnlyList<Alert>> ListAsync(AlertState? state, string? rule, bool? withPostmortem, TenantScope scope, int limit, CancellationToken cancellationToken);

    /// <summary>Pending or firing becomes acknowledged (escalation stops); a repeat keeps the first ack.</summary>
    Task<(AckOutcome Outcome, Alert? Alert)> AcknowledgeAsync(Guid id, string by, string? note, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>An open alert resolved by hand (escalation stops); a resolved one stays as it was.</summary>
    Task<(ResolveOutcome Outcome, Alert? Alert)> ResolveAsync(Guid id, string by, string? note, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction, for a firing alert whose last step is before <paramref name="step"/>:
    /// records the step's sends (pending), raises the alert's step and level, and ends any hold.
    /// A step is therefore recorded exactly once; empty when it was already (or the alert stopped).
    /// </summary>
    Task<IReadOnlyList<NotificationRecord>> RecordStepAsync(Guid alertId, EscalationStep step, IReadOnlyList<StepSend> sends, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// A step a silence muted: its sends recorded as suppressed (once per step) and the alert held
    /// until <paramref name="until"/>. False when the alert is no longer firing or past the step.
    /// </summary>
    Task<bool> HoldStepAsync(Guid alertId, EscalationStep step, IReadOnlyList<StepSend> sends, string reason, DateTimeOffset until, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Firing alerts in <paramref name="scope"/> (by the alert's tenant) a silence is holding at <paramref name="at"/>.</summary>
    Task<IReadOnlyList<Guid>> HeldAsync(DateTimeOffset at, TenantScope scope, CancellationToken cancellationToken);

    /// <summary>The alert's random acknowledge-link nonce, made on first use with the token's hash beside it.</summary>
    Task<byte[]> AckNonceAsync(Guid alertId, Func<byte[], byte[]> tokenHashOf, CancellationToken cancellationToken);

    /// <summary>The alert whose acknowledge-link token hashes to <paramref name="tokenHash"/>.</summary>
    Task<Alert?> FindByAckTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken);
}

/// <summary>Every notification of every alert: recorded before it is sent, completed after.</summary>
public interface INotificationLog
{
    /// <summary>Records sends about to happen (status pending); they are completed after delivery.</summary>
    Task<IReadOnlyList<NotificationRecord>> AddAsync(Guid alertId, int level, NotificationKind kind, IEnumerable<string> channels, DateTimeOffset at, CancellationToken cancellationToken);

    Task CompleteAsync(long id, DeliveryStatus status, int attempts, DateTimeOffset? sentAt, string? error, CancellationToken cancellationToken);

    /// <summary>Sends recorded but never completed (the host died mid-send), for another try.</summary>
    Task<IReadOnlyList<(Guid AlertId, NotificationRecord Notification)>> StalePendingAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}

/// <summary>
/// The local host's escalation engine: the next step of each firing alert and when it is due, in
/// PostgreSQL. (The Functions app starts an orchestration from the first row and removes it.)
/// </summary>
public interface IEscalationSchedule
{
    /// <summary>Takes steps due by <paramref name="now"/> (FOR UPDATE SKIP LOCKED), leased for a while.</summary>
    Task<IReadOnlyList<EscalationClaim>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken);

    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken);

    /// <summary>The alert's next step is <paramref name="step"/>, due at <paramref name="due"/> (the claim is released).</summary>
    Task ScheduleAsync(Guid alertId, int step, DateTimeOffset due, CancellationToken cancellationToken);

    Task EndAsync(Guid alertId, CancellationToken cancellationToken);

    /// <summary>A silence ended early: these alerts' held steps are due now.</summary>
    Task ReleaseHeldAsync(IReadOnlyList<Guid> alertIds, DateTimeOffset now, CancellationToken cancellationToken);
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
/// What a host does when alerts fire or a silence ends early. The local host sends level 1 at once
/// and wakes its scheduler; the Functions app needs nothing here (its functions start and signal
/// the orchestrations themselves).
/// </summary>
public interface IEscalationDriver
{
    /// <summary>Newly firing alerts (after the transaction that fired them committed).</summary>
    Task OnFiredAsync(IReadOnlyList<Alert> fired, CancellationToken cancellationToken);

    /// <summary>A silence was deleted before its end: the steps it held of these alerts may go now.</summary>
    Task OnSilenceEndedAsync(IReadOnlyList<Guid> alertIds, CancellationToken cancellationToken);
}

/// <summary>
/// The default: nothing beyond the level 1 due row the evaluation wrote. The local host replaces it
/// with one that also sends level 1 at once.
/// </summary>
public sealed class ScheduledEscalationDriver : IEscalationDriver
{
    public Task OnFiredAsync(IReadOnlyList<Alert> fired, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task OnSilenceEndedAsync(IReadOnlyList<Guid> alertIds, CancellationToken cancellationToken) => Task.CompletedTask;
}
