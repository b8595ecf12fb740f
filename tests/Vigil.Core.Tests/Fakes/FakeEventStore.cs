using Vigil.Core.Events;

namespace Vigil.Core.Tests.Fakes;

/// <summary>Stores events once per (tenant, event id), as the unique key does; returns how many were new.</summary>
internal sealed class FakeEventStore : IEventStore
{
    public List<TelemetryEvent> Events { get; } = [];

    public int Inserts { get; private set; }

    public Task<int> InsertAsync(IReadOnlyList<TelemetryEvent> events, CancellationToken cancellationToken)
    {
        Inserts++;
        var added = 0;
        foreach (var e in events)
        {
            if (Events.Any(x => x.TenantId == e.TenantId && x.EventId == e.EventId)) continue;
            Events.Add(e);
            added++;
        }
        return Task.FromResult(added);
    }
}
