using System.Net;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>
/// Cost intelligence over HTTP on a manual clock: cost_zscore against a week of same-length windows,
/// the efficiency ranking, and a budget split into batch and interactive spend.
/// </summary>
public class CostIntelligenceTests
{
    private const string ZScoreRule =
        """{"metric":"cost_zscore","group_by":["bot"],"window":"1h","comparator":">","threshold":3,"severity":"warning","channels":[]}""";

    /// <summary>A week of hourly windows' costs per call around $0.10 (sample σ ≈ $0.0063, floored to $0.01).</summary>
    private static readonly double[] SteadyWeek = [0.10, 0.11, 0.09, 0.10, 0.105, 0.095];

    private static async Task<(VigilApp App, ManualTimeProvider Clock)> StartAsync(string? rule = null)
    {
        // Mid-hour, so the windows of the test lie well inside their hours.
        var now = DateTimeOffset.UtcNow;
        var clock = new ManualTimeProvider(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 40, 0, TimeSpan.Zero));
        var app = await VigilApp.StartAsync(time: clock);
        await app.ExecuteAsync("UPDATE alert_rules SET enabled = false");
        if (rule is not null)
        {
            using var admin = app.AdminClient();
            var response = await admin.PutAsync("/api/alert-rules/cost-anomaly", VigilApp.Json(rule));
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
        }
        return (app, clock);
    }

    /// <summary>Ten LLM calls of <paramref name="bot"/> around <paramref name="at"/>, each costing <paramref name="perCall"/>.</summary>
    private static IEnumerable<Dictionary<string, object?>> Calls(string bot, DateTimeOffset at, double perCall, string prefix, int count = 10) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var e = Events.LlmCall($"{prefix}-{bot}-{i}", at.AddSeconds(-i), bot: bot);
            e["cost_usd"] = perCall;
            return e;
        });

    /// <summary>One window a day on each of the days before now, half an hour before the hour of now.</summary>
    private static IEnumerable<Dictionary<string, object?>> Week(string bot, DateTimeOffset now, IReadOnlyList<double> perCall) =>
        perCall.SelectMany((cost, day) => Calls(bot, now - TimeSpan.FromDays(day + 1) - TimeSpan.FromMinutes(30), cost, $"week{day}"));

    private static async Task<List<JsonElement>> FiringAsync(VigilApp app)
    {
        using var admin = app.AdminClient();
        await app.RunFunctionAsync("ComputeRollups");
        await app.RunFunctionAsync("EvaluateAlerts");
        return [.. (await Traffic.GetJsonAsync(admin, "/api/alerts?state=firing")).GetProperty("alerts").EnumerateArray()];
    }

    [Fact]
    public async Task A_cost_spike_three_deviations_above_a_steady_week_fires_cost_zscore_and_a_normal_hour_does_not()
    {
        var (app, clock) = await StartAsync(ZScoreRule);
        await using var _ = app;
        using var admin = app.AdminClient();
        var now = clock.GetUtcNow();
        // Both bots had the same steady week; this hour one pays $0.14 a call (z = 4), the other $0.105 (z = 0.5).
        await Traffic.PostAllAsync(admin, [.. Week("spike_bot", now, SteadyWeek), .. Week("steady_bot", now, SteadyWeek),
            .. Calls("spike_bot", now - TimeSpan.FromMinutes(10), 0.14, "now"), .. Calls("steady_bot", now - TimeSpan.FromMinutes(10), 0.105, "now")]);

        var alert = Assert.Single(await FiringAsync(app));
        Assert.Equal("spike_bot", alert.GetProperty("group").GetProperty("bot").GetString());
        Assert.Equal(4.0, alert.GetProperty("value").GetDouble(), 3);
        Assert.Equal(3.0, alert.GetProperty("threshold").GetDouble());

        // An hour later the spike has left the window: nothing in it, no value, and the alert resolves.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await FiringAsync(app));
        var resolved = (await Traffic.GetJsonAsync(admin, $"/api/alerts/{alert.GetProperty("id").GetString()}")).GetProperty("state").GetString();
        Assert.Equal("resolved", resolved);
    }

    [Fact]
    public async Task A_normal_week_does_not_fire_however_much_traffic_grows()
    {
        var (app, clock) = await StartAsync(ZScoreRule);
        await using var _ = app;
        using var admin = app.AdminClient();
        var now = clock.GetUtcNow();
        // Five times the traffic at the week's usual price per call: total cost is up, cost per call is not.
        await Traffic.PostAllAsync(admin, [.. Week("busy_bot", now, SteadyWeek), .. Calls("busy_bot", now - TimeSpan.FromMinutes(5), 0.10, "now", count: 50)]);
        Assert.Empty(await FiringAsync(app));
    }

    [Fact]
    public async Task Too_few_prior_windows_give_no_value_and_a_flat_week_no_infinity()
    {
        var (app, clock) = await StartAsync(ZScoreRule);
        await using var _ = app;
        using var admin = app.AdminClient();
        var now = clock.GetUtcNow();
        // new_bot has four prior windows (one short of the guard) and a tenfold spike: no value, no alert.
        // flat_bot had exactly $0.10 a call all week: σ is floored at $0.01, so $0.125 is z = 2.5, not infinite.
        await Traffic.PostAllAsync(admin, [.. Week("new_bot", now, [0.10, 0.10, 0.10, 0.10]), .. Calls("new_bot", now - TimeSpan.FromMinutes(10), 1.0, "now"),
            .. Week("flat_bot", now, [0.10, 0.10, 0.10, 0.10, 0.10, 0.10]), .. Calls("flat_bot", now - TimeSpan.FromMinutes(10), 0.125, "now")]);
        Assert.Empty(await FiringAsync(app));

        // The same flat week with $0.14 a call (z = 4) fires, so flat_bot's silence above was the floor, not a gap.
        await Traffic.PostAllAsync(admin, [.. Calls("flat_bot", now - TimeSpan.FromMinutes(9), 0.2, "more", count: 2)]);
        var alert = Assert.Single(await FiringAsync(app));
        Assert.Equal("flat_bot", alert.GetProperty("group").GetProperty("bot").GetString());
        Assert.Equal(((1.25 + 0.4) / 12 - 0.10) / 0.01, alert.GetProperty("value").GetDouble(), 3);
    }

    [Fact]
    public async Task Cost_zscore_is_refused_where_it_has_no_meaning()
    {
        var (app, _) = await StartAsync();
        await using var __ = app;
        using var admin = app.AdminClient();
        var tooLong = await admin.PutAsync("/api/alert-rules/z", VigilApp.Json(ZScoreRule.Replace("\"1h\"", "\"2d\"", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("window", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var series = await admin.GetAsync("/api/metrics/timeseries?window=1h&step=5m&metric=cost_zscore");
        Assert.Equal(HttpStatusCode.BadRequest, series.StatusCode);
        Assert.Contains("cost_usd", await series.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_efficiency_report_ranks_bots_by_cost_per_successful_interaction_with_failures_last()
    {
        var (app, clock) = await StartAsync();
        await using var _ = app;
        using var admin = app.AdminClient();
        var now = clock.GetUtcNow() - TimeSpan.FromMinutes(5);
        var events = new List<Dictionary<string, object?>>();
        // costly_bot: $1.00 over 8 successes of 10 ($0.125); cheap_bot: $0.50 over 10 of 10 ($0.05);
        // broken_bot: $0.80 and nothing succeeded. A feedback event is neither a call nor a success.
        events.AddRange(Calls("costly_bot", now, 0.10, "c").Select((e, i) => { if (i < 2) e["success"] = false; return e; }));
        events.AddRange(Calls("cheap_bot", now, 0.05, "h"));
        events.AddRange(Calls("broken_bot", now, 0.20, "b", count: 4).Select(e => { e["success"] = false; return e; }));
        events.Add(new() { ["event_id"] = "fb", ["type"] = "feedback", ["timestamp"] = Events.Ts(now), ["bot"] = "cheap_bot", ["rating"] = "negative" });
        await Traffic.PostAllAsync(admin, events);
        await app.RunFunctionAsync("ComputeRollups");

        using var reader = app.Client(await app.CreateKeyAsync("read"));
        var report = await Traffic.GetJsonAsync(reader, "/api/reports/efficiency?window=1h&group_by=bot");
        Assert.Equal("1h", report.GetProperty("window").GetString());
        Assert.Equal("bot", report.GetProperty("group_by").GetString());
        var groups = report.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(["cheap_bot", "costly_bot", "broken_bot"], groups.Select(g => g.GetProperty("key").GetProperty("bot").GetString()));
        Assert.Equal(1, groups[0].GetProperty("rank").GetInt32());
        Assert.Equal(10, groups[0].GetProperty("calls").GetInt64());
        Assert.Equal(10, groups[0].GetProperty("successes").GetInt64());
        Assert.Equal(0.05, groups[0].GetProperty("cost_per_success_usd").GetDouble(), 6);
        Assert.Equal(2, groups[1].GetProperty("rank").GetInt32());
        Assert.Equal(0.8, groups[1].GetProperty("success_rate").GetDouble(), 6);
        Assert.Equal(1.0, groups[1].GetProperty("cost_usd").GetDouble(), 6);
        Assert.Equal(0.125, groups[1].GetProperty("cost_per_success_usd").GetDouble(), 6);
        Assert.Equal(JsonValueKind.Null, groups[2].GetProperty("rank").ValueKind);
        Assert.Equal(JsonValueKind.Null, groups[2].GetProperty("cost_per_success_usd").ValueKind);
        Assert.Equal(0.0, groups[2].GetProperty("success_rate").GetDouble());

        var byModel = await Traffic.GetJsonAsync(reader, "/api/reports/efficiency?group_by=model");
        Assert.Equal("7d", byModel.GetProperty("window").GetString());
        var gpt = Assert.Single(byModel.GetProperty("groups").EnumerateArray());
        Assert.Equal(18, gpt.GetProperty("successes").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, (await reader.GetAsync("/api/reports/efficiency?group_by=tenant_id")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reader.GetAsync("/api/reports/efficiency?window=90d")).StatusCode);
        using var nobody = app.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await nobody.GetAsync("/api/reports/efficiency")).StatusCode);
    }

    [Fact]
    public async Task A_batch_budget_and_an_interactive_budget_split_the_spend_and_the_total_holds_both()
    {
        var (app, clock) = await StartAsync();
        await using var _ = app;
        using var admin = app.AdminClient();
        const string Notify = """ "thresholds":[{"percent":100,"actions":["notify:email"]}] """;
        await admin.PutAsync("/api/batch-jobs/nightly", VigilApp.Json("{}"));
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("/api/budgets/batch",
            VigilApp.Json($$"""{"amount_usd":1200,"filters":{"batch_job":"nightly"},{{Notify}}}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("/api/budgets/interactive",
            VigilApp.Json($$"""{"amount_usd":600,"filters":{"interactive":true},{{Notify}}}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("/api/budgets/all-llm", VigilApp.Json($$"""{"amount_usd":2000,{{Notify}}}"""))).StatusCode);

        var now = clock.GetUtcNow() - TimeSpan.FromMinutes(2);
        // Interactive: 3 calls at $1. Batch: 2 calls at $2 tagged with the job, and a run reporting $10 its events do not carry.
        var batchCalls = Calls("summary_bot", now, 2.0, "batch", count: 2).Select(e => { e["batch_job"] = "nightly"; return e; });
        await Traffic.PostAllAsync(admin, [.. Calls("lead_bot", now, 1.0, "chat", count: 3), .. batchCalls]);
        var run = JsonDocument.Parse(await (await admin.PostAsync("/api/batch-jobs/nightly/runs", VigilApp.Json("{}"))).Content.ReadAsStringAsync())
            .RootElement.GetProperty("run_id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/batch-jobs/nightly/runs/{run}/complete",
            VigilApp.Json("""{"succeeded":10,"failed":0,"cost_usd":10}"""))).StatusCode);
        await app.RunFunctionAsync("ComputeRollups");

        async Task<JsonElement> BudgetAsync(string name) => await Traffic.GetJsonAsync(admin, $"/api/budgets/{name}");
        Assert.Equal(14.0, (await BudgetAsync("batch")).GetProperty("spent_usd").GetDouble(), 6);
        var interactive = await BudgetAsync("interactive");
        Assert.Equal(3.0, interactive.GetProperty("spent_usd").GetDouble(), 6);
        Assert.Equal(0.5, interactive.GetProperty("percent").GetDouble(), 6);
        Assert.True(interactive.GetProperty("filters").GetProperty("interactive").GetBoolean());
        Assert.False(interactive.GetProperty("filters").TryGetProperty("batch_job", out var _));
        Assert.Equal(17.0, (await BudgetAsync("all-llm")).GetProperty("spent_usd").GetDouble(), 6);

        var contradictory = await admin.PutAsync("/api/budgets/odd", VigilApp.Json($$"""{"amount_usd":1,"filters":{"interactive":true,"batch_job":"nightly"},{{Notify}}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, contradictory.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsync("/api/budgets/odd",
            VigilApp.Json($$"""{"amount_usd":1,"filters":{"interactive":false},{{Notify}}}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsync("/api/budgets/odd",
            VigilApp.Json($$"""{"amount_usd":1,"filters":{"interactive":"yes"},{{Notify}}}"""))).StatusCode);
        // An interactive budget that stops batch jobs must name them: its filter names none.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsync("/api/budgets/odd",
            VigilApp.Json("""{"amount_usd":1,"filters":{"interactive":true}}"""))).StatusCode);
    }
}
