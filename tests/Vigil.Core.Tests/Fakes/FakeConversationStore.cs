using Vigil.Core.Conversations;
using Vigil.Core.Events;

namespace Vigil.Core.Tests.Fakes;

/// <summary>Conversation totals as given; the pending queue is <see cref="Pending"/>, scored by each batch.</summary>
internal sealed class FakeConversationStore : IConversationStore
{
    public List<ConversationGroup> Totals { get; } = [];

    /// <summary>What BucketTotalsAsync answers (the time series of conversation metrics).</summary>
    public List<ConversationBucket> Buckets { get; } = [];

    public List<(DateTimeOffset From, DateTimeOffset To, bool ByTenant, bool ByBot, string[]? Tenants, string[]? Bots)> TotalsQueries { get; } = [];

    public Queue<ConversationInput> Pending { get; } = new();

    public List<ConversationRecord> Stored { get; } = [];

    public List<int> BatchSizes { get; } = [];

    public List<StoredEvent> Events { get; } = [];

    public Task<AnalyzeBatch> AnalyzeBatchAsync(int batchSize, Func<ConversationInput, ConversationRecord?> score, CancellationToken cancellationToken)
    {
        BatchSizes.Add(batchSize);
        int claimed = 0, scored = 0;
        while (claimed < batchSize && Pending.TryDequeue(out var input))
        {
            claimed++;
            if (score(input) is { } record)
            {
                scored++;
                Stored.Add(record);
            }
        }
        return Task.FromResult(new AnalyzeBatch(claimed, scored, claimed - scored));
    }

    public Task<IReadOnlyList<ConversationRecord>> ListAsync(ConversationQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ConversationRecord>>([.. Stored.Take(query.Limit)]);

    public Task<ConversationRecord?> GetAsync(string tenantId, string conversationId, CancellationToken cancellationToken) =>
        Task.FromResult(Stored.LastOrDefault(r => r.TenantId == tenantId && r.ConversationId == conversationId));

    public Task<IReadOnlyList<ConversationGroup>> TotalsAsync(DateTimeOffset from, DateTimeOffset to, bool byTenant, bool byBot, string[]? tenantIds, string[]? bots,
        CancellationToken cancellationToken)
    {
        TotalsQueries.Add((from, to, byTenant, byBot, tenantIds, bots));
        return Task.FromResult<IReadOnlyList<ConversationGroup>>(Totals);
    }

    public Task<IReadOnlyList<ConversationBucket>> BucketTotalsAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan step, bool byTenant, bool byBot,
        string[]? tenantIds, string[]? bots, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ConversationBucket>>([.. Buckets.Where(b => b.Start >= from && b.Start < to)]);

    public Task<IReadOnlyList<StoredEvent>> EventsAsync(string[]? tenantIds, string conversationId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredEvent>>([.. Events.Take(limit)]);
}
