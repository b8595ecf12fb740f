namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>All six channels pointed at loopback receivers, and the settings that say so.</summary>
public sealed class Receivers : IAsyncDisposable
{
    public const string WebhookSecret = "webhook-test-secret";

    private Receivers(RecordingServer slack, RecordingServer webhook, RecordingServer pagerDuty, RecordingServer opsgenie, SmtpReceiver smtp, RecordingServer teams)
    {
        Teams = teams;
        Slack = slack;
        Webhook = webhook;
        PagerDuty = pagerDuty;
        Opsgenie = opsgenie;
        Smtp = smtp;
    }

    public RecordingServer Slack { get; }
    public RecordingServer Webhook { get; }
    public RecordingServer PagerDuty { get; }
    public RecordingServer Opsgenie { get; }
    public SmtpReceiver Smtp { get; }
    public RecordingServer Teams { get; }

    public static async Task<Receivers> StartAsync() => new(
        await RecordingServer.StartAsync(), await RecordingServer.StartAsync(), await RecordingServer.StartAsync(), await RecordingServer.StartAsync(), new SmtpReceiver(),
        await RecordingServer.StartAsync());

    public Dictionary<string, string?> Settings(TimeSpan? level2 = null, TimeSpan? level3 = null) => new()
    {
        ["Vigil:Channels:Slack:WebhookUrl"] = Slack.Url + "/services/T000/B000/XXX",
        ["Vigil:Channels:Webhook:Url"] = Webhook.Url + "/hooks/vigil",
        ["Vigil:Channels:Webhook:Secret"] = WebhookSecret,
        ["Vigil:Channels:Webhook:Headers:X-Team"] = "bots",
        ["Vigil:Channels:PagerDuty:RoutingKey"] = "pd-routing-key",
        ["Vigil:Channels:PagerDuty:Url"] = PagerDuty.Url + "/v2/enqueue",
        ["Vigil:Channels:Opsgenie:ApiKey"] = "og-api-key",
        ["Vigil:Channels:Opsgenie:Url"] = Opsgenie.Url,
        ["Vigil:Channels:Email:Host"] = "127.0.0.1",
        ["Vigil:Channels:Email:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Vigil:Channels:Email:From"] = "vigil@example.test",
        ["Vigil:Channels:Email:To"] = "oncall@example.test, lead@example.test",
        ["Vigil:Channels:Email:UseTls"] = "false",
        ["Vigil:Channels:Teams:WebhookUrl"] = Teams.Url + "/webhookb2/vigil",
        ["Vigil:Notifications:RetryBaseDelay"] = "00:00:00.050",
        ["Vigil:Escalation:Level2After"] = (level2 ?? TimeSpan.FromMinutes(5)).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        ["Vigil:Escalation:Level3After"] = (level3 ?? TimeSpan.FromMinutes(15)).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Everything received, as "channel" strings in arrival order (HTTP receivers and mail).</summary>
    public int Total => Slack.Received.Count + Webhook.Received.Count + PagerDuty.Received.Count + Opsgenie.Received.Count + Smtp.Mails.Count + Teams.Received.Count;

    public async ValueTask DisposeAsync()
    {
        await Slack.DisposeAsync();
        await Webhook.DisposeAsync();
        await PagerDuty.DisposeAsync();
        await Opsgenie.DisposeAsync();
        await Smtp.DisposeAsync();
        await Teams.DisposeAsync();
    }
}
