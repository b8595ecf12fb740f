using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Notifications;

namespace Vigil.Notifications;

/// <summary>PagerDuty Events API v2: trigger, acknowledge and resolve, one incident per dedup key, with the acknowledge page in <c>links</c>.</summary>
public sealed class PagerDutyChannel(IHttpClientFactory http, IOptionsMonitor<ChannelOptions> options) : HttpChannel(http)
{
    public override string Name => Channels.PagerDuty;

    public override string? OffReason => string.IsNullOrWhiteSpace(options.CurrentValue.PagerDuty.RoutingKey) ? "Vigil:Channels:PagerDuty:RoutingKey is not set" : null;

    public override string? Declines(Notification n) => n.Incident == IncidentAction.None ? "PagerDuty takes incidents, not reports" : null;

    public override Task SendAsync(Notification n, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.PagerDuty;
        object body = n.Incident switch
        {
            IncidentAction.Trigger => new
            {
                routing_key = settings.RoutingKey,
                event_action = "trigger",
                dedup_key = n.DedupKey,
                client = "Vigil",
                payload = new
                {
                    summary = Text.Truncate(n.Summary, 1024),
                    source = $"vigil/{n.Entity}",
                    severity = n.Severity,
                    timestamp = n.Timestamp,
                    component = n.Component,
                    group = n.Group,
                    @class = n.Class,
                    custom_details = Details(n),
                },
                links = n.Links.Where(l => l.IsAction).Select(l => new { href = l.Url, text = $"{l.Label} in Vigil" }).ToArray(),
            },
            _ => new
            {
                routing_key = settings.RoutingKey,
                event_action = n.Incident == IncidentAction.Acknowledge ? "acknowledge" : "resolve",
                dedup_key = n.DedupKey,
            },
        };
        return PostAsync(settings.Endpoint, Serialize(body), null, cancellationToken);
    }

    /// <summary>The details, and the people the notification is for with their phones (PagerDuty's own escalation pages them).</summary>
    private static Dictionary<string, object?> Details(Notification n)
    {
        var details = new Dictionary<string, object?>(n.Details);
        if (n.Recipients.Count > 0)
        {
            details["responders"] = n.Recipients.Select(r => new { r.Name, r.Email, r.Phone }).ToArray();
        }
        return details;
    }
}
