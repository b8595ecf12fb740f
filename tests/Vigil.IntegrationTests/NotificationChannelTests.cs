using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Core.Alerts;
using Vigil.Core.Health;
using Vigil.Core.Notifications;
using Vigil.IntegrationTests.Infrastructure;
using Vigil.Notifications;

namespace Vigil.IntegrationTests;

public class NotificationChannelTests
{
    private static readonly Alert SampleAlert = NotificationSamples.Alert;

    private static Notification Message(int level = 2, NotificationKind kind = NotificationKind.Trigger, Alert? alert = null) =>
        AlertNotification.Build(new AlertMessage(alert ?? SampleAlert, level, kind, $"http://vigil.test/api/alerts/{SampleAlert.Id}/ack"));

    private static (NotificationDispatcher Dispatcher, ServiceProvider Services) Dispatcher(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(TimeProvider.System)
            .AddVigilNotifications(configuration)
            .BuildServiceProvider();
        return (services.GetRequiredService<NotificationDispatcher>(), services);
    }

    [Fact]
    public async Task Slack_gets_a_readable_message_with_rule_group_value_threshold_severity_level_and_ack_link()
    {
        await using var receivers = await Receivers.StartAsync();
        var (dispatcher, services) = Dispatcher(receivers.Settings());
        await using (services)
        {
            var result = await dispatcher.SendAsync("slack", Message(), default);
            Assert.Equal(DeliveryStatus.Sent, result.Status);
            var request = Assert.Single(receivers.Slack.Received);
            Assert.Equal("/services/T000/B000/XXX", request.PathAndQuery);
            var text = request.Text;
            // Slack reads &, < and > as markup, so they arrive escaped; Slack shows "> 2,000".
            foreach (var expected in new[] { "sla_violation", "bot=lead_bot", "operation=full_qualification", "latency_p95 = 2,734", "&gt; 2,000", "critical", "escalation level 2 of 3", $"/api/alerts/{SampleAlert.Id}/ack" })
            {
                Assert.Contains(expected, text, StringComparison.Ordinal);
            }
            Assert.Contains("[CRITICAL]", request.Json.GetProperty("text").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_webhook_body_is_signed_with_hmac_sha256_and_carries_custom_headers()
    {
        await using var receivers = await Receivers.StartAsync();
        var (dispatcher, services) = Dispatcher(receivers.Settings());
        await using (services)
        {
            Assert.Equal(DeliveryStatus.Sent, (await dispatcher.SendAsync("webhook", Message(), default)).Status);
            var request = Assert.Single(receivers.Webhook.Received);
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Receivers.WebhookSecret), request.Body));
            Assert.Equal(expected, request.Headers["X-Vigil-Signature"]);
            Assert.Equal("bots", request.Headers["X-Team"]);
            Assert.Equal("trigger", request.Headers["X-Vigil-Event"]);
            var body = request.Json;
            Assert.Equal("trigger", body.GetProperty("event").GetString());
            Assert.Equal(2, body.GetProperty("level").GetInt32());
            Assert.Equal(SampleAlert.Id.ToString(), body.GetProperty("alert").GetProperty("id").GetString());
            Assert.Equal("lead_bot", body.GetProperty("alert").GetProperty("group").GetProperty("bot").GetString());
            Assert.Equal(2734, body.GetProperty("alert").GetProperty("value").GetDouble());
        }
    }

