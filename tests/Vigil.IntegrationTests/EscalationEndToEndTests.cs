using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>
/// The escalation as an on-call person lives it, over HTTP with real receivers on loopback and
/// shortened level delays: slow lead_bot traffic, the sla_violation default rule, three levels,
/// acknowledgement.
/// </summary>
public class EscalationEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Slow full qualifications of lead_bot (SLA P95 2,000 ms), rolled up and evaluated.</summary>
    private static async Task<string> FireSlaViolationAsync(HttpClient admin)
    {
        var now = DateTimeOffset.UtcNow;
        var random = new Random(4);
        var slow = Enumerable.Range(0, 60).Select(i => Events.BotInteraction($"slow-{Guid.NewGuid():N}", now.AddSeconds(-i % 40), operation: "full_qualification", durationMs: 3000 + random.Next(0, 1500))).ToList();
        await Traffic.PostAllAsync(admin, slow);
        await Run(admin, "ComputeRollups");
        await Run(admin, "EvaluateAlerts");
        var alerts = (await Traffic.GetJsonAsync(admin, "/api/alerts?state=firing&rule=sla_violation")).GetProperty("alerts").EnumerateArray().ToList();
        var alert = Assert.Single(alerts);
        Assert.Equal("lead_bot", alert.GetProperty("group").GetProperty("bot").GetString());
        Assert.Equal("full_qualification", alert.GetProperty("group").GetProperty("operation").GetString());
        Assert.Equal(2000, alert.GetProperty("threshold").GetDouble());
        return alert.GetProperty("id").GetString()!;

        static async Task Run(HttpClient admin, string function)
        {
            var response = await admin.PostAsync($"/admin/functions/{function}", VigilApp.Json("{}"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
    }

    private static int WebhookLevel(ReceivedRequest r) => r.Json.GetProperty("level").GetInt32();

    private static bool IsTrigger(ReceivedRequest r) => r.Text.Contains("\"event_action\":\"trigger\"", StringComparison.Ordinal) || r.PathAndQuery == "/v2/alerts";

    [Fact]
    public async Task Levels_one_two_and_three_reach_the_right_receivers_in_order_and_stop_on_acknowledgement()
    {
        await using var receivers = await Receivers.StartAsync();
        await using var app = await VigilApp.StartAsync(receivers.Settings(level2: TimeSpan.FromSeconds(2), level3: TimeSpan.FromSeconds(4)));
        using var admin = app.AdminClient();
        var id = await FireSlaViolationAsync(admin);

        // Level 1 goes out before EvaluateAlerts answers: the rule's channels (email, Slack, webhook).
        Assert.Single(receivers.Slack.Received);
        Assert.Equal([1], receivers.Webhook.Received.Select(WebhookLevel));
        Assert.Single(receivers.Smtp.Mails);
        Assert.Empty(receivers.PagerDuty.Received);

        // Level 2 after Level2After: email, Slack and webhook again.
        var webhooks = await receivers.Webhook.WaitForAsync(2, Patience);
        Assert.Equal([1, 2], webhooks.Select(WebhookLevel));
        Assert.Equal(2, (await receivers.Slack.WaitForAsync(2, Patience)).Count);
        Assert.Equal(2, (await receivers.Smtp.WaitForAsync(2, Patience)).Count);
        Assert.Contains("escalation level 2 of 3", receivers.Smtp.Mails[1].Subject, StringComparison.Ordinal);
        Assert.Empty(receivers.PagerDuty.Received);

        // Level 3 after Level3After: PagerDuty and Opsgenie.
        var page = Assert.Single(await receivers.PagerDuty.WaitForAsync(1, Patience));
        Assert.Equal("trigger", page.Json.GetProperty("event_action").GetString());
        Assert.Equal(id, page.Json.GetProperty("dedup_key").GetString());
        var genie = Assert.Single(await receivers.Opsgenie.WaitForAsync(1, Patience));
        Assert.Equal(id, genie.Json.GetProperty("alias").GetString());
        Assert.True(webhooks[1].At < page.At, "level 2 arrived before level 3");
        Assert.True(webhooks[0].At < webhooks[1].At, "level 1 arrived before level 2");

        using var operatorClient = app.Client(await app.CreateKeyAsync("operator"));
        var ack = await operatorClient.PostAsync($"/api/alerts/{id}/ack", VigilApp.Json("""{"acknowledged_by":"ana@oncall","note":"on it"}"""));
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal("acknowledged", (await ack.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());

        // The incident tools hear of the acknowledgement; nothing else is sent, however long we wait.
        Assert.Equal("acknowledge", (await receivers.PagerDuty.WaitForAsync(2, Patience))[1].Json.GetProperty("event_action").GetString());
        Assert.EndsWith("/acknowledge?identifierType=alias", (await receivers.Opsgenie.WaitForAsync(2, Patience))[1].PathAndQuery, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(2, receivers.Slack.Received.Count);
        Assert.Equal(2, receivers.Webhook.Received.Count);
        Assert.Equal(2, receivers.Smtp.Mails.Count);
        Assert.Single(receivers.PagerDuty.Received, IsTrigger);
        Assert.Single(receivers.Opsgenie.Received, IsTrigger);

        var alert = await Traffic.GetJsonAsync(admin, $"/api/alerts/{id}");
        Assert.Equal(3, alert.GetProperty("escalation_level").GetInt32());
        Assert.Equal("ana@oncall", alert.GetProperty("acknowledged_by").GetString());
        var sent = alert.GetProperty("notifications").EnumerateArray()
            .Select(n => $"{n.GetProperty("level").GetInt32()}:{n.GetProperty("channel").GetString()}:{n.GetProperty("status").GetString()}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["0:opsgenie:sent", "0:pagerduty:sent", "1:email:sent", "1:slack:sent", "1:webhook:sent", "2:email:sent", "2:slack:sent", "2:webhook:sent", "3:opsgenie:sent", "3:pagerduty:sent"],
            sent);
    }

    [Fact]
    public async Task Acknowledging_between_level_one_and_two_means_level_two_is_never_sent()
    {
        await using var receivers = await Receivers.StartAsync();
        // Level 2 far enough out that firing and acknowledging finish before it even on a loaded machine.
        var level2 = TimeSpan.FromSeconds(12);
        await using var app = await VigilApp.StartAsync(receivers.Settings(level2: level2, level3: level2 * 2));
        using var admin = app.AdminClient();
        using var operatorClient = app.Client(await app.CreateKeyAsync("operator"));
        var id = await FireSlaViolationAsync(admin);
        Assert.Single(receivers.Slack.Received);

        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PostAsync($"/api/alerts/{id}/ack", VigilApp.Json("{}"))).StatusCode);

        // Past the moment level 2 was due: nothing more arrives.
        var firedAt = (await Traffic.GetJsonAsync(admin, $"/api/alerts/{id}")).GetProperty("fired_at").GetDateTimeOffset();
        var pastLevel2 = firedAt + level2 + TimeSpan.FromSeconds(2) - DateTimeOffset.UtcNow;
        if (pastLevel2 > TimeSpan.Zero) await Task.Delay(pastLevel2);
        Assert.Single(receivers.Slack.Received);
        Assert.Single(receivers.Webhook.Received);
        Assert.Single(receivers.Smtp.Mails);
        Assert.Empty(receivers.PagerDuty.Received);
        Assert.Empty(receivers.Opsgenie.Received);
        var alert = await Traffic.GetJsonAsync(admin, $"/api/alerts/{id}");
        Assert.Equal(1, alert.GetProperty("escalation_level").GetInt32());
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM alert_escalations"));
    }

    [Fact]
    public async Task Without_a_public_url_notifications_link_to_the_address_the_local_host_listens_on()
    {
        await using var receivers = await Receivers.StartAsync();
        var settings = receivers.Settings(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));
        settings["ConnectionStrings:Postgres"] = TestPostgres.NewSchema(out _);
        settings["VIGIL_ADMIN_KEY"] = "admin-" + Guid.NewGuid().ToString("N");
        await using var host = await LocalHostProcess.StartAsync(settings);
        using var admin = new HttpClient { BaseAddress = new Uri(host.Url) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings["VIGIL_ADMIN_KEY"]);
        var id = await FireSlaViolationAsync(admin);

        var webhook = Assert.Single(await receivers.Webhook.WaitForAsync(1, Patience));
        Assert.Equal($"{host.Url}/api/alerts/{id}/ack", webhook.Json.GetProperty("ack_url").GetString());
        Assert.Contains($"{host.Url}/api/alerts/{id}/ack", Assert.Single(receivers.Slack.Received).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Killing_and_restarting_the_local_host_between_levels_sends_each_level_exactly_once()
    {
        await using var receivers = await Receivers.StartAsync();
        // Long enough that firing finishes well before level 2 even on a loaded machine.
        var (level2, level3) = (TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(28));
        var settings = receivers.Settings(level2, level3);
        settings["ConnectionStrings:Postgres"] = TestPostgres.NewSchema(out _);
        settings["VIGIL_ADMIN_KEY"] = "admin-" + Guid.NewGuid().ToString("N");

        var first = await LocalHostProcess.StartAsync(settings);
        string id;
        using (var admin = new HttpClient { BaseAddress = new Uri(first.Url) })
        {
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings["VIGIL_ADMIN_KEY"]);
            id = await FireSlaViolationAsync(admin);
        }
        Assert.Single(receivers.Slack.Received);
        first.Kill();
        var firedAt = receivers.Slack.Received[0].At;
        Assert.True(DateTimeOffset.UtcNow < firedAt + level2, "firing took longer than level 2's delay; the test cannot tell a restart from a late send");

        // Level 2 comes due while no host runs; the next host sends it on start, then level 3 on time.
        var level2Due = firedAt + level2 + TimeSpan.FromSeconds(1) - DateTimeOffset.UtcNow;
        if (level2Due > TimeSpan.Zero) await Task.Delay(level2Due);
        Assert.Single(receivers.Slack.Received);
        await using var second = await LocalHostProcess.StartAsync(settings);
        Assert.Equal([1, 2], (await receivers.Webhook.WaitForAsync(2, Patience)).Select(WebhookLevel));
        Assert.Single(await receivers.PagerDuty.WaitForAsync(1, Patience));
        Assert.Single(await receivers.Opsgenie.WaitForAsync(1, Patience));

        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(2, receivers.Slack.Received.Count);
        Assert.Equal(2, receivers.Webhook.Received.Count);
        Assert.Equal(2, receivers.Smtp.Mails.Count);
        Assert.Single(receivers.PagerDuty.Received);
        Assert.Single(receivers.Opsgenie.Received);
        using var client = new HttpClient { BaseAddress = new Uri(second.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings["VIGIL_ADMIN_KEY"]);
        var alert = await Traffic.GetJsonAsync(client, $"/api/alerts/{id}");
        Assert.Equal(3, alert.GetProperty("escalation_level").GetInt32());
        Assert.Equal(8, alert.GetProperty("notifications").GetArrayLength());
    }
}
