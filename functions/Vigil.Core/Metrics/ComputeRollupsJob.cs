using Vigil.Core.Jobs;

namespace Vigil.Core.Metrics;

/// <summary>Timer function <c>ComputeRollups</c>, every minute.</summary>
public sealed class ComputeRollupsJob(IRollupStore store) : ITimerJob
{
    public string Name => TimerJobNames.ComputeRollups;
    public string ScheduleSetting => "RollupSchedule";
    public string DefaultSchedule => "0 */1 * * * *";

    public async Task<JobResult> RunAsync(CancellationToken cancellationToken)
    {
        var report = await store.RollUpAsync(cancellationToken);
        return new JobResult(
            $"re-rolled {report.Minutes} minutes, {report.Hours} hours and {report.Days} days from {report.EventsRead} events; complete up to {report.CompleteUpTo:O}",
            new Dictionary<string, long>
            {
                ["minutes"] = report.Minutes,
                ["hours"] = report.Hours,
                ["days"] = report.Days,
                ["events_read"] = report.EventsRead,
            });
    }
}
