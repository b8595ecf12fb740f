using Vigil.Core.Events;

namespace Vigil.Core.Conversations;

/// <summary>What one scoring transaction did: conversations claimed, scored, and left as they were.</summary>
public readonly record struct AnalyzeBatch(int Claimed, int Scored, int Skipped);

/// <summary>Conversation analytics: the pending queue, the scores, and the conversation reads.</summary>
public interface IConversationStore
{
    /// <summary>
    /// In one transaction: claims up to <paramref name="batchSize"/> conversations with new messages or
    /// handoffs (rows another host has claimed are skipped), reads their events, stores what
    /// <paramref name="score"/> returns for each (null keeps the stored scores) and commits. A message
    /// ingested meanwhile queues its conversation again, so it is scored on a later run.
    /// </summary>
    Task<AnalyzeBatch> AnalyzeBatchAsync(int batchSize, Func<ConversationInput, ConversationRecord?> score, CancellationToken cancellationToken);

    /// <summary>At most <see cref="ConversationQuery.Limit"/> scored conversations in the query's order.</summary>
    Task<IReadOnlyList<ConversationRecord>> ListAsync(ConversationQuery query, CancellationToken cancellationToken);

    /// <summary>The scores of one conversation of one tenant, or null when it has not been scored.</summary>
    Task<ConversationRecord?> GetAsync(string tenantId, string conversationId, CancellationToken cancellationToken);

    /// <summary>
    /// Totals of the conversations whose last event is in [<paramref name="from"/>, <paramref name="to"/>),
    /// grouped by tenant and/or bot (a conversation counts once for each of its bots when grouped by bot),
    /// restricted to <paramref name="tenantIds"/> and <paramref name="bots"/> when given.
    /// </summary>
    Task<IReadOnlyList<ConversationGroup>> TotalsAsync(DateTimeOffset from, DateTimeOffset to, bool byTenant, bool byBot,
        string[]? tenantIds, string[]? bots, CancellationToken cancellationToken);

    /// <summary>
    /// The same totals per time bucket: buckets of <paramref name="step"/> aligned to 2000-01-01 UTC (as
    /// the time series' are), a conversation in the bucket of its last event.
    /// </summary>
    Task<IReadOnlyList<ConversationBucket>> BucketTotalsAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan step, bool byTenant, bool byBot,
        string[]? tenantIds, string[]? bots, CancellationToken cancellationToken);

    /// <summary>The events of a conversation in time order (tenant_id, ts, event_id), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredEvent>> EventsAsync(string[]? tenantIds, string conversationId, int limit, CancellationToken cancellationToken);
}
