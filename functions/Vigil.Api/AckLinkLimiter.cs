using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;

namespace Vigil.Api;

/// <summary>
/// Acknowledge links need no key, so guessing them is bounded per client address: each unknown token
/// a client presents counts, and a client out of tries is refused every link for the rest of the
/// minute. Valid links never count, so a busy incident (many people, link unfurlers) is never
/// refused; a token has 256 bits, so the bound is about load more than odds.
/// </summary>
public sealed class AckLinkLimiter(IOptions<AlertingOptions> options) : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string> _misses = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.AckLinkRequestsPerMinute,
            Window = Period,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Whether this client has used up its tries; then how long to wait.</summary>
    public (bool Blocked, TimeSpan RetryAfter) Check(HttpContext context) =>
        _misses.GetStatistics(Client(context)) is { CurrentAvailablePermits: <= 0 } ? (true, Period) : (false, TimeSpan.Zero);

    /// <summary>The client presented a token that opens nothing.</summary>
    public void CountMiss(HttpContext context)
    {
        using var _ = _misses.AttemptAcquire(Client(context));
    }

    public void Dispose() => _misses.Dispose();

    private static string Client(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
