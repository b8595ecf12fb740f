using Microsoft.Extensions.Options;
using Vigil.Core;
using Vigil.Core.Jobs;

namespace Vigil.LocalHost;

/// <summary>
/// Runs each timer function at its next NCRONTAB occurrence (UTC), like the Functions timer trigger.
/// A failing run is logged and the schedule goes on; runs of one function never overlap.
/// </summary>
internal sealed partial class TimerScheduler(
    TimerJobRunner runner,
    IOptions<TimerScheduleOptions> schedules,
    IOptions<LocalHostOptions> options,
    TimeProvider time,
    ILogger<TimerScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.TimersEnabled)
        {
            LogDisabled(logger);
            return Task.CompletedTask;
        }
        var loops = runner.Jobs.Select(job => RunLoopAsync(job, CronSchedule.Parse(schedules.Value.Schedules[job.Name].Expression), stoppingToken));
        return Task.WhenAll(loops);
    }

    private async Task RunLoopAsync(ITimerJob job, CronSchedule schedule, CancellationToken stoppingToken)
    {
        LogScheduled(logger, job.Name, schedule.Expression);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
                await runner.RunAsync(job, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // Already logged by the runner (event 1202); the next occurrence will try again.
            }
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Timer {Function} scheduled '{Schedule}' (UTC)")]
    private static partial void LogScheduled(ILogger logger, string function, string schedule);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Timers are disabled (Vigil:LocalHost:TimersEnabled=false); run them with POST /admin/functions/{{name}}")]
    private static partial void LogDisabled(ILogger logger);
}
