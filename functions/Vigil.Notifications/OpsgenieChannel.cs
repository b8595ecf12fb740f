using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Notifications;

namespace Vigil.Notifications;

/// <summary>
/// Opsgenie Alerts API: create with alias = the dedup key (responders: the people it is for, by
/// their e-mail as Opsgenie user name), then acknowledge and close by alias.
/// </summary>
public sealed class OpsgenieChannel(IHttpClientFactory http, IOptionsMonitor<ChannelOptions> options) : HttpChannel(http)
{
    public override string Name => Channels.Opsgenie;

    public override string? OffReason => string.IsNullOrWhiteSpace(options.CurrentValue.Opsgenie.ApiKey) ? "Vigil:Channels:Opsgenie:ApiKey is not set" : null;

    public override string? Declines(Notification n) => n.Incident == IncidentAction.None ? "Opsgenie takes incidents, not reports" : null;

    public static string Priority(string severity) => severity switch
    {
        "critical" => "P1",
        "warning" => "P3",
        _ => "P5",
    };

    public override Task SendAsync(Notification n, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Opsgenie;
        var baseUrl = settings.Endpoint.TrimEnd('/');
        var alias = Uri.EscapeDataString(n.DedupKey);
        var (url, body) = n.Incident switch
        {
            IncidentAction.Acknowledge => ($"{baseUrl}/v2/alerts/{alias}/acknowledge?identifierType=alias",
                Serialize(new { source = "vigil", user = n.Actor, note = n.Note })),
            IncidentAction.Resolve => ($"{baseUrl}/v2/alerts/{alias}/close?identifierType=alias",
                Serialize(new { source = "vigil", note = n.Note })),
            _ => ($"{baseUrl}/v2/alerts", Serialize(new
            {
                message = Text.Truncate(n.ShortTitle, 130),
                alias = n.DedupKey,
                description = Text.Truncate(PlainText.Body(n), 15000),
                priority = Priority(n.Severity),
                source = "vigil",
                entity = n.Entity,
                tags = n.Tags,
                responders = n.Recipients.Where(r => r.Email is not null).Select(r => new { type = "user", username = r.Email }).ToArray(),
                details = n.Details.Where(d => d.Value is string or double or int or decimal).ToDictionary(d => d.Key, d => d.Value!.ToString()),
            })),
        };
        return PostAsync(url, body, request => request.Headers.TryAddWithoutValidation("Authorization", $"GenieKey {settings.ApiKey}"), cancellationToken);
    }
}
