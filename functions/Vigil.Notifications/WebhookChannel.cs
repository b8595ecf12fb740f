using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Notifications;

namespace Vigil.Notifications;

/// <summary>Generic webhook: the notification's JSON payload plus <c>sent_at</c>, signed with HMAC-SHA256 over the exact body bytes.</summary>
public sealed class WebhookChannel(IHttpClientFactory http, IOptionsMonitor<ChannelOptions> options, TimeProvider time) : HttpChannel(http)
{
    public const string SignatureHeader = "X-Vigil-Signature";

    public override string Name => Channels.Webhook;

    public override string? OffReason => string.IsNullOrWhiteSpace(options.CurrentValue.Webhook.Url) ? "Vigil:Channels:Webhook:Url is not set" : null;

    public override Task SendAsync(Notification n, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Webhook;
        var payload = new Dictionary<string, object?>(n.Payload) { ["sent_at"] = time.GetUtcNow() };
        var body = Serialize(payload);
        return PostAsync(settings.Url!, body, request =>
        {
            request.Headers.Add("X-Vigil-Event", n.Event);
            if (!string.IsNullOrEmpty(settings.Secret)) request.Headers.Add(SignatureHeader, Sign(settings.Secret, body));
            foreach (var (name, value) in settings.Headers) request.Headers.TryAddWithoutValidation(name, value);
        }, cancellationToken);
    }

    /// <summary>"sha256=" and the lower-case hex HMAC-SHA256 of the body, as GitHub-style receivers check it.</summary>
    public static string Sign(string secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
