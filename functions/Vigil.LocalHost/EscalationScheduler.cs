using Microsoft.Extensions.Options;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Jobs;

namespace Vigil.LocalHost;

/// <summary>Wakes the escalation scheduler early (an alert just fired).</summary>
public sealed class EscalationWakeUp
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up is enough.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// The local host runs escalation from PostgreSQL: firing alerts get their level 1 scheduled in the
/// transaction that fired them, and level 1 is sent before EvaluateAlerts returns; later levels are
/// sent by the scheduler below.
/// </summary>
public sealed class DatabaseEscalationDriver(AdvanceEscalationsJob advance, EscalationWakeUp wakeUp) : IEscalationDriver
{
    public async Task OnFiredAsync(IReadOnlyList<Alert> fired, CancellationToken cancellationToken)
    {
        if (fired.Count == 0) return;
        await advance.RunAsync(cancellationToken);
        wakeUp.Signal();
    }
}

/// <summary>
/// Sleeps until the earliest escalation level is due (or a wake-up), then runs AdvanceEscalations.
/// All state is in PostgreSQL, so a restart resumes where it stopped: a level already recorded is not
/// sent again, and a level that came due while the host was down is sent at once.
/// </summary>
internal sealed partial class EscalationScheduler(
    IAlertStore alerts,
    TimerJobRunner runner,
    EscalationWakeUp wakeUp,
    IOptions<LocalHostOptions> options,
    TimeProvider time,
    ILogger<EscalationScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan LongestSleep = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.EscalationSchedulerEnabled) return;
        var job = runner.Find(TimerJobNames.AdvanceEscalations)!;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = await alerts.NextEscalationDueAsync(stoppingToken);
                var sleep = due is { } next ? next - time.GetUtcNow() : LongestSleep;
                if (sleep > TimeSpan.Zero)
                {
                    await wakeUp.WaitAsync(sleep > LongestSleep ? LongestSleep : sleep, stoppingToken);
                }
                await runner.RunAsync(job, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is StorageUnavailableException)
            {
                LogWaiting(logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
            }
            catch (Exception)
            {
                // Logged by the runner (event 1202); keep the schedule going.
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
    }

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Escalation scheduler waiting for storage: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string reason);
}
