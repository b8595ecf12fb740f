namespace Vigil.Core.Events;

/// <summary>An event as stored: every field, its cost source, and when Vigil received it.</summary>
public sealed record StoredEvent(TelemetryEvent Event, DateTimeOffset IngestedAt);
