using System.Security.Cryptography;
using Vigil.Core.Alerts;

namespace Vigil.Core.Tests.Fakes;

/// <summary>
/// Alerts and their notification log in memory, with the transitions the PostgreSQL store makes
/// (a step recorded once, holds, acknowledgement and resolution), so services can be tested on it.
/// </summary>
internal sealed class FakeAlertStore : IAlertStore
{
    private long _nextNotification;
    private readonly Dictionary<Guid, byte[]> _nonces = [];
    private readonly Dictionary<string, Guid> _tokenHashes = [];

    public Dictionary<Guid, Alert> Alerts { get; } = [];

    /// <summary>Every notification recorded, of every alert, in order.</summary>
    public List<(Guid AlertId, NotificationRecord Record)> Notifications { get; } = [];

    public int Evaluations { get; private set; }

    /// <summary>How many acknowledge-token lookups reached the store.</summary>
    public int TokenLookups { get; private set; }

    /// <summary>Makes each alert's acknowledge-link nonce (random, as the store makes it, unless a test fixes it).</summary>
    public Func<Guid, byte[]> NewNonce { get; set; } = _ => RandomNumberGenerator.GetBytes(16);

    public FakeAlertEvaluationSession? LastSession { get; private set; }

    /// <summary>Alerts whose next step another host records between this host's read and its write.</summary>
    public HashSet<Guid> StepRecordedElsewhere { get; } = [];

    public void Add(Alert alert) => Alerts[alert.Id] = alert;

    public NotificationRecord AddNotification(Guid alertId, NotificationRecord record)
    {
        lock (Notifications)
        {
            var stored = record with { Id = ++_nextNotification };
            Notifications.Add((alertId, stored));
            return stored;
        }
    }

    public void Complete(long id, DeliveryStatus status, int attempts, DateTimeOffset? sentAt, string? error)
    {
        lock (Notifications)
        {
            var index = Notifications.FindIndex(n => n.Record.Id == id);
            Notifications[index] = (Notifications[index].AlertId, Notifications[index].Record with { Status = status, Attempts = attempts, SentAt = sentAt, Error = error });
        }
    }

    public IReadOnlyList<NotificationRecord> NotificationsOf(Guid alertId)
    {
        lock (Notifications) return [.. Notifications.Where(n => n.AlertId == alertId).Select(n => n.Record)];
    }

    public Task<IAlertEvaluationSession> BeginEvaluationAsync(CancellationToken cancellationToken)
    {
        Evaluations++;
        LastSession = new FakeAlertEvaluationSession(this);
        return Task.FromResult<IAlertEvaluationSession>(LastSession);
    }

    public Task<Alert?> GetAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult(Get(id));

    public Task<Alert?> GetAsync(Guid id, TenantScope scope, CancellationToken cancellationToken) =>
        Task.FromResult(Get(id) is { } alert && scope.Includes(alert.TenantId) ? alert : null);

    public Task<IReadOnlyList<Alert>> ListAsync(AlertState? state, string? rule, TenantScope scope, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Alert>>([.. Alerts.Keys.Select(id => Get(id)!)
            .Where(a => (state is null || a.State == state) && (rule is null || a.Rule == rule) && scope.Includes(a.TenantId))
            .OrderByDescending(a => a.StartedAt).Take(limit)]);

    /// <summary>No postmortems are written here: asking for incidents with one finds none.</summary>
    public Task<IReadOnlyList<Alert>> ListAsync(AlertState? state, string? rule, bool? withPostmortem, TenantScope scope, int limit, CancellationToken cancellationToken) =>
        withPostmortem == true ? Task.FromResult<IReadOnlyList<Alert>>([]) : ListAsync(state, rule, scope, limit, cancellationToken);

    public Task<(AckOutcome Outcome, Alert? Alert)> AcknowledgeAsync(Guid id, string by, string? note, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!Alerts.TryGetValue(id, out var alert)) return Task.FromResult<(AckOutcome, Alert?)>((AckOutcome.NotFound, null));
        if (alert.State == AlertState.Resolved) return Task.FromResult<(AckOutcome, Alert?)>((AckOutcome.Resolved, Get(id)));
        if (alert.State == AlertState.Acknowledged) return Task.FromResult<(AckOutcome, Alert?)>((AckOutcome.AlreadyAcknowledged, Get(id)));
        Alerts[id] = alert with { State = AlertState.Acknowledged, AcknowledgedAt = at, AcknowledgedBy = by, AcknowledgeNote = note };
        return Task.FromResult<(AckOutcome, Alert?)>((AckOutcome.Acknowledged, Get(id)));
    }

