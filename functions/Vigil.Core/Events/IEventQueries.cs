namespace Vigil.Core.Events;

/// <summary>Reads raw events back (the drill-down); the rollups answer every aggregate question.</summary>
public interface IEventQueries
{
    /// <summary>At most <see cref="EventQuery.Limit"/> events, newest first (timestamp, tenant, event id descending).</summary>
    Task<IReadOnlyList<StoredEvent>> ListAsync(EventQuery query, CancellationToken cancellationToken);
}
