using System.Net;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;
using static Vigil.IntegrationTests.IngestionTests;

namespace Vigil.IntegrationTests;

public class PercentileAccuracyTests
{
    private static async Task AssertMatchesPercentileDisc(VigilApp app, HttpClient client, string window, string? bot, string where)
    {
        var url = $"/api/metrics/latency?window={window}" + (bot is null ? "" : $"&bot={bot}");
        var api = await Traffic.GetJsonAsync(client, url);
        var exact = await app.ScalarAsync<string>($"""
            SELECT concat_ws(',', count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms),
                percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms), percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_ms),
                min(duration_ms), max(duration_ms))
            FROM events WHERE duration_ms IS NOT NULL {where}
            """);
        var e = exact.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal((long)e[0], api.GetProperty("count").GetInt64());
        Assert.Equal(e[4], api.GetProperty("min_ms").GetDouble());
        Assert.Equal(e[5], api.GetProperty("max_ms").GetDouble());
        foreach (var (name, expected) in new[] { ("p50_ms", e[1]), ("p95_ms", e[2]), ("p99_ms", e[3]) })
        {
            var actual = api.GetProperty(name).GetDouble();
            var error = Math.Abs(actual - expected) / expected;
            Assert.True(error <= 0.01 + 1e-9, $"{bot ?? "all"} {name}: API {actual} vs percentile_disc {expected} ({error:P3})");
            Assert.InRange(actual, e[4], e[5]);
        }
    }

    [Fact]
    public async Task Percentiles_from_the_api_are_within_one_percent_of_percentile_disc_on_the_same_rows()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var random = new Random(20261121);
        var now = DateTimeOffset.UtcNow;
        string[] bots = ["lead_bot", "buyer_bot", "seller_bot"];
        var events = Enumerable.Range(0, 30_000).Select(i =>
            Events.LlmCall($"acc-{i}", now.AddSeconds(-random.Next(0, 50 * 60)), bot: bots[i % 3], durationMs: Traffic.HeavyTailedLatency(random, 300 + (100 * (i % 3))))).ToList();
        await Traffic.PostAllAsync(client, events);
        await app.RunFunctionAsync("ComputeRollups");

        await AssertMatchesPercentileDisc(app, client, "1h", null, "");
        foreach (var bot in bots) await AssertMatchesPercentileDisc(app, client, "1h", bot, $"AND bot = '{bot}'");
    }

    [Fact]
    public async Task Seven_day_percentiles_merged_from_days_hours_and_minutes_stay_within_one_percent()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var random = new Random(7);
        var now = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, 20_000).Select(i =>
            Events.LlmCall($"week-{i}", now.AddMinutes(-random.Next(1, (int)TimeSpan.FromDays(6.9).TotalMinutes)), durationMs: Traffic.HeavyTailedLatency(random))).ToList();
        await Traffic.PostAllAsync(client, events);
        var run = await app.RunFunctionAsync("ComputeRollups");
        Assert.True(run.GetProperty("counts").GetProperty("days").GetInt64() >= 7);

        await AssertMatchesPercentileDisc(app, client, "7d", null, "");
        Assert.True(await app.ScalarAsync<long>("SELECT count(*) FROM rollup_day") > 0);
    }
}