    public Task<(ResolveOutcome Outcome, Alert? Alert)> ResolveAsync(Guid id, string by, string? note, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!Alerts.TryGetValue(id, out var alert)) return Task.FromResult<(ResolveOutcome, Alert?)>((ResolveOutcome.NotFound, null));
        if (alert.State == AlertState.Resolved) return Task.FromResult<(ResolveOutcome, Alert?)>((ResolveOutcome.AlreadyResolved, Get(id)));
        Alerts[id] = alert with { State = AlertState.Resolved, ResolvedAt = at, ResolvedBy = by, ResolveReason = note ?? $"resolved by {by}" };
        return Task.FromResult<(ResolveOutcome, Alert?)>((ResolveOutcome.Resolved, Get(id)));
    }

    public Task<IReadOnlyList<NotificationRecord>> RecordStepAsync(Guid alertId, EscalationStep step, IReadOnlyList<StepSend> sends, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!Alerts.TryGetValue(alertId, out var alert) || alert.State != AlertState.Firing || alert.EscalationStep >= step.Sequence
            || StepRecordedElsewhere.Remove(alertId))
        {
            return Task.FromResult<IReadOnlyList<NotificationRecord>>([]);
        }
        var records = sends.Select(s => AddNotification(alertId,
            new NotificationRecord(0, step.Level, s.Channel, NotificationKind.Trigger, DeliveryStatus.Pending, 0, null, null, at) { Step = step.Sequence, Recipients = s.Recipients })).ToList();
        Alerts[alertId] = alert with { EscalationStep = step.Sequence, EscalationLevel = step.Level, HeldUntil = null };
        return Task.FromResult<IReadOnlyList<NotificationRecord>>(records);
    }

    public Task<bool> HoldStepAsync(Guid alertId, EscalationStep step, IReadOnlyList<StepSend> sends, string reason, DateTimeOffset until, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!Alerts.TryGetValue(alertId, out var alert) || alert.State != AlertState.Firing || alert.EscalationStep >= step.Sequence
            || StepRecordedElsewhere.Remove(alertId))
        {
            return Task.FromResult(false);
        }
        if (!NotificationsOf(alertId).Any(n => n.Step == step.Sequence && n.Status == DeliveryStatus.Suppressed))
        {
            foreach (var s in sends)
            {
                AddNotification(alertId, new NotificationRecord(0, step.Level, s.Channel, NotificationKind.Trigger, DeliveryStatus.Suppressed, 0, null, reason, at)
                    { Step = step.Sequence, Recipients = s.Recipients });
            }
        }
        Alerts[alertId] = alert with { HeldUntil = until };
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<Guid>> HeldAsync(DateTimeOffset at, TenantScope scope, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Guid>>([.. Alerts.Values.Where(a => a.State == AlertState.Firing && a.HeldUntil > at && scope.Includes(a.TenantId)).Select(a => a.Id)]);

    public Task<byte[]> AckNonceAsync(Guid alertId, Func<byte[], byte[]> tokenHashOf, CancellationToken cancellationToken)
    {
        if (!_nonces.TryGetValue(alertId, out var nonce))
        {
            nonce = NewNonce(alertId);
            _nonces[alertId] = nonce;
            _tokenHashes[Convert.ToHexString(tokenHashOf(nonce))] = alertId;
        }
        return Task.FromResult(nonce);
    }

    public Task<Alert?> FindByAckTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        TokenLookups++;
        return Task.FromResult(_tokenHashes.TryGetValue(Convert.ToHexString(tokenHash), out var id) && Get(id) is { State: not AlertState.Resolved } alert ? alert : null);
    }

    private Alert? Get(Guid id) => Alerts.TryGetValue(id, out var alert) ? alert with { Notifications = NotificationsOf(id) } : null;
}
