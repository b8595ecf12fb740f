using Microsoft.Extensions.Options;
using Vigil.Core.Events;

namespace Vigil.Core.Jobs;

public sealed record RetentionReport(int PartitionsCreated, int PartitionsDropped, long EventsDeleted, long KeysDeleted);

public interface IRetentionStore
{
    /// <summary>
    /// Creates event partitions up to <paramref name="partitionsUntil"/>, drops raw events older than
    /// <paramref name="eventsBefore"/> and idempotency keys older than <paramref name="keysBefore"/>.
    /// </summary>
    Task<RetentionReport> ApplyAsync(DateTimeOffset eventsBefore, DateTimeOffset keysBefore, DateTimeOffset partitionsUntil, CancellationToken cancellationToken);
}

/// <summary>
/// Timer function <c>ApplyRetention</c>. Idempotency keys only need to outlive the ingest window:
/// a retry of an older event is refused as too old before its key is consulted.
/// </summary>
public sealed class ApplyRetentionJob(IRetentionStore store, IOptionsMonitor<RetentionOptions> retention, IOptionsMonitor<IngestOptions> ingest, TimeProvider time) : ITimerJob
{
    public string Name => TimerJobNames.ApplyRetention;
    public string ScheduleSetting => "RetentionSchedule";
    public string DefaultSchedule => "0 15 * * * *";

    public async Task<JobResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var limits = ingest.CurrentValue;
        var keep = retention.CurrentValue;
        var report = await store.ApplyAsync(
            eventsBefore: now - keep.Events,
            keysBefore: now - limits.MaxEventAge - limits.MaxFutureSkew - TimeSpan.FromDays(1),
            partitionsUntil: now + keep.PartitionsAhead,
            cancellationToken);
        return new JobResult(
            $"created {report.PartitionsCreated} partitions, dropped {report.PartitionsDropped}, deleted {report.EventsDeleted} events and {report.KeysDeleted} idempotency keys",
            new Dictionary<string, long>
            {
                ["partitions_created"] = report.PartitionsCreated,
                ["partitions_dropped"] = report.PartitionsDropped,
                ["events_deleted"] = report.EventsDeleted,
                ["keys_deleted"] = report.KeysDeleted,
            });
    }
}
