using Vigil.Core.Notifications;

namespace Vigil.Notifications;

/// <summary>One notification channel. A send either completes or throws a delivery exception.</summary>
public interface IChannel
{
    string Name { get; }

    /// <summary>Why the channel is off (not configured), or null when it can send.</summary>
    string? OffReason { get; }

    /// <summary>Why this channel does not take this notification (an incident tool and a review), or null.</summary>
    string? Declines(Notification notification) => null;

    Task SendAsync(Notification notification, CancellationToken cancellationToken);
}