public class RollupTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static Task<long> Count(HttpClient client, string query = "window=7d") =>
        Traffic.GetJsonAsync(client, "/api/metrics/latency?" + query).ContinueWith(t => t.Result.GetProperty("count").GetInt64(), TaskScheduler.Default);

    [Fact]
    public async Task Metrics_include_every_event_ingested_before_the_last_rollup_run()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        await Traffic.PostAllAsync(client, Enumerable.Range(0, 50).Select(i => Events.LlmCall($"n-{i}", DateTimeOffset.UtcNow)).ToList());
        Assert.Equal(0, await Count(client, "window=5m"));
        await app.RunFunctionAsync("ComputeRollups");
        var latency = await Traffic.GetJsonAsync(client, "/api/metrics/latency?window=5m");
        Assert.Equal(50, latency.GetProperty("count").GetInt64());
        Assert.True(latency.GetProperty("complete_up_to").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Late_events_for_minutes_already_rolled_up_are_counted()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        // Ten seconds into a minute, so the first and the late events share exactly one minute.
        var twoDaysAgo = Vigil.Core.Metrics.Align.Floor(Now.AddDays(-2), Vigil.Core.Metrics.Resolution.Minute).AddSeconds(10);
        await Traffic.PostAllAsync(client, Enumerable.Range(0, 10).Select(i => Events.LlmCall($"first-{i}", twoDaysAgo.AddSeconds(i))).ToList());
        await app.RunFunctionAsync("ComputeRollups");
        Assert.Equal(10, await Count(client));

        await Traffic.PostAllAsync(client, Enumerable.Range(0, 5).Select(i => Events.LlmCall($"late-{i}", twoDaysAgo.AddSeconds(i))).ToList());
        var sixAndAHalfDaysAgo = Vigil.Core.Metrics.Align.Floor(Now.AddDays(-6.5), Vigil.Core.Metrics.Resolution.Minute).AddSeconds(10);
        await Traffic.PostAllAsync(client, Enumerable.Range(0, 3).Select(i => Events.LlmCall($"later-{i}", sixAndAHalfDaysAgo.AddSeconds(i))).ToList());
        var run = await app.RunFunctionAsync("ComputeRollups");
        Assert.Equal(15 + 3, await Count(client));
        // Only the minutes that received late events were re-read: all 15 of the first, 3 of the second.
        Assert.Equal(18, run.GetProperty("counts").GetProperty("events_read").GetInt64());
        Assert.Equal(18L, await app.ScalarAsync<long>("SELECT sum(events) FROM rollup_day"));
        Assert.Equal(18L, await app.ScalarAsync<long>("SELECT sum(events) FROM rollup_hour"));
        Assert.Equal(18L, await app.ScalarAsync<long>("SELECT sum(events) FROM rollup_5m"));
    }

    [Fact]
    public async Task Running_the_rollup_again_changes_nothing()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var random = new Random(3);
        await Traffic.PostAllAsync(client, Enumerable.Range(0, 2000).Select(i => Events.LlmCall($"i-{i}", Now.AddMinutes(-random.Next(0, 3000)), durationMs: Traffic.HeavyTailedLatency(random))).ToList());
        await app.RunFunctionAsync("ComputeRollups");
        const string fingerprint = """
            SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (
                SELECT 'm', * FROM rollup_minute UNION ALL SELECT '5', * FROM rollup_5m UNION ALL SELECT 'h', * FROM rollup_hour UNION ALL SELECT 'd', * FROM rollup_day) t
            """;
        var before = await app.ScalarAsync<string>(fingerprint);
        // Force a re-roll of every minute, as a crash-and-retry or a second host would.
        await app.ExecuteAsync("INSERT INTO rollup_pending (minute, marked_at) SELECT DISTINCT bucket, '-infinity'::timestamptz FROM rollup_minute");
        var again = await app.RunFunctionAsync("ComputeRollups");
        Assert.True(again.GetProperty("counts").GetProperty("minutes").GetInt64() > 0);
        Assert.Equal(before, await app.ScalarAsync<string>(fingerprint));
        Assert.Equal(0, (await app.RunFunctionAsync("ComputeRollups")).GetProperty("counts").GetProperty("minutes").GetInt64());
    }

    [Fact]
    public async Task Two_hosts_rolling_up_at_once_while_events_arrive_never_double_count()
    {
        var connectionString = TestPostgres.NewSchema(out _);
        var adminKey = "admin-" + Guid.NewGuid().ToString("N");
        await using var a = await VigilApp.StartAsync(connectionString: connectionString, adminKey: adminKey);
        await using var b = await VigilApp.StartAsync(connectionString: connectionString, adminKey: adminKey);
        using var client = a.AdminClient();
        var random = new Random(9);
        var total = 0;
        for (var round = 0; round < 6; round++)
        {
            var batch = Enumerable.Range(0, 700).Select(i => Events.LlmCall($"r{round}-{i}", Now.AddMinutes(-random.Next(0, 600)))).ToList();
            total += batch.Count;
            var ingest = Traffic.PostAllAsync(client, batch);
            await Task.WhenAll(ingest, a.RunFunctionAsync("ComputeRollups"), b.RunFunctionAsync("ComputeRollups"), b.RunFunctionAsync("ComputeRollups"));
        }
        await a.RunFunctionAsync("ComputeRollups");
        Assert.Equal(total, await Count(client, "window=1d"));
        Assert.Equal((long)total, await a.ScalarAsync<long>("SELECT sum(events) FROM rollup_minute"));
        Assert.Equal((long)total, await a.ScalarAsync<long>("SELECT sum(events) FROM rollup_hour"));
        Assert.Equal((long)total, await a.ScalarAsync<long>("SELECT sum(events) FROM rollup_5m"));
        Assert.Equal(0L, await a.ScalarAsync<long>("SELECT count(*) FROM rollup_pending"));
    }
}

