using Vigil.Core.Jobs;

namespace Vigil.Core.Tests.Fakes;

/// <summary>A timer job that does whatever the test gives it.</summary>
internal sealed class FakeTimerJob(string name, Func<CancellationToken, Task<JobResult>> run) : ITimerJob
{
    public string Name => name;
    public string ScheduleSetting => "TestSchedule";
    public string DefaultSchedule => "0 * * * * *";
    public Task<JobResult> RunAsync(CancellationToken cancellationToken) => run(cancellationToken);

    public static FakeTimerJob Returning(string name, string summary) => new(name, _ => Task.FromResult(new JobResult(summary)));
}
