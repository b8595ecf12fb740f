namespace Vigil.DemoInbox;

/// <summary>
/// One notification as a receiver understood it. Kind is trigger, acknowledge, resolve, budget or
/// unreadable; Level is the escalation level (null for notices that carry none).
/// </summary>
internal sealed record Notification(
    DateTimeOffset ReceivedAt,
    string Channel,
    string Kind,
    int? Level,
    string? Severity,
    string? Rule,
    string? Group,
    string? AlertId,
    string Summary,
    string? Note,
    string Payload);