public class MetricsApiTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static Dictionary<string, object?> E(string id, string type, string bot, Action<Dictionary<string, object?>>? with = null)
    {
        var e = new Dictionary<string, object?> { ["event_id"] = id, ["type"] = type, ["timestamp"] = Events.Ts(Now.AddSeconds(-30)), ["bot"] = bot, ["duration_ms"] = 100.0 };
        with?.Invoke(e);
        return e;
    }

    private static async Task<VigilApp> SeededAsync()
    {
        var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var events = new List<Dictionary<string, object?>>
        {
            E("1", "llm_call", "lead_bot", e => { e["model"] = "gpt-4o"; e["operation"] = "process"; e["cache_hit"] = true; e["input_tokens"] = 1_000_000; e["output_tokens"] = 0; e["conversation_id"] = "c-1"; }),
            E("2", "llm_call", "lead_bot", e => { e["model"] = "gpt-4o"; e["operation"] = "process"; e["cache_hit"] = false; e["success"] = false; e["error_type"] = "rate_limit"; e["cost_usd"] = 1.5; e["conversation_id"] = "c-2"; }),
            E("3", "llm_call", "buyer_bot", e => { e["model"] = "my-own-model"; e["operation"] = "process"; e["tenant_id"] = "acme"; e["conversation_id"] = "c-3"; e["batch_job"] = "nightly"; e["cost_usd"] = 0.25; }),
            E("4", "llm_call", "buyer_bot", e => { e["model"] = "my-own-model"; e["tenant_id"] = "acme"; e["ttft_ms"] = 40.0; }),
            E("5", "feedback", "lead_bot", e => { e.Remove("duration_ms"); e["rating"] = "positive"; }),
            E("6", "feedback", "lead_bot", e => { e.Remove("duration_ms"); e["rating"] = "negative"; }),
            E("7", "feedback", "lead_bot", e => { e.Remove("duration_ms"); e["rating"] = "positive"; }),
            E("8", "handoff", "lead_bot", e => { e["target_bot"] = "buyer_bot"; e["blocked"] = true; e["success"] = false; }),
            E("9", "bot_interaction", "lead_bot", e => { e["quality_score"] = 0.5; e["degraded"] = true; }),
            E("10", "bot_interaction", "lead_bot", e => { e["quality_score"] = 0.9; e["degraded"] = false; }),
        };
        await Traffic.PostAllAsync(client, events);
        await app.RunFunctionAsync("ComputeRollups");
        return app;
    }

    [Fact]
    public async Task The_summary_derives_every_rate_per_group()
    {
        await using var app = await SeededAsync();
        using var client = app.AdminClient();
        var body = await Traffic.GetJsonAsync(client, "/api/metrics/summary?window=15m&group_by=bot");
        var lead = body.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetProperty("bot").GetString() == "lead_bot");
        Assert.Equal(8, lead.GetProperty("count").GetInt64());
        Assert.Equal(2.0 / 5, lead.GetProperty("error_rate").GetDouble(), 6);          // 2 failures of 5 non-feedback events
        Assert.Equal(0.5, lead.GetProperty("cache_hit_rate").GetDouble(), 6);          // 1 hit of 2 lookups
        Assert.Equal(2.0 / 3, lead.GetProperty("satisfaction_rate").GetDouble(), 6);
        Assert.Equal(0.2, lead.GetProperty("rate_limit_error_rate").GetDouble(), 6);
        Assert.Equal(0.7, lead.GetProperty("quality_score_avg").GetDouble(), 6);
        Assert.Equal(0.5, lead.GetProperty("degradation_rate").GetDouble(), 6);
        Assert.Equal(1, lead.GetProperty("blocked_handoffs").GetInt64());
        Assert.Equal(2.5 + 1.5, lead.GetProperty("cost_usd").GetDouble(), 6);         // 1M input tokens of gpt-4o + a reported 1.50
        Assert.Equal(1_000_000, lead.GetProperty("input_tokens").GetInt64());
        Assert.Equal(100.0, lead.GetProperty("p95_ms").GetDouble());

        var byTwo = await Traffic.GetJsonAsync(client, "/api/metrics/summary?window=15m&group_by=bot,operation&type=llm_call");
        Assert.Equal(3, byTwo.GetProperty("groups").GetArrayLength());
        var noOperation = byTwo.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetProperty("operation").ValueKind == JsonValueKind.Null);
        Assert.Equal("buyer_bot", noOperation.GetProperty("key").GetProperty("bot").GetString());
    }

    [Fact]
    public async Task Costs_group_by_model_tenant_bot_batch_job_and_conversation()
    {
        await using var app = await SeededAsync();
        using var client = app.AdminClient();
        var byModel = await Traffic.GetJsonAsync(client, "/api/metrics/cost?window=1h&group_by=model");
        Assert.Equal(4.25, byModel.GetProperty("total_cost_usd").GetDouble(), 6);
        var groups = byModel.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal("gpt-4o", groups[0].GetProperty("key").GetProperty("model").GetString());
        Assert.Equal(4.0, groups[0].GetProperty("cost_usd").GetDouble(), 6);
        Assert.Equal(2, groups[0].GetProperty("calls").GetInt64());
        Assert.Equal(2.0, groups[0].GetProperty("avg_cost_usd").GetDouble(), 6);
        var own = groups.Single(g => g.GetProperty("key").GetProperty("model").GetString() == "my-own-model");
        Assert.Equal(1, own.GetProperty("unpriced_calls").GetInt64());

        var byTenant = await Traffic.GetJsonAsync(client, "/api/metrics/cost?window=1h&group_by=tenant_id");
        Assert.Equal(0.25, byTenant.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetProperty("tenant_id").GetString() == "acme").GetProperty("cost_usd").GetDouble(), 6);
        var byJob = await Traffic.GetJsonAsync(client, "/api/metrics/cost?window=1h&group_by=batch_job");
        Assert.Equal(0.25, byJob.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetProperty("batch_job").GetString() == "nightly").GetProperty("cost_usd").GetDouble(), 6);
        var byConversation = await Traffic.GetJsonAsync(client, "/api/metrics/cost?window=1h&group_by=conversation_id&limit=2");
        var top = byConversation.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(["c-1", "c-2"], top.Select(g => g.GetProperty("key").GetProperty("conversation_id").GetString()));
        Assert.Equal(4.25, byConversation.GetProperty("total_cost_usd").GetDouble(), 6);
        var byBot = await Traffic.GetJsonAsync(client, "/api/metrics/cost?window=1h&group_by=bot&model=gpt-4o");
        Assert.Single(byBot.GetProperty("groups").EnumerateArray());
    }

    [Fact]
    public async Task Time_to_first_token_has_its_own_percentiles()
    {
        await using var app = await SeededAsync();
        using var client = app.AdminClient();
        var ttft = await Traffic.GetJsonAsync(client, "/api/metrics/latency?window=1h&field=ttft");
        Assert.Equal(1, ttft.GetProperty("count").GetInt64());
        Assert.Equal(40.0, ttft.GetProperty("p95_ms").GetDouble());
        Assert.Equal("ttft", ttft.GetProperty("field").GetString());
    }

    [Fact]
    public async Task An_empty_window_answers_with_zero_count_and_no_percentiles()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var body = await Traffic.GetJsonAsync(client, "/api/metrics/latency?window=5m&bot=nobody");
        Assert.Equal(0, body.GetProperty("count").GetInt64());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("p95_ms").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("complete_up_to").ValueKind);
        Assert.Empty((await Traffic.GetJsonAsync(client, "/api/metrics/summary?window=5m")).GetProperty("groups").EnumerateArray());
    }

    [Fact]
    public async Task A_tenant_bound_reader_sees_only_its_tenant()
    {
        await using var app = await SeededAsync();
        using var reader = app.Client(await app.CreateKeyAsync("read", tenant: "acme"));
        var summary = await Traffic.GetJsonAsync(reader, "/api/metrics/summary?window=1h&group_by=tenant_id");
        Assert.Equal(["acme"], summary.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("key").GetProperty("tenant_id").GetString()));
        await AssertProblem(await reader.GetAsync("/api/metrics/cost?window=1h&tenant_id=default"), HttpStatusCode.Forbidden, "forbidden");
        using var ingest = app.Client(await app.CreateKeyAsync("ingest"));
        await AssertProblem(await ingest.GetAsync("/api/metrics/summary"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("/api/metrics/latency?windw=1h", "windw")]
    [InlineData("/api/metrics/latency?window=30s", "window")]
    [InlineData("/api/metrics/latency?window=31d", "window")]
    [InlineData("/api/metrics/latency?field=tokens", "field")]
    [InlineData("/api/metrics/summary?group_by=colour", "group_by")]
    [InlineData("/api/metrics/summary?type=llm", "type")]
    [InlineData("/api/metrics/cost?group_by=model,bot", "group_by")]
    [InlineData("/api/metrics/cost?limit=0", "limit")]
    [InlineData("/api/sla?window=1y", "window")]
    public async Task Bad_query_parameters_are_named_in_a_400(string url, string field)
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var body = await AssertProblem(await client.GetAsync(url), HttpStatusCode.BadRequest, "validation");
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }
}