    [Fact]
    public async Task PagerDuty_receives_trigger_acknowledge_and_resolve_deduplicated_by_alert_id()
    {
        await using var receivers = await Receivers.StartAsync();
        var (dispatcher, services) = Dispatcher(receivers.Settings());
        await using (services)
        {
            await dispatcher.SendAsync("pagerduty", Message(3), default);
            await dispatcher.SendAsync("pagerduty", Message(0, NotificationKind.Acknowledge, SampleAlert with { State = AlertState.Acknowledged, AcknowledgedBy = "ana" }), default);
            await dispatcher.SendAsync("pagerduty", Message(0, NotificationKind.Resolve, SampleAlert with { State = AlertState.Resolved }), default);
            var requests = receivers.PagerDuty.Received;
            Assert.Equal(3, requests.Count);
            Assert.All(requests, r => Assert.Equal("/v2/enqueue", r.PathAndQuery));
            Assert.Equal(["trigger", "acknowledge", "resolve"], requests.Select(r => r.Json.GetProperty("event_action").GetString()));
            Assert.All(requests, r => Assert.Equal(SampleAlert.Id.ToString(), r.Json.GetProperty("dedup_key").GetString()));
            Assert.All(requests, r => Assert.Equal("pd-routing-key", r.Json.GetProperty("routing_key").GetString()));
            var payload = requests[0].Json.GetProperty("payload");
            Assert.Contains("sla_violation", payload.GetProperty("summary").GetString(), StringComparison.Ordinal);
            Assert.Equal("critical", payload.GetProperty("severity").GetString());
            Assert.StartsWith("vigil/", payload.GetProperty("source").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Opsgenie_gets_a_genie_key_an_alias_a_short_message_and_acknowledge_and_close_calls()
    {
        await using var receivers = await Receivers.StartAsync();
        var (dispatcher, services) = Dispatcher(receivers.Settings());
        await using (services)
        {
            var longGroup = SampleAlert with { Group = new Dictionary<string, string> { ["bot"] = new string('b', 60), ["operation"] = new string('o', 60) } };
            await dispatcher.SendAsync("opsgenie", Message(3, alert: longGroup), default);
            await dispatcher.SendAsync("opsgenie", Message(0, NotificationKind.Acknowledge, SampleAlert with { AcknowledgedBy = "ana" }), default);
            await dispatcher.SendAsync("opsgenie", Message(0, NotificationKind.Resolve, SampleAlert), default);
            var requests = receivers.Opsgenie.Received;
            Assert.All(requests, r => Assert.Equal("GenieKey og-api-key", r.Headers["Authorization"]));
            Assert.Equal("/v2/alerts", requests[0].PathAndQuery);
            var create = requests[0].Json;
            Assert.Equal(SampleAlert.Id.ToString(), create.GetProperty("alias").GetString());
            Assert.True(create.GetProperty("message").GetString()!.Length <= 130);
            Assert.Equal("P1", create.GetProperty("priority").GetString());
            Assert.Equal($"/v2/alerts/{SampleAlert.Id}/acknowledge?identifierType=alias", requests[1].PathAndQuery);
            Assert.Equal($"/v2/alerts/{SampleAlert.Id}/close?identifierType=alias", requests[2].PathAndQuery);
        }
    }

    [Fact]
    public async Task Email_arrives_at_a_real_smtp_server_for_every_recipient()
    {
        await using var receivers = await Receivers.StartAsync();
        var (dispatcher, services) = Dispatcher(receivers.Settings());
        await using (services)
        {
            Assert.Equal(DeliveryStatus.Sent, (await dispatcher.SendAsync("email", Message(1), default)).Status);
            var mail = Assert.Single(await receivers.Smtp.WaitForAsync(1, TimeSpan.FromSeconds(5)));
            Assert.Equal("vigil@example.test", mail.From);
            Assert.Equal(["oncall@example.test", "lead@example.test"], mail.To);
            Assert.Contains("sla_violation", mail.Subject, StringComparison.Ordinal);
            Assert.Contains("escalation level 1 of 3", mail.Subject, StringComparison.Ordinal);
            Assert.Contains($"http://vigil.test/api/alerts/{SampleAlert.Id}/ack", mail.Body, StringComparison.Ordinal);
            Assert.Contains("Condition: latency_p95 = 2,734 (threshold > 2,000, 5m window)", mail.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Teams_gets_a_valid_adaptive_card_with_the_facts_a_mention_and_an_acknowledge_action()
    {
        await using var receivers = await Receivers.StartAsync();
        var (dispatcher, services) = Dispatcher(receivers.Settings());
        await using (services)
        {
            var notification = AlertNotification.Build(new AlertMessage(SampleAlert, 2, NotificationKind.Trigger, $"http://vigil.test/api/alerts/{SampleAlert.Id}/ack")
            {
                AckLink = "http://vigil.test/api/ack/abc123",
                Recipients = [new Recipient("ana", "Ana Oncall", TeamsUpn: "ana@contoso.example")],
            });
            Assert.Equal(DeliveryStatus.Sent, (await dispatcher.SendAsync("teams", notification, default)).Status);
            var request = Assert.Single(receivers.Teams.Received);
            Assert.Equal("/webhookb2/vigil", request.PathAndQuery);
            var message = request.Json;
            Assert.Equal("message", message.GetProperty("type").GetString());
            var attachment = Assert.Single(message.GetProperty("attachments").EnumerateArray());
            Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
            var card = attachment.GetProperty("content");
            AdaptiveCard.AssertValid(card);
            var facts = card.GetProperty("body").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "FactSet").GetProperty("facts").EnumerateArray()
                .ToDictionary(f => f.GetProperty("title").GetString()!, f => f.GetProperty("value").GetString()!);
            Assert.Equal("latency_p95 = 2,734 (threshold > 2,000, 5m window)", facts["Condition"]);
            Assert.Equal("bot=lead_bot, operation=full_qualification", facts["Group"]);
            var action = Assert.Single(card.GetProperty("actions").EnumerateArray());
            Assert.Equal("Action.OpenUrl", action.GetProperty("type").GetString());
            Assert.Equal("http://vigil.test/api/ack/abc123", action.GetProperty("url").GetString());
            var mention = Assert.Single(card.GetProperty("msteams").GetProperty("entities").EnumerateArray());
            Assert.Equal("ana@contoso.example", mention.GetProperty("mentioned").GetProperty("id").GetString());
            Assert.Contains(card.GetProperty("body").EnumerateArray(), e => e.TryGetProperty("text", out var t) && t.GetString()!.Contains("<at>Ana Oncall</at>", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Server_errors_are_retried_until_the_receiver_recovers()
    {
        await using var receivers = await Receivers.StartAsync();
        receivers.Slack.Reply(503);
        receivers.Slack.Reply(500);
        var (dispatcher, services) = Dispatcher(receivers.Settings());
        await using (services)
        {
            var result = await dispatcher.SendAsync("slack", Message(), default);
            Assert.Equal(DeliveryStatus.Sent, result.Status);
            Assert.Equal(3, result.Attempts);
            Assert.Equal(3, receivers.Slack.Received.Count);
        }
    }

    [Fact]
    public async Task A_429_is_retried_after_the_receivers_retry_after()
    {
        await using var receivers = await Receivers.StartAsync();
        receivers.PagerDuty.Reply(429, null, ("Retry-After", "1"));
        var (dispatcher, services) = Dispatcher(receivers.Settings());
        await using (services)
        {
            var watch = Stopwatch.StartNew();
            var result = await dispatcher.SendAsync("pagerduty", Message(3), default);
            Assert.Equal(DeliveryStatus.Sent, result.Status);
            Assert.Equal(2, result.Attempts);
            Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {watch.Elapsed}");
        }
    }

    [Fact]
    public async Task A_refusal_is_not_retried_and_exhausted_retries_are_reported()
    {
        await using var receivers = await Receivers.StartAsync();
        receivers.Webhook.Reply(400);
        for (var i = 0; i < 10; i++) receivers.Slack.Reply(503);
        var (dispatcher, services) = Dispatcher(receivers.Settings());
        await using (services)
        {
            var refused = await dispatcher.SendAsync("webhook", Message(), default);
            Assert.Equal(DeliveryStatus.Failed, refused.Status);
            Assert.Equal(1, refused.Attempts);
            Assert.Contains("400", refused.Error, StringComparison.Ordinal);

            var exhausted = await dispatcher.SendAsync("slack", Message(), default);
            Assert.Equal(DeliveryStatus.Failed, exhausted.Status);
            Assert.Equal(4, exhausted.Attempts);
            Assert.Contains("503", exhausted.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_receiver_that_hangs_times_out_per_attempt()
    {
        await using var receivers = await Receivers.StartAsync();
        for (var i = 0; i < 5; i++) receivers.Opsgenie.Reply(202, TimeSpan.FromSeconds(3));
        var settings = receivers.Settings();
        settings["Vigil:Notifications:AttemptTimeout"] = "00:00:00.300";
        settings["Vigil:Notifications:MaxRetries"] = "1";
        var (dispatcher, services) = Dispatcher(settings);
        await using (services)
        {
            var result = await dispatcher.SendAsync("opsgenie", Message(3), default);
            Assert.Equal(DeliveryStatus.Failed, result.Status);
            Assert.Equal(2, result.Attempts);
            Assert.Contains("no answer within", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_channel_that_is_down_fails_alone_and_an_unconfigured_one_says_it_is_off()
    {
        await using var receivers = await Receivers.StartAsync();
        var settings = receivers.Settings();
        settings["Vigil:Channels:Webhook:Url"] = $"http://127.0.0.1:{RecordingServer.FreePort()}/nobody-listens";
        settings["Vigil:Channels:Opsgenie:ApiKey"] = null;
        settings["Vigil:Notifications:MaxRetries"] = "1";
        var (dispatcher, services) = Dispatcher(settings);
        await using (services)
        {
            var results = await Task.WhenAll(new[] { "webhook", "slack", "opsgenie" }.Select(c => dispatcher.SendAsync(c, Message(), default)));
            Assert.Equal(DeliveryStatus.Failed, results[0].Status);
            Assert.Equal(2, results[0].Attempts);
            Assert.Equal(DeliveryStatus.Sent, results[1].Status);
            Assert.Equal(DeliveryStatus.Failed, results[2].Status);
            Assert.Equal(0, results[2].Attempts);
            Assert.Contains("opsgenie is off", results[2].Error, StringComparison.Ordinal);

            var health = await services.GetRequiredService<IHealthContributor>().CheckAsync(default);
            Assert.Equal("off", health.Single(h => h.Name == "channel_opsgenie").Status);
            Assert.Equal("healthy", health.Single(h => h.Name == "channel_slack").Status);
        }
    }
}
