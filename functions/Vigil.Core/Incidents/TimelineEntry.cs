namespace Vigil.Core.Incidents;

/// <summary>
/// One step of an alert's timeline: when, what (<see cref="Event"/>: breach_started, pending, fired,
/// acknowledged, resolved, escalation_step, notification_sent / _failed / _suppressed / _pending,
/// postmortem_written / postmortem_replaced), who (<see cref="Actor"/>: "vigil" for what Vigil did
/// itself, else the person or key), and for notifications the channel, its recipients and outcome.
/// </summary>
public sealed record TimelineEntry(DateTimeOffset At, string Event, string Actor, string? Detail)
{
    public const string VigilActor = "vigil";

    public int? Level { get; init; }
    public int? Step { get; init; }
    public string? Channel { get; init; }
    public string? Kind { get; init; }
    public IReadOnlyList<string>? Recipients { get; init; }
    public string? Error { get; init; }
}
