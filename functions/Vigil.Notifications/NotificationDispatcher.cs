using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Notifications;

namespace Vigil.Notifications;

/// <summary>
/// Sends to one channel with retries (Polly): exponential backoff with jitter for 5xx, 429 (honouring
/// Retry-After, capped), timeouts and transient SMTP replies; no retry for other 4xx. Never throws for
/// a failed channel: the caller records the result and carries on with the other channels.
/// </summary>
public sealed partial class NotificationDispatcher : INotificationSender
{
    public const string HttpClientName = "vigil-notifications";

    private readonly Dictionary<string, IChannel> _channels;
    private readonly IOptionsMonitor<NotificationOptions> _options;
    private readonly ILogger<NotificationDispatcher> _logger;

    public NotificationDispatcher(IEnumerable<IChannel> channels, IOptionsMonitor<NotificationOptions> options, ILogger<NotificationDispatcher> logger)
    {
        _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _options = options;
        _logger = logger;
    }

    public IReadOnlyCollection<IChannel> All => _channels.Values;

    public async Task<DeliveryResult> SendAsync(string channel, Notification notification, CancellationToken cancellationToken)
    {
        if (!_channels.TryGetValue(channel, out var target))
        {
            return new DeliveryResult(DeliveryStatus.Failed, 0, $"unknown channel '{channel}'");
        }
        if (target.OffReason is { } off)
        {
            return new DeliveryResult(DeliveryStatus.Failed, 0, $"channel {channel} is off: {off}");
        }
        if (target.Declines(notification) is { } declined)
        {
            return new DeliveryResult(DeliveryStatus.Failed, 0, $"channel {channel} does not take {notification.Event}: {declined}");
        }
        var attempts = 0;
        using var activity = VigilTelemetry.Source.StartActivity($"notify {channel}", ActivityKind.Client);
        try
        {
            await Pipeline(channel).ExecuteAsync(async token =>
            {
                attempts++;
                await target.SendAsync(notification, token);
            }, cancellationToken);
            VigilTelemetry.RecordNotification(channel, sent: true);
            activity?.SetTag("vigil.attempts", attempts);
            return new DeliveryResult(DeliveryStatus.Sent, attempts, null);
        }
        catch (Exception e) when (e is TransientDeliveryException or PermanentDeliveryException or HttpRequestException or TimeoutRejectedException
                                      or IOException or SocketException or InvalidOperationException or FormatException)
        {
            var error = e is TimeoutRejectedException ? $"{channel}: no answer within {_options.CurrentValue.AttemptTimeout.TotalSeconds:0} s" : e.Message;
            LogFailed(_logger, channel, attempts, error);
            VigilTelemetry.RecordNotification(channel, sent: false);
            activity?.SetTag("vigil.attempts", attempts);
            activity?.SetStatus(ActivityStatusCode.Error, error);
            return new DeliveryResult(DeliveryStatus.Failed, attempts, error);
        }
    }

    private ResiliencePipeline Pipeline(string channel)
    {
        var o = _options.CurrentValue;
        // Backoff and per-attempt timeouts are about the network, so they run on the real clock even
        // when the application's clock is a test's.
        return new ResiliencePipelineBuilder { TimeProvider = TimeProvider.System }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<TransientDeliveryException>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<IOException>()
                    .Handle<SocketException>(),
                MaxRetryAttempts = Math.Max(1, o.MaxRetries),
                Delay = o.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                DelayGenerator = args => new ValueTask<TimeSpan?>(
                    args.Outcome.Exception is TransientDeliveryException { RetryAfter: { } retryAfter }
                        ? TimeSpan.FromTicks(Math.Clamp(retryAfter.Ticks, 0, o.MaxRetryAfter.Ticks))
                        : null),
                OnRetry = args =>
                {
                    LogRetrying(_logger, channel, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message ?? "");
                    return default;
                },
            }.WithMaxRetries(o.MaxRetries))
            .AddTimeout(o.AttemptTimeout)
            .Build();
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Retrying {Channel} (attempt {Attempt} failed) in {DelayMs:F0} ms: {Reason}")]
    private static partial void LogRetrying(ILogger logger, string channel, int attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Sending to {Channel} failed after {Attempts} attempts: {Error}")]
    private static partial void LogFailed(ILogger logger, string channel, int attempts, string error);
}
