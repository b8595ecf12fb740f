using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Jobs;
using Vigil.Core.Metrics;
using Vigil.Core.Notifications;

namespace Vigil.Core.Reviews;

/// <summary>
/// Timer function <c>SendReview</c> (Monday 09:00 UTC by default): the review of the last 7 days of
/// every tenant that had events in them, to each channel of <c>Vigil:Review:Channels</c>. A channel
/// that is down does not stop the others or the other tenants; the counts say what was delivered.
/// </summary>
public sealed partial class SendReviewJob(
    ReviewService reviews,
    IRollupStore rollups,
    INotificationSender sender,
    IOptionsMonitor<ReviewOptions> options,
    TimeProvider time,
    ILogger<SendReviewJob> logger) : ITimerJob
{
    /// <summary>The weekly review's window.</summary>
    public static readonly string Window = "7d";

    public string Name => TimerJobNames.SendReview;
    public string ScheduleSetting => "ReviewSchedule";
    public string DefaultSchedule => "0 0 9 * * 1";

    public async Task<JobResult> RunAsync(CancellationToken cancellationToken)
    {
        var channels = options.CurrentValue.ChannelList;
        if (!MetricWindow.TryResolve(Window, time.GetUtcNow(), out var window, out var error)) throw new InvalidOperationException(error);
        if (channels.Count == 0)
        {
            return new JobResult("no review sent: Vigil:Review:Channels is empty", new Dictionary<string, long> { ["tenants"] = 0, ["sent"] = 0, ["failed"] = 0 });
        }
        var tenants = (await rollups.QueryAsync(new RollupQuery(window.Plan(), new MetricFilter(), [Dimension.TenantId], WithSketches: false), cancellationToken))
            .Where(g => g.Counters.Events > 0)
            .Select(g => g.Key[Dimension.TenantId])
            .Order(StringComparer.Ordinal)
            .ToList();
        long sent = 0, failed = 0;
        foreach (var tenant in tenants)
        {
            var notification = ReviewMessage.Build(await reviews.BuildAsync(window, tenant, cancellationToken));
            foreach (var channel in channels)
            {
                var result = await sender.SendAsync(channel, notification, cancellationToken);
                if (result.Status == DeliveryStatus.Sent)
                {
                    sent++;
                }
                else
                {
                    failed++;
                    LogNotDelivered(tenant, channel, result.Error);
                }
            }
        }
        return new JobResult(
            $"sent the review of {tenants.Count} tenant(s) to {string.Join(", ", channels)}: {sent} delivered, {failed} not",
            new Dictionary<string, long> { ["tenants"] = tenants.Count, ["sent"] = sent, ["failed"] = failed });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The review of tenant {Tenant} was not delivered to {Channel}: {Error}")]
    private partial void LogNotDelivered(string tenant, string channel, string? error);
}
