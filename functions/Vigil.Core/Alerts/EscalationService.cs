using Microsoft.Extensions.Logging;

namespace Vigil.Core.Alerts;

/// <summary>
/// Sends escalation levels and acknowledge/resolve notices, recording every send. A level's sends are
/// recorded (pending) in the same transaction that raises the alert's level, then delivered, each
/// channel on its own, so one channel being down never holds up another or the escalation.
/// </summary>
public sealed partial class EscalationService(
    IAlertStore alerts,
    INotificationSender sender,
    EscalationPolicy policy,
    PublicUrl publicUrl,
    TimeProvider time,
    ILogger<EscalationService> logger)
{
    public string AckUrl(Guid alertId) => $"{publicUrl.Base}/api/alerts/{alertId}/ack";

    /// <summary>
    /// Sends <paramref name="level"/> if the alert is still firing (the Durable activity and the local
    /// scheduler both call this); nothing when it was acknowledged or resolved meanwhile.
    /// </summary>
    public async Task<IReadOnlyList<NotificationRecord>> SendLevelAsync(Guid alertId, int level, CancellationToken cancellationToken)
    {
        var alert = await alerts.GetAsync(alertId, cancellationToken);
        if (alert is null || !EscalationPolicy.Continues(alert.State) || alert.FiredAt is not { } firedAt)
        {
            await alerts.EndEscalationAsync(alertId, cancellationToken);
            return [];
        }
        var next = EscalationPolicy.NextLevel(level, alert.Escalates);
        var nextDue = next is { } n ? policy.DueAt(firedAt, n) : (DateTimeOffset?)null;
        var records = await alerts.RecordEscalationLevelAsync(alertId, level, policy.ChannelsOf(level, alert.Channels), time.GetUtcNow(), nextDue, cancellationToken);
        if (records.Count == 0) return [];
        LogLevelSent(logger, alert.Rule, alert.GroupText, level, string.Join(", ", records.Select(r => r.Channel)));
        await DeliverAsync(alert with { EscalationLevel = level }, level, NotificationKind.Trigger, records, cancellationToken);
        return records;
    }

    /// <summary>How long a claimed start is left to the run that claimed it before another may retry it.</summary>
    public static readonly TimeSpan StartLease = TimeSpan.FromMinutes(2);

    /// <summary>
    /// For the Functions app: hands each firing alert whose escalation is due to start (a Durable
    /// orchestration per alert, idempotent), then removes its due row; the orchestration takes it from
    /// there. The row was written in the transaction that fired the alert, so a run that dies before
    /// or during a start leaves it due, and the next run starts it (after the claim's lease).
    /// </summary>
    public async Task<int> StartDueEscalationsAsync(Func<EscalationPlan, CancellationToken, Task> start, CancellationToken cancellationToken)
    {
        const int batch = 200;
        var started = 0;
        while (true)
        {
            var claims = await alerts.ClaimDueEscalationsAsync(time.GetUtcNow(), StartLease, batch, cancellationToken);
            foreach (var claim in claims)
            {
                if (await alerts.GetAsync(claim.AlertId, cancellationToken) is { State: AlertState.Firing } alert)
                {
                    await start(policy.Plan(alert), cancellationToken);
                    started++;
                }
                await alerts.EndEscalationAsync(claim.AlertId, cancellationToken);
            }
            if (claims.Count < batch) return started;
        }
    }

    /// <summary>
    /// For the Durable orchestration: sends the level (once, however often it is retried) and says
    /// whether escalation goes on, i.e. whether the alert is still firing.
    /// </summary>
    public async Task<bool> SendLevelAndContinueAsync(Guid alertId, int level, CancellationToken cancellationToken)
    {
        await SendLevelAsync(alertId, level, cancellationToken);
        return await alerts.GetAsync(alertId, cancellationToken) is { } alert && EscalationPolicy.Continues(alert.State);
    }

    /// <summary>
    /// Tells the channels already notified that the alert was resolved; on acknowledgement only the
    /// incident tools (PagerDuty, Opsgenie) hear of it, as they keep incident state of their own.
    /// </summary>
    public async Task NotifyStateChangeAsync(Guid alertId, NotificationKind kind, CancellationToken cancellationToken)
    {
        var alert = await alerts.GetAsync(alertId, cancellationToken);
        if (alert is null) return;
        var notified = alert.Notifications
            .Where(n => n.Kind == NotificationKind.Trigger && n.Status == DeliveryStatus.Sent)
            .Select(n => n.Channel)
            .Where(c => kind != NotificationKind.Acknowledge || Channels.IsIncidentTool(c))
            .Distinct()
            .ToList();
        if (notified.Count == 0) return;
        var records = await alerts.AddNotificationsAsync(alertId, 0, kind, notified, time.GetUtcNow(), cancellationToken);
        await DeliverAsync(alert, 0, kind, records, cancellationToken);
    }

    /// <summary>Sends that were recorded but never completed (the host stopped mid-send) get another try.</summary>
    public async Task<int> RedeliverStaleAsync(CancellationToken cancellationToken)
    {
        var stale = await alerts.StalePendingNotificationsAsync(time.GetUtcNow() - TimeSpan.FromMinutes(1), cancellationToken);
        foreach (var group in stale.GroupBy(s => s.AlertId))
        {
            var alert = await alerts.GetAsync(group.Key, cancellationToken);
            if (alert is null) continue;
            foreach (var byLevel in group.GroupBy(s => (s.Notification.Level, s.Notification.Kind)))
            {
                await DeliverAsync(alert, byLevel.Key.Level, byLevel.Key.Kind, [.. byLevel.Select(s => s.Notification)], cancellationToken);
            }
        }
        return stale.Count;
    }

    private async Task DeliverAsync(Alert alert, int level, NotificationKind kind, IReadOnlyList<NotificationRecord> records, CancellationToken cancellationToken)
    {
        var message = new AlertMessage(alert, level, kind, AckUrl(alert.Id));
        await Task.WhenAll(records.Select(async record =>
        {
            var result = await sender.SendAsync(record.Channel, message, cancellationToken);
            await alerts.CompleteNotificationAsync(record.Id, result.Status, result.Attempts,
                result.Status == DeliveryStatus.Sent ? time.GetUtcNow() : null, result.Error, cancellationToken);
            if (result.Status == DeliveryStatus.Failed)
            {
                LogDeliveryFailed(logger, kind.ToName(), alert.Rule, record.Channel, result.Attempts, result.Error ?? "");
            }
        }));
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Alert {Rule} ({Group}): escalation level {Level} to {Channels}")]
    private static partial void LogLevelSent(ILogger logger, string rule, string group, int level, string channels);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "{Kind} of alert {Rule} to {Channel} failed after {Attempts} attempts: {Error}")]
    private static partial void LogDeliveryFailed(ILogger logger, string kind, string rule, string channel, int attempts, string error);
}
