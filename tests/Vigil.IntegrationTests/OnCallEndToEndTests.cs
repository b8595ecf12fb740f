using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>
/// On-call as the people on the rotation live it, on the local host's engine, over HTTP with real
/// receivers on loopback and a clock the test moves: a four-level policy to a Berlin schedule across
/// the night the clocks go forward, acknowledge links, a silence between levels, resolving by hand.
/// </summary>
public class OnCallEndToEndTests
{
    private const string Rule = "oncall-errors";

    // 2026-03-29: Europe/Berlin springs forward at 01:00 UTC (02:00 CET becomes 03:00 CEST). The
    // schedule hands over at 03:00 local: that night at 01:00 UTC, an hour earlier than the night before.
    private static readonly DateTimeOffset Fired = new(2026, 3, 29, 0, 45, 0, TimeSpan.Zero);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private sealed class World(Receivers receivers, VigilApp app, ManualTimeProvider clock, HttpClient admin) : IAsyncDisposable
    {
        public Receivers Receivers => receivers;
        public VigilApp App => app;
        public ManualTimeProvider Clock => clock;
        public HttpClient Admin => admin;

        /// <summary>The webhook's triggers of the test's rule, in order: (level, recipient ids, ack_link).</summary>
        public IReadOnlyList<(int Level, string[] Recipients, string AckLink)> Triggers() =>
        [
            .. receivers.Webhook.Received.Select(r => r.Json)
                .Where(j => j.GetProperty("event").GetString() == "trigger" && j.GetProperty("alert").GetProperty("rule").GetString() == Rule)
                .Select(j => (j.GetProperty("level").GetInt32(),
                    j.GetProperty("recipients").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray(),
                    j.GetProperty("ack_link").GetString()!)),
        ];

        public async Task AdvanceToAsync(DateTimeOffset at)
        {
            clock.SetUtcNow(at);
            await RunAsync("AdvanceEscalations");
        }

        public async Task RunAsync(string function)
        {
            using var response = await admin.PostAsync($"/admin/functions/{function}", VigilApp.Json("{}"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        public async Task<JsonElement> AlertAsync(string id) => await Traffic.GetJsonAsync(admin, $"/api/alerts/{id}");

        public async ValueTask DisposeAsync()
        {
            admin.Dispose();
            await app.DisposeAsync();
            await receivers.DisposeAsync();
        }
    }

    /// <summary>
    /// People, the Berlin schedule (alice then bob, daily at 03:00), the four-level policy and a rule
    /// that uses it; then failing traffic at <see cref="Fired"/>, rolled up and evaluated: the alert's id.
    /// </summary>
    private static async Task<(World World, string AlertId)> FireAsync(Dictionary<string, string?>? settings = null)
    {
        var receivers = await Receivers.StartAsync();
        var all = receivers.Settings();
        all["Vigil:LocalHost:EscalationSchedulerEnabled"] = "false";
        foreach (var (k, v) in settings ?? []) all[k] = v;
        var clock = new ManualTimeProvider(Fired.AddMinutes(-5));
        var app = await VigilApp.StartAsync(all, clock);
        var world = new World(receivers, app, clock, app.AdminClient());
        var admin = world.Admin;

        await PutAsync(admin, "/api/people/alice", new { name = "Alice", email = "alice@example.test", slack_user_id = "U0ALICE01" });
        await PutAsync(admin, "/api/people/bob", new { name = "Bob", email = "bob@example.test", teams_upn = "bob@contoso.test" });
        await PutAsync(admin, "/api/people/manager", new { name = "Erin Manager", email = "manager@example.test", teams_upn = "erin@contoso.test" });
        await PutAsync(admin, "/api/schedules/primary", new
        {
            timezone = "Europe/Berlin", rotation = "daily", handoff = "03:00", participants = new[] { "alice", "bob" },
            start = "2026-03-28T03:00:00+01:00",
        });
        await PutAsync(admin, "/api/escalation-policies/oncall4", new
        {
            description = "primary, secondary, manager, primary again",
            levels = new object[]
            {
                new { after = "0m", channels = new[] { "rule" }, notify = new[] { "schedule:primary" } },
                new { after = "10m", channels = new[] { "rule" }, notify = new[] { "schedule:primary:secondary" } },
                new { after = "20m", channels = new[] { "rule", "teams" }, notify = new[] { "person:manager" } },
                new { after = "30m", channels = new[] { "rule" }, notify = new[] { "schedule:primary" } },
            },
        });
        await PutAsync(admin, $"/api/alert-rules/{Rule}", new
        {
            metric = "error_rate", filters = new { bot = "oncall_bot" }, group_by = new[] { "bot" }, window = "5m", comparator = ">", threshold = 0.5,
            severity = "critical", channels = new[] { "webhook" }, escalation_policy = "oncall4",
        });

        clock.SetUtcNow(Fired);
        var failing = Enumerable.Range(0, 30).Select(i =>
        {
            var e = Events.LlmCall($"fail-{Guid.NewGuid():N}", Fired.AddSeconds(-i), bot: "oncall_bot");
            e["success"] = false;
            e["error_type"] = "timeout";
            return e;
        }).ToList();
        await Traffic.PostAllAsync(admin, failing);
        await world.RunAsync("ComputeRollups");
        await world.RunAsync("EvaluateAlerts");
        var alerts = (await Traffic.GetJsonAsync(admin, $"/api/alerts?state=firing&rule={Rule}")).GetProperty("alerts").EnumerateArray().ToList();
        var alert = Assert.Single(alerts);
        Assert.Equal("oncall4", alert.GetProperty("escalation_policy").GetString());
        return (world, alert.GetProperty("id").GetString()!);
    }

    private static bool About(ReceivedRequest request) => request.Text.Contains(Rule, StringComparison.Ordinal);

    private static async Task PutAsync(HttpClient admin, string url, object body)
    {
        using var response = await admin.PutAsync(url, VigilApp.Json(JsonSerializer.Serialize(body)));
        Assert.True(response.IsSuccessStatusCode, $"PUT {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Who the n-th mail about the test's rule went to (the seeded rules may mail about the same traffic).</summary>
    private static string[] MailedTo(World world, int index) =>
        [.. world.Receivers.Smtp.Mails.Where(m => m.Subject.Contains(Rule, StringComparison.Ordinal)).ElementAt(index).To.Order()];

    [Fact]
    public async Task A_four_level_policy_pages_the_rotation_at_each_level_time_and_follows_the_hand_off_across_the_spring_forward_night()
    {
        var (world, _) = await FireAsync();
        await using var _w = world;
        var receivers = world.Receivers;

        // Level 1 at once: the schedule's primary before the 01:00 UTC hand-off is alice, by e-mail to
        // her alone (the step names no e-mail; her address adds it) and an @-mention in Slack.
        Assert.Equal([(1, "alice")], world.Triggers().Select(t => (t.Level, string.Join(",", t.Recipients))));
        Assert.Equal(["alice@example.test"], MailedTo(world, 0));
        var slack = Assert.Single(receivers.Slack.Received, About);
        Assert.Contains("<@U0ALICE01>", slack.Text, StringComparison.Ordinal);

        // Nothing before level 2 is due.
        await world.AdvanceToAsync(Fired.AddMinutes(9));
        Assert.Single(world.Triggers());

        // Level 2 at 10 minutes: the secondary, bob, by e-mail and a Teams mention.
        await world.AdvanceToAsync(Fired.AddMinutes(10));
        Assert.Equal((2, "bob"), (world.Triggers()[1].Level, string.Join(",", world.Triggers()[1].Recipients)));
        Assert.Equal(["bob@example.test"], MailedTo(world, 1));
        var bobsCard = Assert.Single(receivers.Teams.Received, About);
        Assert.Contains("bob@contoso.test", bobsCard.Text, StringComparison.Ordinal);

        // Level 3 at 20 minutes: the manager, and the Teams channel the level names: a valid Adaptive
        // Card whose Acknowledge action opens the alert's acknowledge page.
        await world.AdvanceToAsync(Fired.AddMinutes(20));
        Assert.Equal((3, "manager"), (world.Triggers()[2].Level, string.Join(",", world.Triggers()[2].Recipients)));
        var teams = await receivers.Teams.WaitForAsync(2, Patience, About);
        var card = teams[1].Json.GetProperty("attachments")[0].GetProperty("content");
        AdaptiveCard.AssertValid(card);
        var actions = card.GetProperty("actions").EnumerateArray().ToList();
        Assert.Contains(actions, a => a.GetProperty("url").GetString() == world.Triggers()[2].AckLink);
        Assert.Contains("erin@contoso.test", teams[1].Text, StringComparison.Ordinal);

        // Level 4 at 30 minutes (01:15 UTC, 03:15 CEST): the hand-off at 03:00 local came at 01:00
        // UTC that night, so bob is primary now. A fixed UTC offset would still answer alice.
        await world.AdvanceToAsync(Fired.AddMinutes(30));
        Assert.Equal([1, 2, 3, 4], world.Triggers().Select(t => t.Level));
        Assert.Equal(["bob"], world.Triggers()[3].Recipients);
        var onCall = await Traffic.GetJsonAsync(world.Admin, "/api/schedules/primary/on-call?at=2026-03-29T01:15:00Z");
        Assert.Equal(("bob", "alice"), (onCall.GetProperty("primary").GetString(), onCall.GetProperty("secondary").GetString()));
        Assert.Equal("2026-03-29T01:00:00Z", onCall.GetProperty("from").GetString());

        // Every level carried the same acknowledge link; the policy has nothing after level 4.
        Assert.Single(world.Triggers().Select(t => t.AckLink).Distinct());
        await world.AdvanceToAsync(Fired.AddHours(3));
        Assert.Equal(4, world.Triggers().Count);
    }

    [Fact]
    public async Task The_acknowledge_link_shows_the_alert_on_get_and_only_its_post_acknowledges_and_stops_the_escalation()
    {
        var (world, id) = await FireAsync();
        await using var _w = world;
        var link = new Uri(world.Triggers()[0].AckLink);
        Assert.StartsWith("/api/ack/", link.AbsolutePath, StringComparison.Ordinal);
        Assert.True(link.AbsolutePath.Length - "/api/ack/".Length >= 22, "at least 128 bits of token");
        using var anonymous = world.App.Client();

        // A link preview or a mail scanner GETs the link: a page, and the alert goes on escalating.
        using (var page = await anonymous.GetAsync(link.AbsolutePath))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("script-src", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains(Rule, html, StringComparison.Ordinal);
            Assert.Contains("bot=oncall_bot", html, StringComparison.Ordinal);
            Assert.Contains("<form method=\"post\">", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        }
        await world.AdvanceToAsync(Fired.AddMinutes(10));
        Assert.Equal([1, 2], world.Triggers().Select(t => t.Level));
        Assert.Equal("firing", (await world.AlertAsync(id)).GetProperty("state").GetString());

        // A token one character off opens nothing.
        var wrong = link.AbsolutePath[..^1] + (link.AbsolutePath[^1] == 'A' ? 'B' : 'A');
        using (var missing = await anonymous.PostAsync(wrong, new FormUrlEncodedContent([new("name", "Mallory")])))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        // The page's button posts the form: acknowledged as "link" plus the name entered; level 3 never goes.
        using (var ack = await anonymous.PostAsync(link.AbsolutePath, new FormUrlEncodedContent([new("name", "Alice")])))
        {
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            Assert.Contains("Escalation has stopped", await ack.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var alert = await world.AlertAsync(id);
        Assert.Equal(("acknowledged", "link: Alice"), (alert.GetProperty("state").GetString(), alert.GetProperty("acknowledged_by").GetString()));
        await world.AdvanceToAsync(Fired.AddMinutes(40));
        Assert.Equal([1, 2], world.Triggers().Select(t => t.Level));

        // Resolved, the link is dead.
        using (var resolve = await world.Admin.PostAsync($"/api/alerts/{id}/resolve", VigilApp.Json("""{"resolved_by":"alice","note":"restarted the provider"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        }
        using var gone = await anonymous.GetAsync(link.AbsolutePath);
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        using var goneAck = await anonymous.PostAsync(link.AbsolutePath, new FormUrlEncodedContent([new("name", "Alice")]));
        Assert.Equal(HttpStatusCode.Gone, goneAck.StatusCode);
    }

    [Fact]
    public async Task Unknown_acknowledge_links_are_rate_limited_per_client_while_valid_ones_never_count()
    {
        var (world, _) = await FireAsync(new() { ["Vigil:Alerting:AckLinkRequestsPerMinute"] = "3" });
        await using var _w = world;
        using var anonymous = world.App.Client();
        var path = new Uri(world.Triggers()[0].AckLink).AbsolutePath;
        var wrong = path[..^1] + (path[^1] == 'A' ? 'B' : 'A');

        // Link previews, several people on the incident: valid links are never refused.
        for (var i = 0; i < 10; i++)
        {
            using var ok = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // Guessing: three misses, then this address is refused every link for the rest of the minute.
        for (var i = 0; i < 3; i++)
        {
            using var miss = await anonymous.GetAsync(wrong);
            Assert.Equal(HttpStatusCode.NotFound, miss.StatusCode);
        }
        using var limited = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task An_acknowledge_post_that_is_not_a_small_form_is_refused_without_acknowledging()
    {
        var (world, id) = await FireAsync();
        await using var _w = world;
        using var anonymous = world.App.Client();
        var path = new Uri(world.Triggers()[0].AckLink).AbsolutePath;
        using (var big = await anonymous.PostAsync(path, new FormUrlEncodedContent([new("name", new string('x', 10_000))])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, big.StatusCode);
        }
        using (var multipart = await anonymous.PostAsync(path, new MultipartFormDataContent { { new StringContent("Alice"), "name" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, multipart.StatusCode);
        }
        Assert.Equal("firing", (await world.AlertAsync(id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_silence_made_between_levels_holds_level_two_records_it_as_suppressed_and_sends_it_when_the_silence_ends()
    {
        var (world, id) = await FireAsync();
        await using var _w = world;
        using var operatorKey = world.App.Client(await world.App.CreateKeyAsync("operator"));

        // Maintenance from 00:50 to 01:02 UTC on the rule.
        world.Clock.SetUtcNow(Fired.AddMinutes(5));
        var silenceEnd = Fired.AddMinutes(17);
        using (var created = await operatorKey.PostAsync("/api/silences", VigilApp.Json(JsonSerializer.Serialize(new
        {
            matchers = new Dictionary<string, object> { ["rule"] = Rule, ["bot"] = new { op = "=~", value = "oncall_.*" } },
            ends_at = silenceEnd, created_by = "alice", comment = "provider maintenance",
        }))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var active = await Traffic.GetJsonAsync(world.Admin, "/api/silences?active=true");
        Assert.Equal("active", Assert.Single(active.GetProperty("silences").EnumerateArray()).GetProperty("state").GetString());

        // Level 2 falls due during the silence: nothing is sent, and the alert says so.
        await world.AdvanceToAsync(Fired.AddMinutes(10));
        Assert.Equal([1], world.Triggers().Select(t => t.Level));
        var alert = await world.AlertAsync(id);
        Assert.Equal("firing", alert.GetProperty("state").GetString());
        Assert.Equal(silenceEnd, alert.GetProperty("held_until").GetDateTimeOffset());
        var suppressed = alert.GetProperty("notifications").EnumerateArray().Where(n => n.GetProperty("status").GetString() == "suppressed").ToList();
        Assert.NotEmpty(suppressed);
        Assert.All(suppressed, n => Assert.Equal(2, n.GetProperty("level").GetInt32()));
        Assert.Contains(suppressed, n => n.GetProperty("channel").GetString() == "webhook");
        await world.AdvanceToAsync(Fired.AddMinutes(16));
        Assert.Single(world.Triggers());

        // The silence ends with the alert still firing and unacknowledged: level 2 goes then, once.
        await world.AdvanceToAsync(silenceEnd);
        Assert.Equal([1, 2], world.Triggers().Select(t => t.Level));
        await world.AdvanceToAsync(silenceEnd.AddSeconds(30));
        Assert.Equal([1, 2], world.Triggers().Select(t => t.Level));
    }

    [Fact]
    public async Task Deleting_a_silence_early_releases_the_held_level_at_once()
    {
        var (world, _) = await FireAsync();
        await using var _w = world;
        world.Clock.SetUtcNow(Fired.AddMinutes(5));
        using var created = await world.Admin.PostAsync("/api/silences", VigilApp.Json(JsonSerializer.Serialize(new
        {
            matchers = new { rule = Rule }, ends_at = Fired.AddHours(2), comment = "maintenance",
        })));
        var silence = await created.Content.ReadFromJsonAsync<JsonElement>();
        await world.AdvanceToAsync(Fired.AddMinutes(10));
        Assert.Single(world.Triggers());

        world.Clock.SetUtcNow(Fired.AddMinutes(12));
        using (var deleted = await world.Admin.DeleteAsync($"/api/silences/{silence.GetProperty("id").GetString()}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        await world.RunAsync("AdvanceEscalations");
        Assert.Equal([1, 2], world.Triggers().Select(t => t.Level));
        var expired = await Traffic.GetJsonAsync(world.Admin, $"/api/silences/{silence.GetProperty("id").GetString()}");
        Assert.Equal("expired", expired.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Resolving_by_hand_sends_resolve_notices_to_the_channels_notified_and_stops_the_escalation()
    {
        var (world, id) = await FireAsync();
        await using var _w = world;
        await world.AdvanceToAsync(Fired.AddMinutes(10));
        using var reader = world.App.Client(await world.App.CreateKeyAsync("read"));
        using var operatorKey = world.App.Client(await world.App.CreateKeyAsync("operator"));

        using (var refused = await reader.PostAsync($"/api/alerts/{id}/resolve", VigilApp.Json("{}")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using (var resolved = await operatorKey.PostAsync($"/api/alerts/{id}/resolve", VigilApp.Json("""{"resolved_by":"bob","note":"rolled back"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
            var body = await resolved.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(("resolved", "bob"), (body.GetProperty("state").GetString(), body.GetProperty("resolved_by").GetString()));
        }

        // The channels that had the triggers hear of the resolution: the webhook, Slack, Teams, e-mail.
        var resolves = await world.Receivers.Webhook.WaitForAsync(1, Patience, r => r.Json.GetProperty("event").GetString() == "resolve");
        Assert.Equal(Rule, resolves[0].Json.GetProperty("alert").GetProperty("rule").GetString());
        await world.Receivers.Slack.WaitForAsync(2, Patience, About);
        await world.Receivers.Teams.WaitForAsync(2, Patience, About);
        // E-mail went only to the people paged (the levels name no e-mail): so does its resolve notice.
        await world.Receivers.Smtp.WaitForAsync(3, Patience);
        Assert.Equal(["alice@example.test", "bob@example.test"], MailedTo(world, 2));

        await world.AdvanceToAsync(Fired.AddHours(1));
        Assert.Equal([1, 2], world.Triggers().Select(t => t.Level));
        using var again = await operatorKey.PostAsync($"/api/alerts/{id}/resolve", VigilApp.Json("{}"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }
}
