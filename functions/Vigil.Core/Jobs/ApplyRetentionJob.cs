using Microsoft.Extensions.Options;
using Vigil.Core.Events;

namespace Vigil.Core.Jobs;

public sealed record RetentionReport(int PartitionsCreated, int PartitionsDropped, long EventsDeleted, long KeysDeleted, long RollupRowsDeleted,
    long MessageTextsErased = 0, long ConversationsDeleted = 0);

/// <summary>Everything older than its cutoff goes; event partitions are prepared up to PartitionsUntil.</summary>
public sealed record RetentionCutoffs(
    DateTimeOffset Events,
    DateTimeOffset Keys,
    DateTimeOffset PartitionsUntil,
    DateTimeOffset MinuteRollups,
    DateTimeOffset HourRollups,
    DateTimeOffset DayRollups,
    DateTimeOffset ConversationCosts,
    DateTimeOffset MessageText);

public interface IRetentionStore
{
    Task<RetentionReport> ApplyAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken);
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
            new RetentionCutoffs(
                Events: now - keep.Events,
                Keys: now - limits.MaxEventAge - limits.MaxFutureSkew - TimeSpan.FromDays(1),
                PartitionsUntil: now + keep.PartitionsAhead,
                MinuteRollups: now - keep.MinuteRollups,
                HourRollups: now - keep.HourRollups,
                DayRollups: now - keep.DayRollups,
                ConversationCosts: now - keep.ConversationCosts,
                MessageText: now - keep.MessageText),
            cancellationToken);
        return new JobResult(
            $"created {report.PartitionsCreated} partitions, dropped {report.PartitionsDropped}, deleted {report.EventsDeleted} events, {report.KeysDeleted} idempotency keys and {report.RollupRowsDeleted} rollup rows; erased the text of {report.MessageTextsErased} messages and deleted {report.ConversationsDeleted} conversation scores",
            new Dictionary<string, long>
            {
                ["partitions_created"] = report.PartitionsCreated,
                ["partitions_dropped"] = report.PartitionsDropped,
                ["events_deleted"] = report.EventsDeleted,
                ["keys_deleted"] = report.KeysDeleted,
                ["rollup_rows_deleted"] = report.RollupRowsDeleted,
                ["message_texts_erased"] = report.MessageTextsErased,
                ["conversations_deleted"] = report.ConversationsDeleted,
            });
    }
}
