using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;
using static Vigil.IntegrationTests.IngestionTests;

namespace Vigil.IntegrationTests;

/// <summary>
/// Rule evaluation on a clock the test moves: windows slide as it advances, so conditions hold,
/// clear and return without waiting real minutes. Only the rule under test is enabled.
/// </summary>
public class AlertEvaluationTests
{
    private static async Task<(VigilApp App, ManualTimeProvider Clock, Receivers Receivers)> StartAsync(string ruleJson, string name = "errors")
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var receivers = await Receivers.StartAsync();
        var app = await VigilApp.StartAsync(receivers.Settings(), time: clock);
        await app.ExecuteAsync("UPDATE alert_rules SET enabled = false");
        using var admin = app.AdminClient();
        var response = await admin.PutAsync($"/api/alert-rules/{name}", VigilApp.Json(ruleJson));
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
        return (app, clock, receivers);
    }

    private const string ErrorRule = """{"metric":"error_rate","group_by":["bot"],"window":"5m","comparator":">","threshold":0.05,"min_samples":10,"severity":"warning","channels":["slack"]}""";

    private static async Task IngestAsync(VigilApp app, DateTimeOffset at, string bot, int ok, int failed, string prefix)
    {
        using var client = app.AdminClient();
        var events = Enumerable.Range(0, ok + failed).Select(i =>
        {
            var e = Events.LlmCall($"{prefix}-{bot}-{i}", at.AddSeconds(-i % 50), bot: bot);
            if (i < failed) e["success"] = false;
            return e;
        }).ToList();
        await Traffic.PostAllAsync(client, events);
    }

    private static async Task<JsonElement> EvaluateAsync(VigilApp app)
    {
        await app.RunFunctionAsync("ComputeRollups");
        return (await app.RunFunctionAsync("EvaluateAlerts")).GetProperty("counts");
    }

    private static async Task<List<JsonElement>> AlertsAsync(VigilApp app, string? state = null)
    {
        using var client = app.AdminClient();
        return [.. (await Traffic.GetJsonAsync(client, "/api/alerts" + (state is null ? "" : $"?state={state}"))).GetProperty("alerts").EnumerateArray()];
    }

    [Fact]
    public async Task An_alert_fires_per_group_notifies_once_and_resolves_with_a_notice_when_the_condition_clears()
    {
        var (app, clock, receivers) = await StartAsync(ErrorRule);
        await using (app)
        await using (receivers)
        {
            await IngestAsync(app, clock.GetUtcNow(), "lead_bot", ok: 30, failed: 10, "a");
            await IngestAsync(app, clock.GetUtcNow(), "buyer_bot", ok: 40, failed: 0, "a");
            var counts = await EvaluateAsync(app);
            Assert.Equal(1, counts.GetProperty("fired").GetInt64());

            var alert = Assert.Single(await AlertsAsync(app, "firing"));
            Assert.Equal("errors", alert.GetProperty("rule").GetString());
            Assert.Equal("lead_bot", alert.GetProperty("group").GetProperty("bot").GetString());
            Assert.Equal(0.25, alert.GetProperty("value").GetDouble(), 6);
            Assert.Equal(0.05, alert.GetProperty("threshold").GetDouble());
            Assert.Equal("warning", alert.GetProperty("severity").GetString());
            Assert.Equal(1, alert.GetProperty("escalation_level").GetInt32());
            var notification = Assert.Single(alert.GetProperty("notifications").EnumerateArray());
            Assert.Equal("sent", notification.GetProperty("status").GetString());
            Assert.Equal(1, notification.GetProperty("level").GetInt32());
            Assert.Single(receivers.Slack.Received);

            // Six minutes later the errors have left the window and the bot is healthy.
            clock.Advance(TimeSpan.FromMinutes(6));
            await IngestAsync(app, clock.GetUtcNow(), "lead_bot", ok: 40, failed: 0, "b");
            Assert.Equal(1, (await EvaluateAsync(app)).GetProperty("resolved").GetInt64());
            var resolved = Assert.Single(await AlertsAsync(app, "resolved"));
            Assert.Contains("no longer > 0.05", resolved.GetProperty("resolve_reason").GetString(), StringComparison.Ordinal);
            var notices = await receivers.Slack.WaitForAsync(2, TimeSpan.FromSeconds(5));
            Assert.Contains("RESOLVED errors", notices[1].Text, StringComparison.Ordinal);
            Assert.Contains(resolved.GetProperty("notifications").EnumerateArray(), n => n.GetProperty("level").GetInt32() == 0 && n.GetProperty("kind").GetString() == "resolve");
            Assert.Equal("firing,resolved", await app.ScalarAsync<string>("SELECT string_agg(to_state, ',' ORDER BY id) FROM alert_transitions"));
        }
    }

    [Fact]
    public async Task A_for_duration_keeps_the_alert_pending_until_it_has_held_that_long()
    {
        var (app, clock, receivers) = await StartAsync(ErrorRule.Replace("\"window\":\"5m\"", "\"window\":\"10m\",\"for\":\"2m\"", StringComparison.Ordinal));
        await using (app)
        await using (receivers)
        {
            await IngestAsync(app, clock.GetUtcNow(), "lead_bot", ok: 30, failed: 10, "a");
            await EvaluateAsync(app);
            Assert.Single(await AlertsAsync(app, "pending"));
            clock.Advance(TimeSpan.FromMinutes(1));
            await EvaluateAsync(app);
            Assert.Single(await AlertsAsync(app, "pending"));
            Assert.Empty(receivers.Slack.Received);
            clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(1, (await EvaluateAsync(app)).GetProperty("fired").GetInt64());
            var alert = Assert.Single(await AlertsAsync(app, "firing"));
            Assert.True(alert.GetProperty("fired_at").GetDateTimeOffset() > alert.GetProperty("started_at").GetDateTimeOffset());
            Assert.Single(await receivers.Slack.WaitForAsync(1, TimeSpan.FromSeconds(5)));
        }
    }

    [Fact]
    public async Task The_same_minute_evaluated_twice_changes_nothing_and_the_cooldown_holds_back_a_repeat()
    {
        var (app, clock, receivers) = await StartAsync(ErrorRule.Replace("\"min_samples\":10", "\"min_samples\":10,\"cooldown\":\"10m\"", StringComparison.Ordinal));
        await using (app)
        await using (receivers)
        {
            await IngestAsync(app, clock.GetUtcNow(), "lead_bot", ok: 30, failed: 10, "a");
            await EvaluateAsync(app);
            var transitions = await app.ScalarAsync<long>("SELECT count(*) FROM alert_transitions");
            var again = await EvaluateAsync(app);
            Assert.Equal(0, again.GetProperty("opened").GetInt64() + again.GetProperty("fired").GetInt64() + again.GetProperty("resolved").GetInt64());
            Assert.Equal(transitions, await app.ScalarAsync<long>("SELECT count(*) FROM alert_transitions"));

            clock.Advance(TimeSpan.FromMinutes(6));
            await EvaluateAsync(app);
            Assert.Single(await AlertsAsync(app, "resolved"));

            // Bad again two minutes after resolving: inside the 10-minute cooldown, nothing opens.
            clock.Advance(TimeSpan.FromMinutes(2));
            await IngestAsync(app, clock.GetUtcNow(), "lead_bot", ok: 30, failed: 10, "b");
            await EvaluateAsync(app);
            Assert.Empty(await AlertsAsync(app, "firing"));
            clock.Advance(TimeSpan.FromMinutes(9));
            await IngestAsync(app, clock.GetUtcNow(), "lead_bot", ok: 30, failed: 10, "c");
            await EvaluateAsync(app);
            Assert.Single(await AlertsAsync(app, "firing"));
        }
    }

    [Fact]
    public async Task Too_few_samples_never_fire_a_rate_rule()
    {
        var (app, clock, receivers) = await StartAsync(ErrorRule.Replace("\"min_samples\":10", "\"min_samples\":100", StringComparison.Ordinal));
        await using (app)
        await using (receivers)
        {
            await IngestAsync(app, clock.GetUtcNow(), "lead_bot", ok: 20, failed: 30, "a");
            await EvaluateAsync(app);
            Assert.Empty(await AlertsAsync(app));
        }
    }

    [Fact]
    public async Task A_known_bot_that_goes_silent_counts_as_zero_events()
    {
        var (app, clock, receivers) = await StartAsync("""{"metric":"event_count","group_by":["bot"],"window":"5m","comparator":"<","threshold":1,"severity":"critical","channels":["slack"]}""", "silent");
        await using (app)
        await using (receivers)
        {
            await IngestAsync(app, clock.GetUtcNow().AddMinutes(-30), "quiet_bot", ok: 5, failed: 0, "old");
            await IngestAsync(app, clock.GetUtcNow(), "busy_bot", ok: 5, failed: 0, "new");
            await EvaluateAsync(app);
            var alert = Assert.Single(await AlertsAsync(app, "firing"));
            Assert.Equal("quiet_bot", alert.GetProperty("group").GetProperty("bot").GetString());
            Assert.Equal(0, alert.GetProperty("value").GetDouble());
        }
    }

    [Fact]
    public async Task Two_hosts_evaluating_at_once_open_one_alert_per_group()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var connectionString = TestPostgres.NewSchema(out _);
        var adminKey = "admin-" + Guid.NewGuid().ToString("N");
        await using var receivers = await Receivers.StartAsync();
        await using var a = await VigilApp.StartAsync(receivers.Settings(), time: clock, connectionString: connectionString, adminKey: adminKey);
        await using var b = await VigilApp.StartAsync(receivers.Settings(), time: clock, connectionString: connectionString, adminKey: adminKey);
        await a.ExecuteAsync("UPDATE alert_rules SET enabled = false");
        using var admin = a.AdminClient();
        (await admin.PutAsync("/api/alert-rules/errors", VigilApp.Json(ErrorRule))).EnsureSuccessStatusCode();
        foreach (var bot in new[] { "b1", "b2", "b3" }) await IngestAsync(a, clock.GetUtcNow(), bot, ok: 20, failed: 10, "x");
        await a.RunFunctionAsync("ComputeRollups");
        await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[] { a.RunFunctionAsync("EvaluateAlerts"), b.RunFunctionAsync("EvaluateAlerts") }));
        Assert.Equal(3L, await a.ScalarAsync<long>("SELECT count(*) FROM alerts"));
        Assert.Equal(3L, await a.ScalarAsync<long>("SELECT count(*) FROM notifications"));
        Assert.Equal(3, (await receivers.Slack.WaitForAsync(3, TimeSpan.FromSeconds(5))).Count);
    }

    [Fact]
    public async Task Acknowledgement_is_idempotent_refused_for_resolved_alerts_and_unknown_ids_are_404()
    {
        var (app, clock, receivers) = await StartAsync(ErrorRule);
        await using (app)
        await using (receivers)
        {
            await IngestAsync(app, clock.GetUtcNow(), "lead_bot", ok: 30, failed: 10, "a");
            await EvaluateAsync(app);
            var id = Assert.Single(await AlertsAsync(app)).GetProperty("id").GetString();
            using var reader = app.Client(await app.CreateKeyAsync("read"));
            await AssertProblem(await reader.PostAsync($"/api/alerts/{id}/ack", VigilApp.Json("{}")), HttpStatusCode.Forbidden, "forbidden");

            using var operatorClient = app.Client(await app.CreateKeyAsync("operator"));
            var first = await operatorClient.PostAsync($"/api/alerts/{id}/ack", VigilApp.Json("""{"acknowledged_by":"ana","note":"looking"}"""));
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var acked = await first.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("acknowledged", acked.GetProperty("state").GetString());
            Assert.Equal("ana", acked.GetProperty("acknowledged_by").GetString());
            var second = await (await operatorClient.PostAsync($"/api/alerts/{id}/ack", VigilApp.Json("""{"acknowledged_by":"bo"}"""))).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("ana", second.GetProperty("acknowledged_by").GetString());
            Assert.Equal(acked.GetProperty("acknowledged_at").GetString(), second.GetProperty("acknowledged_at").GetString());

            await AssertProblem(await operatorClient.PostAsync($"/api/alerts/{Guid.NewGuid()}/ack", VigilApp.Json("{}")), HttpStatusCode.NotFound, "not-found");
            await AssertProblem(await operatorClient.PostAsync("/api/alerts/not-an-id/ack", VigilApp.Json("{}")), HttpStatusCode.NotFound, "not-found");

            clock.Advance(TimeSpan.FromMinutes(6));
            await EvaluateAsync(app);
            await AssertProblem(await operatorClient.PostAsync($"/api/alerts/{id}/ack", VigilApp.Json("{}")), HttpStatusCode.Conflict, "conflict");
        }
    }
}
