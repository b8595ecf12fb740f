using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Vigil.Core.Jobs;

public sealed record JobRun(string Function, DateTimeOffset StartedAt, double DurationMs, JobResult Result);

/// <summary>
/// Runs timer jobs by name, one run of a job at a time per process (a manual run waits for the
/// scheduled one in flight, then runs, so it sees everything that arrived before it was asked).
/// </summary>
public sealed partial class TimerJobRunner(IEnumerable<ITimerJob> jobs, TimeProvider time, ILogger<TimerJobRunner> logger)
{
    private readonly Dictionary<string, ITimerJob> _jobs = jobs.ToDictionary(j => j.Name, StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<ITimerJob> Jobs => _jobs.Values;

    public ITimerJob? Find(string name) => _jobs.GetValueOrDefault(name);

    public async Task<JobRun> RunAsync(ITimerJob job, CancellationToken cancellationToken) =>
        (await RunAsync(job, job.RunAsync, result => result, cancellationToken)).Run;

    /// <summary>
    /// Runs <paramref name="job"/>'s work through <paramref name="run"/> instead of its RunAsync, for
    /// a host that needs the work's own result (the Functions app starts escalations from the alert
    /// evaluation's report), with the same one-at-a-time gate, logs and telemetry.
    /// </summary>
    public async Task<(JobRun Run, T Value)> RunAsync<T>(ITimerJob job, Func<CancellationToken, Task<T>> run, Func<T, JobResult> describe, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(job.Name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var started = time.GetUtcNow();
            var watch = Stopwatch.StartNew();
            using var activity = VigilTelemetry.Source.StartActivity(job.Name);
            try
            {
                var value = await run(cancellationToken);
                var result = describe(value);
                LogCompleted(logger, job.Name, watch.Elapsed.TotalMilliseconds, result.Summary);
                VigilTelemetry.RecordJob(job.Name, succeeded: true, watch.Elapsed, result.Counts);
                activity?.SetTag("vigil.summary", result.Summary);
                return (new JobRun(job.Name, started, watch.Elapsed.TotalMilliseconds, result), value);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e, job.Name, watch.Elapsed.TotalMilliseconds);
                VigilTelemetry.RecordJob(job.Name, succeeded: false, watch.Elapsed, null);
                activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                throw;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "{Function} completed in {DurationMs:F0} ms: {Summary}")]
    private static partial void LogCompleted(ILogger logger, string function, double durationMs, string summary);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "{Function} failed after {DurationMs:F0} ms")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function, double durationMs);
}
