namespace Vigil.Core.Events;

/// <summary>
/// A place in the drill-down order (timestamp, tenant, event id; all descending). The key is
/// unique, so a page that starts after the last row of the previous page neither repeats nor skips
/// an event, however many arrive meanwhile: newer ones sort before the first page, late ones fall
/// into their place further on.
/// </summary>
public readonly record struct EventPosition(DateTimeOffset Timestamp, string TenantId, string EventId);
