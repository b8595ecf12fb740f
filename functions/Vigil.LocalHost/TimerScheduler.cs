using Microsoft.Extensions.Options;
using Vigil.Core;
using Vigil.Core.Jobs;

namespace Vigil.LocalHost;

/// <summary>The NCRONTAB schedule of each timer function, read from the same app settings the Functions app uses.</summary>
public sealed class TimerScheduleOptions
{
    public Dictionary<string, string> Schedules { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Errors()
    {
        var errors = new List<string>();
        foreach (var (name, expression) in Schedules)
        {
            if (!CronSchedule.TryParse(expression, out _, out var error)) errors.Add($"{name}: {error}");
        }
        return errors;
    }
}

internal sealed class TimerScheduleValidator : IValidateOptions<TimerScheduleOptions>
{
    public ValidateOptionsResult Validate(string? name, TimerScheduleOptions options)
    {
        var errors = options.Errors();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

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
        var loops = runner.Jobs.Select(job => RunLoopAsync(job, CronSchedule.Parse(schedules.Value.Schedules[job.Name]), stoppingToken));
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
