using Vigil.Core.Notifications;

namespace Vigil.Core.Alerts;

/// <summary>
/// What the channels are told about an alert: the alert, the level (0 for acknowledge/resolve
/// notices) of how many, how to acknowledge, and the people it is for.
/// </summary>
public sealed record AlertMessage(Alert Alert, int Level, NotificationKind Kind, string AckUrl)
{
    /// <summary>How many levels the alert's escalation has, for "escalation level 2 of 3".</summary>
    public int LevelCount { get; init; } = 3;

    /// <summary>The acknowledge page anyone with the link can use from a phone (GET shows, POST acknowledges).</summary>
    public string? AckLink { get; init; }

    public IReadOnlyList<Recipient> Recipients { get; init; } = [];
}
