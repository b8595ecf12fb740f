namespace Vigil.Core.Notifications;

/// <summary>Sends to one channel, retrying transient failures; never throws for a channel that is down.</summary>
public interface INotificationSender
{
    Task<DeliveryResult> SendAsync(string channel, Notification notification, CancellationToken cancellationToken);
}
