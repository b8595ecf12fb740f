using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Jobs;

namespace Vigil.Core.Tests;

/// <summary>Timer runs are traced and measured under the Vigil source and meter, which the Functions app exports.</summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly string _job = "Job" + Guid.NewGuid().ToString("N");
    private readonly ConcurrentBag<Activity> _activities = [];
    private readonly ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];
    private readonly ActivityListener _activityListener;
    private readonly MeterListener _meterListener = new();

    public TelemetryTests()
    {
        _activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == VigilTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.OperationName == _job) _activities.Add(a); },
        };
        ActivitySource.AddActivityListener(_activityListener);
        _meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == VigilTelemetry.Name) listener.EnableMeasurementEvents(instrument);
        };
        _meterListener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _meterListener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _meterListener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var all = new Dictionary<string, object?>();
        foreach (var (key, tagValue) in tags) all[key] = tagValue;
        if (Equals(all.GetValueOrDefault("function"), _job)) _measurements.Add((instrument.Name, value, all));
    }

    [Fact]
    public async Task A_successful_run_is_a_span_a_run_a_duration_and_its_counts()
    {
        var runner = new TimerJobRunner([new Job(_job, () => new JobResult("did things", new Dictionary<string, long> { ["fired"] = 3, ["resolved"] = 0 }))], TimeProvider.System, NullLogger<TimerJobRunner>.Instance);
        await runner.RunAsync(runner.Find(_job)!, CancellationToken.None);

        var span = Assert.Single(_activities);
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal("did things", span.GetTagItem("vigil.summary"));
        var run = Assert.Single(_measurements, m => m.Instrument == "vigil.job.runs");
        Assert.Equal("succeeded", run.Tags["outcome"]);
        Assert.Single(_measurements, m => m.Instrument == "vigil.job.duration" && m.Value >= 0);
        var items = Assert.Single(_measurements, m => m.Instrument == "vigil.job.items");
        Assert.Equal(("fired", 3.0), (items.Tags["item"], items.Value));
    }

    [Fact]
    public async Task A_failed_run_is_an_error_span_and_a_failed_run()
    {
        var runner = new TimerJobRunner([new Job(_job, () => throw new InvalidOperationException("database gone"))], TimeProvider.System, NullLogger<TimerJobRunner>.Instance);
        await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(runner.Find(_job)!, CancellationToken.None));

        var span = Assert.Single(_activities);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("database gone", span.StatusDescription);
        Assert.Equal("failed", Assert.Single(_measurements, m => m.Instrument == "vigil.job.runs").Tags["outcome"]);
    }

    public void Dispose()
    {
        _activityListener.Dispose();
        _meterListener.Dispose();
    }

    private sealed class Job(string name, Func<JobResult> run) : ITimerJob
    {
        public string Name => name;
        public string ScheduleSetting => "TestSchedule";
        public string DefaultSchedule => "0 * * * * *";
        public Task<JobResult> RunAsync(CancellationToken cancellationToken) => Task.FromResult(run());
    }
}
