namespace Vigil.Core.Alerts;

/// <summary>Acknowledgement: stops escalation and tells the incident tools already paged.</summary>
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
}

/// <summary>
/// Timer function <c>AdvanceEscalations</c> (local host): sends every escalation level that is due,
/// claimed with FOR UPDATE SKIP LOCKED so two hosts never send the same level, and retries sends a
/// stopped host left unfinished. The local scheduler also runs it at the earliest due time.
/// </summary>
public sealed class AdvanceEscalationsJob(IAlertStore alerts, EscalationService escalation, TimeProvider time) : Jobs.ITimerJob
{
    public string Name => Jobs.TimerJobNames.AdvanceEscalations;
    public string ScheduleSetting => "EscalationSchedule";
    public string DefaultSchedule => "*/15 * * * * *";

    public async Task<Jobs.JobResult> RunAsync(CancellationToken cancellationToken)
    {
        var levels = 0;
        var sends = 0;
        while (true)
        {
            var claims = await alerts.ClaimDueEscalationsAsync(time.GetUtcNow(), TimeSpan.FromSeconds(30), 100, cancellationToken);
            foreach (var claim in claims)
            {
                var records = await escalation.SendLevelAsync(claim.AlertId, claim.Level, cancellationToken);
                if (records.Count > 0) levels++;
                sends += records.Count;
            }
            if (claims.Count < 100) break;
        }
        var retried = await escalation.RedeliverStaleAsync(cancellationToken);
        return new Jobs.JobResult($"sent {levels} escalation levels ({sends} notifications), retried {retried} unfinished sends",
            new Dictionary<string, long> { ["levels"] = levels, ["notifications"] = sends, ["retried"] = retried });
    }
}
