using Microsoft.Extensions.Options;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Jobs;

namespace Vigil.LocalHost;

/// <summary>
/// Sleeps until the earliest escalation level is due (or a wake-up), then runs AdvanceEscalations.
/// All state is in PostgreSQL, so a restart resumes where it stopped: a level already recorded is not
/// sent again, and a level that came due while the host was down is sent at once.
/// </summary>
internal sealed partial class EscalationScheduler(
    IEscalationSchedule schedule,
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
                var due = await schedule.NextDueAsync(stoppingToken);
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
