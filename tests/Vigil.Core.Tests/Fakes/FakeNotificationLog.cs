using Vigil.Core.Alerts;

namespace Vigil.Core.Tests.Fakes;

/// <summary>The notification log kept in <see cref="FakeAlertStore"/>, so alerts show their sends.</summary>
internal sealed class FakeNotificationLog(FakeAlertStore store) : INotificationLog
{
    public DateTimeOffset? StaleOlderThan { get; private set; }

    public Task<IReadOnlyList<NotificationRecord>> AddAsync(Guid alertId, int level, NotificationKind kind, IEnumerable<string> channels, DateTimeOffset at, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<NotificationRecord>>([.. channels.Select(c =>
            store.AddNotification(alertId, new NotificationRecord(0, level, c, kind, DeliveryStatus.Pending, 0, null, null, at)))]);

    public Task CompleteAsync(long id, DeliveryStatus status, int attempts, DateTimeOffset? sentAt, string? error, CancellationToken cancellationToken)
    {
        store.Complete(id, status, attempts, sentAt, error);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<(Guid AlertId, NotificationRecord Notification)>> StalePendingAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        StaleOlderThan = olderThan;
        lock (store.Notifications)
        {
            return Task.FromResult<IReadOnlyList<(Guid, NotificationRecord)>>(
                [.. store.Notifications.Where(n => n.Record.Status == DeliveryStatus.Pending && n.Record.CreatedAt < olderThan)]);
        }
    }
}
