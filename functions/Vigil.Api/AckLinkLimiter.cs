using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;

namespace Vigil.Api;

/// <summary>
/// Acknowledge links need no key, so guessing them is bounded per client address (and overall): a
/// token has 256 bits, and this keeps even a botnet's tries to a trickle while a person tapping a
/// link from a phone never notices.
/// </summary>
public sealed class AckLinkLimiter(IOptions<AlertingOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.CreateChained(
        PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ => Window(options.Value.AckLinkRequestsPerMinute))),
        PartitionedRateLimiter.Create<string, string>(_ => RateLimitPartition.GetFixedWindowLimiter("all", _ => Window(options.Value.AckLinkRequestsPerMinute * 20))));

    /// <summary>Whether this request may go on; when not, how long the client should wait.</summary>
    public (bool Allowed, TimeSpan RetryAfter) TryAcquire(HttpContext context)
    {
        using var lease = _limiter.AttemptAcquire(context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        if (lease.IsAcquired) return (true, TimeSpan.Zero);
        return (false, lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1));
    }

    public void Dispose() => _limiter.Dispose();

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
