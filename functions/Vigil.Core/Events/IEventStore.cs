namespace Vigil.Core.Events;

/// <summary>Durable storage of telemetry events.</summary>
public interface IEventStore
{
    /// <summary>
    /// Stores the events in one transaction (all or nothing) and returns how many were new; an
    /// event whose (tenant_id, event_id) is already stored is skipped, also when another request
    /// stores it concurrently. The list holds no two events with the same key.
    /// </summary>
    Task<int> InsertAsync(IReadOnlyList<TelemetryEvent> events, CancellationToken cancellationToken);
}
