using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Vigil.Core;

/// <summary>
/// Vigil's own traces and metrics, under one name for both the <see cref="ActivitySource"/> and the
/// <see cref="Meter"/>. They cost nothing until a listener subscribes: the Functions app exports them
/// to Application Insights (OpenTelemetry with the Azure Monitor exporter).
/// </summary>
public static class VigilTelemetry
{
    public const string Name = "Vigil";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Events = Meter.CreateCounter<long>(
        "vigil.events", "{event}", "Telemetry events received, by outcome: accepted, duplicate or rejected.");

    private static readonly Counter<long> JobRuns = Meter.CreateCounter<long>(
        "vigil.job.runs", "{run}", "Timer function runs, by function and outcome.");

    private static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>(
        "vigil.job.duration", "s", "How long a timer function run took.");

    private static readonly Counter<long> JobItems = Meter.CreateCounter<long>(
        "vigil.job.items", "{item}", "What timer function runs did (alerts fired, thresholds crossed, rows deleted...), by function and item.");

    private static readonly Counter<long> Notifications = Meter.CreateCounter<long>(
        "vigil.notifications", "{notification}", "Notifications delivered or given up on, by channel and outcome.");

    public static void RecordIngest(int accepted, int duplicates, int rejected)
    {
        if (accepted > 0) Events.Add(accepted, new KeyValuePair<string, object?>("outcome", "accepted"));
        if (duplicates > 0) Events.Add(duplicates, new KeyValuePair<string, object?>("outcome", "duplicate"));
        if (rejected > 0) Events.Add(rejected, new KeyValuePair<string, object?>("outcome", "rejected"));
    }

    public static void RecordJob(string function, bool succeeded, TimeSpan duration, IReadOnlyDictionary<string, long>? counts)
    {
        var job = new KeyValuePair<string, object?>("function", function);
        var outcome = new KeyValuePair<string, object?>("outcome", succeeded ? "succeeded" : "failed");
        JobRuns.Add(1, job, outcome);
        JobDuration.Record(duration.TotalSeconds, job, outcome);
        if (counts is null) return;
        foreach (var (item, count) in counts)
        {
            if (count != 0) JobItems.Add(count, job, new KeyValuePair<string, object?>("item", item));
        }
    }

    public static void RecordNotification(string channel, bool sent) =>
        Notifications.Add(1,
            new KeyValuePair<string, object?>("channel", channel),
            new KeyValuePair<string, object?>("outcome", sent ? "sent" : "failed"));
}
