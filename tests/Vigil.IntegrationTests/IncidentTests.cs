using System.Net;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>
/// Incidents over HTTP on the local host against PostgreSQL, with a clock the test moves: failing
/// events rolled up by the real rollup job fire a rule, people acknowledge and resolve it, and the
/// report's MTTD, MTTA and MTTR, the acknowledge-target breaches and the alert's timeline come out
/// to the second; postmortems are written, replaced, filtered on and refused as the contract says.
/// </summary>
public class IncidentTests
{
    // A Monday morning; the minute of the failures is Breach, everything else counts from it.
    private static readonly DateTimeOffset Breach = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);

    private sealed class World(VigilApp app, ManualTimeProvider clock, Receivers? receivers) : IAsyncDisposable
    {
        public VigilApp App => app;
        public ManualTimeProvider Clock => clock;
        public Receivers? Receivers => receivers;
        public HttpClient Admin { get; } = app.AdminClient();

        public async Task RunAtAsync(DateTimeOffset at, string function)
        {
            clock.SetUtcNow(at);
            await app.RunFunctionAsync(function);
        }

        public async Task<JsonElement> AlertAsync(string id) => await Traffic.GetJsonAsync(Admin, $"/api/alerts/{id}");

        public async Task<JsonElement> ReportAsync(string query) => await Traffic.GetJsonAsync(Admin, $"/api/reports/incidents?{query}");

        public async Task<string> OnlyAlertAsync(string rule, string? bot = null)
        {
            var alerts = (await Traffic.GetJsonAsync(Admin, $"/api/alerts?rule={rule}")).GetProperty("alerts").EnumerateArray()
                .Where(a => bot is null || a.GetProperty("group").GetProperty("bot").GetString() == bot).ToList();
            return Assert.Single(alerts).GetProperty("id").GetString()!;
        }

        public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string url, object? body = null)
        {
            using var request = new HttpRequestMessage(method, url);
            if (body is not null) request.Content = VigilApp.Json(body as string ?? JsonSerializer.Serialize(body));
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }

        public async ValueTask DisposeAsync()
        {
            Admin.Dispose();
            await app.DisposeAsync();
            if (receivers is not null) await receivers.DisposeAsync();
        }
    }

    /// <summary>A host whose seeded rules are gone (they would alert on the same failing traffic), the clock at <paramref name="start"/>.</summary>
    private static async Task<World> StartAsync(DateTimeOffset start, bool withReceivers = false)
    {
        var receivers = withReceivers ? await Receivers.StartAsync() : null;
        var settings = receivers?.Settings() ?? [];
        settings["Vigil:LocalHost:EscalationSchedulerEnabled"] = "false";
        var clock = new ManualTimeProvider(start);
        var world = new World(await VigilApp.StartAsync(settings, clock), clock, receivers);
        foreach (var rule in (await Traffic.GetJsonAsync(world.Admin, "/api/alert-rules")).GetProperty("rules").EnumerateArray())
        {
            using var deleted = await world.Admin.DeleteAsync($"/api/alert-rules/{rule.GetProperty("name").GetString()}");
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        return world;
    }

    private static async Task PutRuleAsync(World world, string name, object body, string? tenant = null)
    {
        var (status, answer) = await world.SendAsync(world.Admin, HttpMethod.Put, $"/api/alert-rules/{name}{(tenant is null ? "" : $"?tenant_id={tenant}")}", body);
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Created, $"PUT rule {name}: {(int)status} {answer}");
    }

    /// <summary><paramref name="count"/> calls of <paramref name="bot"/> in the minute starting at <paramref name="minute"/>, failing or not.</summary>
    private static List<Dictionary<string, object?>> Calls(string bot, DateTimeOffset minute, int count, bool fail, string? tenant = null) =>
    [
        .. Enumerable.Range(0, count).Select(i =>
        {
            var e = Events.LlmCall($"{bot}-{minute:HHmm}-{fail}-{i}", minute.AddSeconds(i % 60), bot: bot, tenant: tenant);
            if (fail)
            {
                e["success"] = false;
                e["error_type"] = "timeout";
            }
            return e;
        }),
    ];

    private static List<(string Event, DateTimeOffset At, string Actor, string? Channel, string? Kind)> Timeline(JsonElement alert) =>
    [
        .. alert.GetProperty("timeline").EnumerateArray().Select(e => (
            e.GetProperty("event").GetString()!,
            DateTimeOffset.Parse(e.GetProperty("at").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            e.GetProperty("actor").GetString()!,
            e.GetProperty("channel").GetString(),
            e.GetProperty("kind").GetString())),
    ];

    [Fact]
    public async Task A_fired_acknowledged_and_resolved_alert_gives_exact_mttd_mtta_mttr_and_a_timeline_of_every_step_with_time_and_actor()
    {
        await using var world = await StartAsync(Breach.AddMinutes(-3), withReceivers: true);
        var receivers = world.Receivers!;
        await PutRuleAsync(world, "checkout-errors", new
        {
            metric = "error_rate", filters = new { bot = "checkout" }, group_by = new[] { "bot" }, window = "5m", comparator = ">", threshold = 0.5,
            @for = "2m", min_samples = 10, severity = "critical", channels = new[] { "webhook" },
        });
        // Healthy traffic three minutes before the breach, inside the first evaluation's window: the
        // breach starts at the minute the failures came, not at the window's start.
        await Traffic.PostAllAsync(world.Admin, Calls("checkout", Breach.AddMinutes(-3), 40, fail: false));
        world.Clock.SetUtcNow(Breach.AddSeconds(65));
        await Traffic.PostAllAsync(world.Admin, Calls("checkout", Breach, 60, fail: true));
        await world.RunAtAsync(Breach.AddSeconds(65), "ComputeRollups");

        // First seen at 10:01:10: pending (for 2m); the breach dated 10:00, the first breaching minute.
        await world.RunAtAsync(Breach.AddSeconds(70), "EvaluateAlerts");
        var id = await world.OnlyAlertAsync("checkout-errors");
        var pending = await world.AlertAsync(id);
        Assert.Equal("pending", pending.GetProperty("state").GetString());
        Assert.Equal("2026-05-04T10:00:00Z", pending.GetProperty("breach_started_at").GetString());
        Assert.Equal("P1", pending.GetProperty("priority").GetString());
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("ack_due_at").ValueKind);

        // Fires at 10:03:10 and keeps the breach start through pending -> firing.
        var fired = Breach.AddSeconds(190);
        await world.RunAtAsync(fired, "EvaluateAlerts");
        await receivers.Webhook.WaitForAsync(1, TimeSpan.FromSeconds(10));
        var firing = await world.AlertAsync(id);
        Assert.Equal("firing", firing.GetProperty("state").GetString());
        Assert.Equal("2026-05-04T10:00:00Z", firing.GetProperty("breach_started_at").GetString());
        Assert.Equal("2026-05-04T11:03:10Z", firing.GetProperty("ack_due_at").GetString());
        Assert.False(firing.GetProperty("ack_breached").GetBoolean());

        // Level 2 at five minutes (e-mail, Slack, webhook), Slack refusing it (a 404 is not retried).
        receivers.Slack.Reply(404);
        await world.RunAtAsync(fired.AddMinutes(5), "AdvanceEscalations");

        world.Clock.SetUtcNow(fired.AddMinutes(30));
        var (ackStatus, _) = await world.SendAsync(world.Admin, HttpMethod.Post, $"/api/alerts/{id}/ack", new { acknowledged_by = "alice", note = "on it" });
        Assert.Equal(HttpStatusCode.OK, ackStatus);
        world.Clock.SetUtcNow(fired.AddMinutes(45));
        var (resolveStatus, _) = await world.SendAsync(world.Admin, HttpMethod.Post, $"/api/alerts/{id}/resolve", new { resolved_by = "bob", note = "rolled back" });
        Assert.Equal(HttpStatusCode.OK, resolveStatus);

        world.Clock.SetUtcNow(fired.AddMinutes(50));
        var report = await world.ReportAsync("window=1h");
        Assert.Equal("1h", report.GetProperty("window").GetString());
        Assert.Equal(1, report.GetProperty("count").GetInt32());
        Assert.Equal(190, report.GetProperty("mttd_s").GetDouble());
        Assert.Equal(1800, report.GetProperty("mtta_s").GetDouble());
        Assert.Equal(2700, report.GetProperty("mttr_s").GetDouble());
        Assert.Equal(0, report.GetProperty("ack_breaches").GetInt32());
        Assert.Equal(0, report.GetProperty("groups").GetArrayLength());
        // It fired 50 minutes before: a 50-minute window starts at its firing and holds it, 49 minutes do not.
        Assert.Equal(1, (await world.ReportAsync("window=50m")).GetProperty("count").GetInt32());
        Assert.Equal(0, (await world.ReportAsync("window=49m")).GetProperty("count").GetInt32());

        var alert = await world.AlertAsync(id);
        var timeline = Timeline(alert);
        Assert.Equal(timeline.OrderBy(e => e.At).ToList(), timeline);
        Assert.Equal((Breach, "vigil"), timeline.Where(e => e.Event == "breach_started").Select(e => (e.At, e.Actor)).Single());
        Assert.Equal((Breach.AddSeconds(70), "vigil"), timeline.Where(e => e.Event == "pending").Select(e => (e.At, e.Actor)).Single());
        Assert.Equal((fired, "vigil"), timeline.Where(e => e.Event == "fired").Select(e => (e.At, e.Actor)).Single());
        Assert.Equal([fired, fired.AddMinutes(5)], timeline.Where(e => e.Event == "escalation_step").Select(e => e.At));
        Assert.Equal((fired.AddMinutes(30), "alice"), timeline.Where(e => e.Event == "acknowledged").Select(e => (e.At, e.Actor)).Single());
        Assert.Equal((fired.AddMinutes(45), "bob"), timeline.Where(e => e.Event == "resolved").Select(e => (e.At, e.Actor)).Single());
        var triggers = timeline.Where(e => e.Kind == "trigger" && e.Event.StartsWith("notification_", StringComparison.Ordinal)).ToList();
        Assert.Contains(("notification_sent", "webhook"), triggers.Where(e => e.At < fired.AddMinutes(1)).Select(e => (e.Event, e.Channel)));
        Assert.Contains(("notification_sent", "email"), triggers.Select(e => (e.Event, e.Channel)));
        Assert.Contains(("notification_failed", "slack"), triggers.Select(e => (e.Event, e.Channel)));
        // The resolve notices are on it too, after the resolution (acknowledgements are told to incident tools only).
        Assert.Contains(timeline, e => e is { Event: "notification_sent", Kind: "resolve", Channel: "webhook" } && e.At >= fired.AddMinutes(45));
        Assert.DoesNotContain(timeline, e => e.Kind == "acknowledge");
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("postmortem").ValueKind);
        Assert.False(alert.GetProperty("ack_breached").GetBoolean());
    }

    [Fact]
    public async Task An_acknowledgement_after_the_p1_target_is_a_breach_one_within_is_not_and_every_grouping_counts_them()
    {
        await using var world = await StartAsync(Breach.AddSeconds(65));
        await PutRuleAsync(world, "errors-p1", new
        {
            metric = "error_rate", filters = new { bot = new[] { "inc_a", "inc_b" } }, group_by = new[] { "bot" }, window = "5m", comparator = ">",
            threshold = 0.5, min_samples = 10, severity = "critical",
        });
        await PutRuleAsync(world, "errors-p0", new
        {
            metric = "error_rate", filters = new { bot = "inc_c" }, group_by = new[] { "bot" }, window = "5m", comparator = ">",
            threshold = 0.5, min_samples = 10, severity = "warning", priority = "P0",
        });
        await Traffic.PostAllAsync(world.Admin, [.. Calls("inc_a", Breach, 20, true), .. Calls("inc_b", Breach, 20, true), .. Calls("inc_c", Breach, 20, true)]);
        await world.RunAtAsync(Breach.AddSeconds(65), "ComputeRollups");
        var fired = Breach.AddSeconds(70);
        await world.RunAtAsync(fired, "EvaluateAlerts");
        var (a, b, c) = (await world.OnlyAlertAsync("errors-p1", "inc_a"), await world.OnlyAlertAsync("errors-p1", "inc_b"), await world.OnlyAlertAsync("errors-p0"));

        // A later edit of the rule's priority does not rewrite the alerts it already raised.
        await PutRuleAsync(world, "errors-p1", new
        {
            metric = "error_rate", filters = new { bot = new[] { "inc_a", "inc_b" } }, group_by = new[] { "bot" }, window = "5m", comparator = ">",
            threshold = 0.5, min_samples = 10, severity = "critical", priority = "P3",
        });

        async Task AckAsync(string id, TimeSpan after)
        {
            world.Clock.SetUtcNow(fired + after);
            var (status, body) = await world.SendAsync(world.Admin, HttpMethod.Post, $"/api/alerts/{id}/ack", new { acknowledged_by = "carol" });
            Assert.True(status == HttpStatusCode.OK, body.ToString());
        }
        await AckAsync(c, TimeSpan.FromMinutes(3));
        await AckAsync(a, TimeSpan.FromMinutes(59));
        await AckAsync(b, TimeSpan.FromMinutes(61));
        world.Clock.SetUtcNow(fired.AddMinutes(65));

        var alertA = await world.AlertAsync(a);
        var alertB = await world.AlertAsync(b);
        var alertC = await world.AlertAsync(c);
        static (string?, bool, string?) Ack(JsonElement alert) =>
            (alert.GetProperty("priority").GetString(), alert.GetProperty("ack_breached").GetBoolean(), alert.GetProperty("ack_due_at").GetString());
        Assert.Equal(("P1", false, "2026-05-04T11:01:10Z"), Ack(alertA));
        Assert.Equal(("P1", true, "2026-05-04T11:01:10Z"), Ack(alertB));
        Assert.Equal(("P0", false, "2026-05-04T10:06:10Z"), Ack(alertC));

        var report = await world.ReportAsync("window=2h");
        Assert.Equal((3, 1), (report.GetProperty("count").GetInt32(), report.GetProperty("ack_breaches").GetInt32()));
        Assert.Equal(70, report.GetProperty("mttd_s").GetDouble());
        Assert.Equal((180 + 3540 + 3660) / 3.0, report.GetProperty("mtta_s").GetDouble());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("mttr_s").ValueKind);
        Assert.Equal((3, 3, 0), (report.GetProperty("detected").GetInt32(), report.GetProperty("acknowledged").GetInt32(), report.GetProperty("resolved").GetInt32()));

        static List<(string Key, int Count, double Mtta, int Breaches)> Groups(JsonElement r, string key) =>
        [
            .. r.GetProperty("groups").EnumerateArray().Select(g => (g.GetProperty("key").GetProperty(key).GetString()!, g.GetProperty("count").GetInt32(),
                g.GetProperty("mtta_s").GetDouble(), g.GetProperty("ack_breaches").GetInt32())),
        ];
        var byPriority = await world.ReportAsync("window=2h&group_by=priority");
        Assert.Equal("priority", byPriority.GetProperty("group_by").GetString());
        Assert.Equal([("P1", 2, 3600.0, 1), ("P0", 1, 180.0, 0)], Groups(byPriority, "priority"));
        Assert.Equal([("errors-p1", 2, 3600.0, 1), ("errors-p0", 1, 180.0, 0)], Groups(await world.ReportAsync("window=2h&group_by=rule"), "rule"));
        Assert.Equal([("inc_a", 1, 3540.0, 0), ("inc_b", 1, 3660.0, 1), ("inc_c", 1, 180.0, 0)], Groups(await world.ReportAsync("window=2h&group_by=bot"), "bot"));
        foreach (var g in (await world.ReportAsync("window=2h&group_by=bot")).GetProperty("groups").EnumerateArray())
        {
            Assert.Equal(70, g.GetProperty("mttd_s").GetDouble());
        }
    }

    [Fact]
    public async Task The_breach_start_of_a_rule_filtered_by_event_type_is_the_minute_its_own_type_started_failing()
    {
        await using var world = await StartAsync(Breach.AddSeconds(65));
        await PutRuleAsync(world, "tool-errors", new
        {
            metric = "error_rate", filters = new { type = "tool_call" }, group_by = new[] { "bot" }, window = "5m", comparator = ">", threshold = 0.5,
            min_samples = 10, severity = "critical",
        });
        // Failing LLM calls from 09:58 must not date the tool calls' breach; the tool calls fail from 10:00.
        var tools = Enumerable.Range(0, 20).Select(i => new Dictionary<string, object?>
        {
            ["event_id"] = $"tool-{i}", ["type"] = "tool_call", ["timestamp"] = Events.Ts(Breach.AddSeconds(i)), ["bot"] = "tooly",
            ["tool_name"] = "search", ["duration_ms"] = 30, ["success"] = false,
        });
        await Traffic.PostAllAsync(world.Admin, [.. Calls("tooly", Breach.AddMinutes(-2), 20, fail: true), .. tools]);
        await world.RunAtAsync(Breach.AddSeconds(65), "ComputeRollups");
        await world.RunAtAsync(Breach.AddSeconds(70), "EvaluateAlerts");
        var alert = await world.AlertAsync(await world.OnlyAlertAsync("tool-errors"));
        Assert.Equal(("firing", "2026-05-04T10:00:00Z"), (alert.GetProperty("state").GetString(), alert.GetProperty("breach_started_at").GetString()));
        world.Clock.SetUtcNow(Breach.AddMinutes(2));
        Assert.Equal(70, (await world.ReportAsync("window=1h")).GetProperty("mttd_s").GetDouble());
    }

    [Fact]
    public async Task An_alert_left_unacknowledged_past_its_target_is_a_breach_while_open_and_after_resolving_and_one_resolved_in_time_is_not()
    {
        await using var world = await StartAsync(Breach.AddSeconds(65));
        await PutRuleAsync(world, "errors-p0", new
        {
            metric = "error_rate", group_by = new[] { "bot" }, window = "5m", comparator = ">", threshold = 0.5, min_samples = 10,
            severity = "critical", priority = "P0",
        });
        await Traffic.PostAllAsync(world.Admin, [.. Calls("slow_ack", Breach, 20, true), .. Calls("quick_fix", Breach, 20, true)]);
        await world.RunAtAsync(Breach.AddSeconds(65), "ComputeRollups");
        var fired = Breach.AddSeconds(70);
        await world.RunAtAsync(fired, "EvaluateAlerts");
        var (slow, quick) = (await world.OnlyAlertAsync("errors-p0", "slow_ack"), await world.OnlyAlertAsync("errors-p0", "quick_fix"));

        world.Clock.SetUtcNow(fired.AddMinutes(4));
        Assert.Equal(HttpStatusCode.OK, (await world.SendAsync(world.Admin, HttpMethod.Post, $"/api/alerts/{quick}/resolve", new { resolved_by = "dave" })).Status);
        Assert.False((await world.AlertAsync(slow)).GetProperty("ack_breached").GetBoolean());
        world.Clock.SetUtcNow(fired.AddMinutes(6));
        Assert.True((await world.AlertAsync(slow)).GetProperty("ack_breached").GetBoolean());
        Assert.Equal(1, (await world.ReportAsync("window=1h")).GetProperty("ack_breaches").GetInt32());

        world.Clock.SetUtcNow(fired.AddMinutes(10));
        Assert.Equal(HttpStatusCode.OK, (await world.SendAsync(world.Admin, HttpMethod.Post, $"/api/alerts/{slow}/resolve", new { resolved_by = "dave" })).Status);
        Assert.True((await world.AlertAsync(slow)).GetProperty("ack_breached").GetBoolean());
        Assert.False((await world.AlertAsync(quick)).GetProperty("ack_breached").GetBoolean());
        var report = await world.ReportAsync("window=1h");
        Assert.Equal((2, 1), (report.GetProperty("count").GetInt32(), report.GetProperty("ack_breaches").GetInt32()));
        Assert.Equal((240 + 600) / 2.0, report.GetProperty("mttr_s").GetDouble());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("mtta_s").ValueKind);
    }

    [Fact]
    public async Task A_postmortem_is_written_by_an_operator_replaced_on_the_timeline_filtered_on_and_refused_with_400_403_and_404()
    {
        await using var world = await StartAsync(Breach.AddSeconds(65));
        await PutRuleAsync(world, "acme-errors", new
        {
            metric = "error_rate", group_by = new[] { "bot" }, window = "5m", comparator = ">", threshold = 0.5, min_samples = 10, severity = "warning",
        }, tenant: "acme");
        await Traffic.PostAllAsync(world.Admin, [.. Calls("acme_bot", Breach, 20, true, "acme"), .. Calls("acme_other", Breach, 20, true, "acme")]);
        await world.RunAtAsync(Breach.AddSeconds(65), "ComputeRollups");
        await world.RunAtAsync(Breach.AddSeconds(70), "EvaluateAlerts");
        var id = await world.OnlyAlertAsync("acme-errors", "acme_bot");
        var other = await world.OnlyAlertAsync("acme-errors", "acme_other");
        using var reader = world.App.Client(await world.App.CreateKeyAsync("read"));
        using var acmeOperator = world.App.Client(await world.App.CreateKeyAsync("operator", "acme"));
        using var globexOperator = world.App.Client(await world.App.CreateKeyAsync("operator", "globex"));
        var postmortem = new
        {
            summary = "acme_bot's provider timed out for 45 minutes",
            impact = "a third of checkouts failed",
            root_cause = "the provider's regional outage",
            resolution = "failed over to the second region",
            prevention = "automatic failover on timeouts",
            action_items = new[] { "add a failover runbook", "alert on provider latency" },
        };

        Assert.Equal(HttpStatusCode.Forbidden, (await world.SendAsync(reader, HttpMethod.Put, $"/api/alerts/{id}/postmortem", postmortem)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await world.SendAsync(globexOperator, HttpMethod.Put, $"/api/alerts/{id}/postmortem", postmortem)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await world.SendAsync(acmeOperator, HttpMethod.Put, $"/api/alerts/{Guid.NewGuid()}/postmortem", postmortem)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await world.SendAsync(acmeOperator, HttpMethod.Put, "/api/alerts/not-an-id/postmortem", postmortem)).Status);
        async Task InvalidAsync(object body, params string[] fields)
        {
            var (status, problem) = await world.SendAsync(acmeOperator, HttpMethod.Put, $"/api/alerts/{id}/postmortem", body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(fields.Order(StringComparer.Ordinal), problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        }
        await InvalidAsync(new { impact = "no summary" }, "summary");
        await InvalidAsync(new { summary = new string('x', 2001) }, "summary");
        await InvalidAsync(new { summary = "ok", impact = 3, action_items = "one string" }, "impact", "action_items");
        await InvalidAsync(new { summary = "ok", action_items = new object[] { "fine", 7 } }, "action_items");
        await InvalidAsync(new { summary = "ok", duration = "45m" }, "duration");
        Assert.Equal(HttpStatusCode.BadRequest, (await world.SendAsync(acmeOperator, HttpMethod.Put, $"/api/alerts/{id}/postmortem", "[1]")).Status);
        Assert.Equal(JsonValueKind.Null, (await world.AlertAsync(id)).GetProperty("postmortem").ValueKind);

        world.Clock.SetUtcNow(Breach.AddHours(2));
        var (written, first) = await world.SendAsync(acmeOperator, HttpMethod.Put, $"/api/alerts/{id}/postmortem", postmortem);
        Assert.Equal(HttpStatusCode.OK, written);
        Assert.Equal(("operator key", "2026-05-04T12:00:00Z", 1),
            (first.GetProperty("written_by").GetString(), first.GetProperty("written_at").GetString(), first.GetProperty("revision").GetInt32()));
        world.Clock.SetUtcNow(Breach.AddHours(3));
        var (replaced, second) = await world.SendAsync(acmeOperator, HttpMethod.Put, $"/api/alerts/{id}/postmortem",
            new { summary = "provider outage, failover late", root_cause = "no failover on timeouts", action_items = new[] { "failover on timeouts" }, written_by = "erin" });
        Assert.Equal(HttpStatusCode.OK, replaced);
        Assert.Equal(2, second.GetProperty("revision").GetInt32());

        var alert = await Traffic.GetJsonAsync(acmeOperator, $"/api/alerts/{id}");
        var current = alert.GetProperty("postmortem");
        Assert.Equal("provider outage, failover late", current.GetProperty("summary").GetString());
        Assert.Equal("", current.GetProperty("impact").GetString());
        Assert.Equal(["failover on timeouts"], current.GetProperty("action_items").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal(("erin", "2026-05-04T13:00:00Z"), (current.GetProperty("written_by").GetString(), current.GetProperty("written_at").GetString()));
        Assert.Equal([("postmortem_written", Breach.AddHours(2), "operator key"), ("postmortem_replaced", Breach.AddHours(3), "erin")],
            Timeline(alert).Where(e => e.Event.StartsWith("postmortem", StringComparison.Ordinal)).Select(e => (e.Event, e.At, e.Actor)));

        static List<string> Ids(JsonElement list) => [.. list.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("id").GetString()!)];
        Assert.Equal([id], Ids(await Traffic.GetJsonAsync(world.Admin, "/api/alerts?postmortem=true")));
        Assert.Equal([other], Ids(await Traffic.GetJsonAsync(world.Admin, "/api/alerts?postmortem=false")));
        Assert.Equal([id], Ids(await Traffic.GetJsonAsync(acmeOperator, "/api/alerts?postmortem=true&state=firing")));
        Assert.Empty(Ids(await Traffic.GetJsonAsync(globexOperator, "/api/alerts?postmortem=true")));
        Assert.Equal(HttpStatusCode.NotFound, (await world.SendAsync(globexOperator, HttpMethod.Get, $"/api/alerts/{id}")).Status);
        var (badFilter, filterProblem) = await world.SendAsync(world.Admin, HttpMethod.Get, "/api/alerts?postmortem=yes");
        Assert.Equal(HttpStatusCode.BadRequest, badFilter);
        Assert.True(filterProblem.GetProperty("errors").TryGetProperty("postmortem", out _));

        // The report is the tenant's own: acme's key counts both, globex's none.
        Assert.Equal(2, (await Traffic.GetJsonAsync(acmeOperator, "/api/reports/incidents?window=7d")).GetProperty("count").GetInt32());
        Assert.Equal(0, (await Traffic.GetJsonAsync(globexOperator, "/api/reports/incidents?window=7d")).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Rules_take_their_priority_from_severity_unless_given_and_a_bad_priority_or_report_query_is_a_400_naming_the_field()
    {
        await using var world = await StartAsync(Breach);
        object Rule(string severity, string? priority) => priority is null
            ? new { metric = "error_rate", window = "5m", comparator = ">", threshold = 0.5, severity }
            : new { metric = "error_rate", window = "5m", comparator = ">", threshold = 0.5, severity, priority };
        foreach (var (name, severity, priority, expected) in new[]
        {
            ("crit", "critical", (string?)null, "P1"), ("warn", "warning", null, "P2"), ("note", "info", null, "P3"), ("page", "info", "P0", "P0"),
        })
        {
            await PutRuleAsync(world, name, Rule(severity, priority));
            Assert.Equal(expected, (await Traffic.GetJsonAsync(world.Admin, $"/api/alert-rules/{name}")).GetProperty("priority").GetString());
        }
        foreach (var bad in new object[] { "P4", "p1", "high", 1 })
        {
            var (status, problem) = await world.SendAsync(world.Admin, HttpMethod.Put, "/api/alert-rules/bad",
                new { metric = "error_rate", window = "5m", comparator = ">", threshold = 0.5, severity = "critical", priority = bad });
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(["priority"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        }

        using var reader = world.App.Client(await world.App.CreateKeyAsync("read"));
        using var ingest = world.App.Client(await world.App.CreateKeyAsync("ingest"));
        Assert.Equal(HttpStatusCode.OK, (await world.SendAsync(reader, HttpMethod.Get, "/api/reports/incidents?window=400d&group_by=rule")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await world.SendAsync(ingest, HttpMethod.Get, "/api/reports/incidents?window=30d")).Status);
        var empty = await Traffic.GetJsonAsync(reader, "/api/reports/incidents");
        Assert.Equal(("30d", 0, 0), (empty.GetProperty("window").GetString(), empty.GetProperty("count").GetInt32(), empty.GetProperty("ack_breaches").GetInt32()));
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("mttd_s").ValueKind);
        foreach (var (query, field) in new[]
        {
            ("window=401d", "window"), ("window=30s", "window"), ("window=soon", "window"), ("group_by=severity", "group_by"), ("limit=3", "limit"),
        })
        {
            var (status, problem) = await world.SendAsync(reader, HttpMethod.Get, $"/api/reports/incidents?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{query}: {problem}");
        }
    }
}
