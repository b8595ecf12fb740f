using Vigil.Core.Notifications;

namespace Vigil.Core.OnCall;

/// <summary>Someone escalations can reach, with the contact points the channels use.</summary>
public sealed record Person
{
    public string? TenantId { get; init; }

    /// <summary>Unique within its scope; what <c>person:&lt;id&gt;</c> and schedules name.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? Email { get; init; }

    /// <summary>A Slack member id (U…): the Slack message @-mentions it.</summary>
    public string? SlackUserId { get; init; }

    /// <summary>A Microsoft Teams user principal name: the card mentions it.</summary>
    public string? TeamsUpn { get; init; }

    /// <summary>E.164, for the incident tools' responder details.</summary>
    public string? Phone { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public Recipient ToRecipient() => new(Id, Name, Email, SlackUserId, TeamsUpn, Phone);
}
