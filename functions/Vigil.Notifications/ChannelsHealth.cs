using Vigil.Core.Health;

namespace Vigil.Notifications;

/// <summary>Each channel in <c>/api/health/detailed</c>: healthy when configured, off (with the reason) when not.</summary>
public sealed class ChannelsHealth(IEnumerable<IChannel> channels) : IHealthContributor
{
    public Task<IReadOnlyList<ServiceHealth>> CheckAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ServiceHealth>>([.. channels.Select(c => new ServiceHealth(
            $"channel_{c.Name}",
            c.OffReason is null ? "healthy" : "off",
            new Dictionary<string, object?> { ["channel"] = c.Name, ["configured"] = c.OffReason is null, ["reason"] = c.OffReason }))]);
}
