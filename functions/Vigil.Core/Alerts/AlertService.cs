namespace Vigil.Core.Alerts;

/// <summary>Acknowledging and resolving by hand: both stop escalation and tell the channels that need to know.</summary>
public sealed class AlertService(IAlertStore alerts, EscalationService escalation, TimeProvider time)
{
    public async Task<(AckOutcome Outcome, Alert? Alert)> AcknowledgeAsync(Guid id, string by, string? note, CancellationToken cancellationToken)
    {
        var (outcome, alert) = await alerts.AcknowledgeAsync(id, by, note, time.GetUtcNow(), cancellationToken);
        if (outcome == AckOutcome.Acknowledged)
        {
            await escalation.NotifyStateChangeAsync(id, NotificationKind.Acknowledge, cancellationToken);
            alert = await alerts.GetAsync(id, cancellationToken);
        }
        return (outcome, alert);
    }

    /// <summary>
    /// Resolved by a person: the channels that were notified hear of it. If the condition still holds,
    /// the next evaluation opens a new alert once the rule's cooldown has passed.
    /// </summary>
    public async Task<(ResolveOutcome Outcome, Alert? Alert)> ResolveAsync(Guid id, string by, string? note, CancellationToken cancellationToken)
    {
        var (outcome, alert) = await alerts.ResolveAsync(id, by, note, time.GetUtcNow(), cancellationToken);
        if (outcome == ResolveOutcome.Resolved && alert?.FiredAt is not null)
        {
            await escalation.NotifyStateChangeAsync(id, NotificationKind.Resolve, cancellationToken);
            alert = await alerts.GetAsync(id, cancellationToken);
        }
        return (outcome, alert);
    }
}