public class SlaTests
{
    [Fact]
    public async Task Seeded_targets_are_listed_and_a_slow_bot_violates_its_sla()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var targets = (await Traffic.GetJsonAsync(client, "/api/sla-targets")).GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(10, targets.Count);
        var lead = targets.Single(t => t.GetProperty("bot").GetString() == "lead_bot" && t.GetProperty("operation").GetString() == "full_qualification");
        Assert.Equal(2000, lead.GetProperty("p95_ms").GetDouble());

        var now = DateTimeOffset.UtcNow;
        var random = new Random(1);
        await Traffic.PostAllAsync(client, Enumerable.Range(0, 200).Select(i => Events.BotInteraction($"slow-{i}", now.AddSeconds(-i), operation: "full_qualification", durationMs: 2600 + random.Next(0, 800))).ToList());
        await Traffic.PostAllAsync(client, Enumerable.Range(0, 200).Select(i => Events.BotInteraction($"fast-{i}", now.AddSeconds(-i), bot: "buyer_bot", operation: "process", durationMs: 200 + random.Next(0, 100))).ToList());
        await app.RunFunctionAsync("ComputeRollups");

        var sla = await Traffic.GetJsonAsync(client, "/api/sla?window=1h");
        var results = sla.GetProperty("results").EnumerateArray().ToList();
        var slow = results.Single(r => r.GetProperty("bot").GetString() == "lead_bot" && r.GetProperty("operation").GetString() == "full_qualification");
        Assert.False(slow.GetProperty("compliant").GetBoolean());
        Assert.Equal(200, slow.GetProperty("actual").GetProperty("count").GetInt64());
        Assert.Contains(slow.GetProperty("violations").EnumerateArray(), v => v.GetString()!.StartsWith("p95", StringComparison.Ordinal));
        var fast = results.Single(r => r.GetProperty("bot").GetString() == "buyer_bot" && r.GetProperty("operation").GetString() == "process");
        Assert.True(fast.GetProperty("compliant").GetBoolean());
        Assert.Equal("compliant", fast.GetProperty("status").GetString());
        Assert.Equal("no_data", results.Single(r => r.GetProperty("bot").GetString() == "seller_bot" && r.GetProperty("operation").GetString() == "process").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Admins_create_replace_and_delete_targets_with_validation()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var created = await admin.PutAsync("/api/sla-targets/faq_bot/answer", VigilApp.Json("""{"p50_ms":200,"p95_ms":900,"p99_ms":1500}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var replaced = await admin.PutAsync("/api/sla-targets/faq_bot/answer", VigilApp.Json("""{"p50_ms":250,"p95_ms":1000,"p99_ms":1600}"""));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(1000.0, await app.ScalarAsync<double>("SELECT p95_ms FROM sla_targets WHERE bot = 'faq_bot'"));

        var body = await AssertProblem(await admin.PutAsync("/api/sla-targets/faq_bot/answer", VigilApp.Json("""{"p50_ms":900,"p95_ms":100,"p99_ms":-1,"p90_ms":3}""")), HttpStatusCode.BadRequest, "validation");
        Assert.True(body.GetProperty("errors").TryGetProperty("p99_ms", out _));
        Assert.True(body.GetProperty("errors").TryGetProperty("p90_ms", out _));
        await AssertProblem(await admin.PutAsync("/api/sla-targets/Bad%20Bot/answer", VigilApp.Json("""{"p50_ms":1,"p95_ms":2,"p99_ms":3}""")), HttpStatusCode.BadRequest, "validation");

        using var reader = app.Client(await app.CreateKeyAsync("read"));
        await AssertProblem(await reader.PutAsync("/api/sla-targets/faq_bot/answer", VigilApp.Json("""{"p50_ms":1,"p95_ms":2,"p99_ms":3}""")), HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/sla-targets/faq_bot/answer")).StatusCode);
        await AssertProblem(await admin.DeleteAsync("/api/sla-targets/faq_bot/answer"), HttpStatusCode.NotFound, "not-found");
    }
}
