namespace Vigil.Core.Alerts;

/// <summary>
/// Timer function <c>AdvanceEscalations</c> (local host): sends every escalation step that is due,
/// claimed with FOR UPDATE SKIP LOCKED so two hosts never send the same step, reschedules the next
/// one (or the same one, when a silence holds it), and retries sends a stopped host left unfinished.
/// The local scheduler also runs it at the earliest due time.
/// </summary>
public sealed class AdvanceEscalationsJob(IAlertStore alerts, IEscalationSchedule schedule, EscalationService escalation, TimeProvider time) : Jobs.ITimerJob
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    public string Name => Jobs.TimerJobNames.AdvanceEscalations;
    public string ScheduleSetting => "EscalationSchedule";
    public string DefaultSchedule => "*/15 * * * * *";

    public async Task<Jobs.JobResult> RunAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        var held = 0;
        while (true)
        {
            var claims = await schedule.ClaimDueAsync(time.GetUtcNow(), Lease, 100, cancellationToken);
            foreach (var claim in claims)
            {
                var alert = await alerts.GetAsync(claim.AlertId, cancellationToken);
                if (alert is not { State: AlertState.Firing })
                {
                    await schedule.EndAsync(claim.AlertId, cancellationToken);
                    continue;
                }
                var plan = await escalation.PlanOfAsync(alert, cancellationToken);
                if (plan.Find(claim.Step) is not { } step)
                {
                    await schedule.EndAsync(claim.AlertId, cancellationToken);
                    continue;
                }
                var outcome = await escalation.SendStepAsync(claim.AlertId, step, cancellationToken);
                switch (outcome.Result)
                {
                    case StepResult.Held:
                        held++;
                        await schedule.ScheduleAsync(claim.AlertId, step.Sequence, outcome.HeldUntil!.Value, cancellationToken);
                        break;
                    case StepResult.Stopped:
                        await schedule.EndAsync(claim.AlertId, cancellationToken);
                        break;
                    default:
                        if (outcome.Result == StepResult.Sent) sent++;
                        if (plan.After(step) is { } next) await schedule.ScheduleAsync(claim.AlertId, next.Sequence, plan.DueAt(next), cancellationToken);
                        else await schedule.EndAsync(claim.AlertId, cancellationToken);
                        break;
                }
            }
            if (claims.Count < 100) break;
        }
        var retried = await escalation.RedeliverStaleAsync(cancellationToken);
        return new Jobs.JobResult($"sent {sent} escalation steps, {held} held by silences, retried {retried} unfinished sends",
            new Dictionary<string, long> { ["steps"] = sent, ["held"] = held, ["retried"] = retried });
    }
}
