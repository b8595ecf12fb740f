using Vigil.Core.Alerts;
using Vigil.Core.Notifications;

namespace Vigil.Core.Tests.Fakes;

/// <summary>Records every send; channels in <see cref="Down"/> fail after three attempts.</summary>
internal sealed class FakeNotificationSender : INotificationSender
{
    public List<(string Channel, Notification Notification)> Sent { get; } = [];

    public HashSet<string> Down { get; } = [];

    public Task<DeliveryResult> SendAsync(string channel, Notification notification, CancellationToken cancellationToken)
    {
        lock (Sent) Sent.Add((channel, notification));
        return Task.FromResult(Down.Contains(channel) ? new DeliveryResult(DeliveryStatus.Failed, 3, $"{channel} answered 503") : new DeliveryResult(DeliveryStatus.Sent, 1, null));
    }

    public Notification To(string channel) => Assert.Single(Sent, s => s.Channel == channel).Notification;
}
