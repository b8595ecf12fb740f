using Microsoft.Extensions.Logging;
using Vigil.Core.Jobs;
using Vigil.Core.Tests.Fakes;

namespace Vigil.Core.Tests;

/// <summary>Running timer jobs by name: one run of a job at a time, what a run returns, and what the log says.</summary>
public class TimerJobRunnerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Jobs_are_found_by_name_in_any_case_and_a_run_says_when_it_started_and_what_it_did()
    {
        var log = new RecordingLogger<TimerJobRunner>();
        var runner = new TimerJobRunner([FakeTimerJob.Returning("EvaluateAlerts", "evaluated 3 rules"), FakeTimerJob.Returning("ComputeRollups", "re-rolled")], new ManualClock(Now), log);

        Assert.Equal(["ComputeRollups", "EvaluateAlerts"], runner.Jobs.Select(j => j.Name).Order(StringComparer.Ordinal));
        var job = runner.Find("evaluatealerts");
        Assert.Equal("EvaluateAlerts", job?.Name);
        Assert.Null(runner.Find("NoSuchJob"));

        var run = await runner.RunAsync(job!, CancellationToken.None);

        Assert.Equal(("EvaluateAlerts", Now, "evaluated 3 rules"), (run.Function, run.StartedAt, run.Result.Summary));
        Assert.True(run.DurationMs >= 0);
        var entry = Assert.Single(log.Entries);
        Assert.Equal((LogLevel.Information, 1201), (entry.Level, entry.EventId));
        Assert.Matches("^EvaluateAlerts completed in \\d+ ms: evaluated 3 rules$", entry.Message);
    }

    [Fact]
    public async Task A_run_with_its_own_result_returns_it_beside_the_description()
    {
        var runner = new TimerJobRunner([FakeTimerJob.Returning("EvaluateAlerts", "unused")], new ManualClock(Now), new RecordingLogger<TimerJobRunner>());

        var (run, value) = await runner.RunAsync(runner.Find("EvaluateAlerts")!, _ => Task.FromResult(42), v => new JobResult($"the answer is {v}"), CancellationToken.None);

        Assert.Equal((42, "the answer is 42"), (value, run.Result.Summary));
    }

    [Fact]
    public async Task A_failed_run_is_logged_as_an_error_and_thrown_and_the_next_run_may_go()
    {
        var log = new RecordingLogger<TimerJobRunner>();
        var fail = true;
        var runner = new TimerJobRunner([new FakeTimerJob("Flaky", _ => fail ? throw new InvalidOperationException("database gone") : Task.FromResult(new JobResult("ok")))],
            new ManualClock(Now), log);

        await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(runner.Find("Flaky")!, CancellationToken.None));
        var entry = Assert.Single(log.Entries);
        Assert.Equal((LogLevel.Error, 1202), (entry.Level, entry.EventId));
        Assert.Matches("^Flaky failed after \\d+ ms$", entry.Message);

        fail = false;
        Assert.Equal("ok", (await runner.RunAsync(runner.Find("Flaky")!, CancellationToken.None)).Result.Summary);
    }

    [Fact]
    public async Task A_cancelled_run_is_not_logged_as_a_failure()
    {
        var log = new RecordingLogger<TimerJobRunner>();
        var runner = new TimerJobRunner([new FakeTimerJob("Cancelled", _ => throw new OperationCanceledException())], new ManualClock(Now), log);

        await Assert.ThrowsAsync<OperationCanceledException>(() => runner.RunAsync(runner.Find("Cancelled")!, CancellationToken.None));

        Assert.Empty(log.Entries);
    }

    [Fact]
    public async Task A_second_run_of_a_job_waits_for_the_first_and_other_jobs_do_not()
    {
        var release = new TaskCompletionSource();
        var running = 0;
        var most = 0;
        async Task<JobResult> Slow(CancellationToken _)
        {
            most = Math.Max(most, Interlocked.Increment(ref running));
            await release.Task;
            Interlocked.Decrement(ref running);
            return new JobResult("slow");
        }
        var runner = new TimerJobRunner([new FakeTimerJob("Slow", Slow), FakeTimerJob.Returning("Quick", "quick")], new ManualClock(Now), new RecordingLogger<TimerJobRunner>());

        var first = runner.RunAsync(runner.Find("Slow")!, CancellationToken.None);
        var second = runner.RunAsync(runner.Find("slow")!, CancellationToken.None);
        Assert.Equal("quick", (await runner.RunAsync(runner.Find("Quick")!, CancellationToken.None)).Result.Summary);
        Assert.False(second.IsCompleted);

        release.SetResult();
        await Task.WhenAll(first, second);
        Assert.Equal(1, most);
    }
}
