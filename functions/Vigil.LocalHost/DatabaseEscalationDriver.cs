using Vigil.Core.Alerts;

namespace Vigil.LocalHost;

/// <summary>
/// The local host runs escalation from PostgreSQL: firing alerts get their level 1 scheduled in the
/// transaction that fired them, and level 1 is sent before EvaluateAlerts returns; later levels are
/// sent by <see cref="EscalationScheduler"/>; a silence deleted early lets its held steps go at once.
/// </summary>
public sealed class DatabaseEscalationDriver(AdvanceEscalationsJob advance, IEscalationSchedule schedule, EscalationWakeUp wakeUp, TimeProvider time) : IEscalationDriver
{
    public async Task OnFiredAsync(IReadOnlyList<Alert> fired, CancellationToken cancellationToken)
    {
        if (fired.Count == 0) return;
        await advance.RunAsync(cancellationToken);
        wakeUp.Signal();
    }

    public async Task OnSilenceEndedAsync(IReadOnlyList<Guid> alertIds, CancellationToken cancellationToken)
    {
        await schedule.ReleaseHeldAsync(alertIds, time.GetUtcNow(), cancellationToken);
        wakeUp.Signal();
    }
}
