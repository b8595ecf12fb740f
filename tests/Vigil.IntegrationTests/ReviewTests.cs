using System.Net;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>GET /api/reports/review and SendReview over HTTP against PostgreSQL: growth from the sketches, week-over-week changes, misrouting, tools, cache savings, the Monday review in Slack and e-mail.</summary>
public class ReviewTests
{
    private static Dictionary<string, object?> Ev(string id, string type, DateTimeOffset at, string bot, string? tenant = null, string? conversation = null,
        string? user = null, params (string Key, object? Value)[] fields)
    {
        var e = new Dictionary<string, object?>
        {
            ["event_id"] = id,
            ["type"] = type,
            ["timestamp"] = Events.Ts(at),
            ["tenant_id"] = tenant,
            ["bot"] = bot,
            ["conversation_id"] = conversation,
            ["user_id"] = user,
        };
        if (type is not ("feedback" or "message")) e["duration_ms"] = 100.0;
        if (type == "message")
        {
            e["role"] = "user";
            e["text"] = "hello";
        }
        foreach (var (key, value) in fields) e[key] = value;
        return e;
    }

    private static Dictionary<string, object?> Llm(string id, DateTimeOffset at, string bot, string? tenant = null, string? conversation = null, string? user = null,
        double ttft = 900, bool success = true) =>
        Ev(id, "llm_call", at, bot, tenant, conversation, user, ("model", "gpt-4o"), ("ttft_ms", ttft), ("success", success),
            ("error_type", success ? null : "timeout"), ("input_tokens", 1000), ("output_tokens", 100));

    private static Dictionary<string, object?> Feedback(string id, DateTimeOffset at, string bot, bool positive, string? tenant = null, string? conversation = null) =>
        Ev(id, "feedback", at, bot, tenant, conversation, null, ("rating", positive ? "positive" : "negative"));

    private static Dictionary<string, object?> Tool(string id, DateTimeOffset at, string bot, string tool, string? conversation, double durationMs = 100, bool success = true) =>
        Ev(id, "tool_call", at, bot, null, conversation, null, ("tool_name", tool), ("duration_ms", durationMs), ("success", success), ("error_type", success ? null : "tool_error"));

    private static double Bound(long n) => Math.Max(1, 3 * 0.008125 * n);

    private static void AssertNear(long exact, JsonElement figure, string what)
    {
        var estimate = figure.GetDouble();
        Assert.True(Math.Abs(estimate - exact) <= Bound(exact), $"{what}: exact {exact}, review {estimate} (allowed ±{Bound(exact):F1})");
    }

    [Fact]
    public async Task Sessions_and_unique_users_match_the_exact_distinct_counts_within_the_sketch_error()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var random = new Random(1313);
        var now = DateTimeOffset.UtcNow;
        string[] bots = ["lead_bot", "buyer_bot", "seller_bot"];
        // 12,000 events over six days: 2,500 conversations, 900 users, some conversations on two bots.
        var events = Enumerable.Range(0, 12_000).Select(i =>
        {
            var at = now.AddMinutes(-random.Next(2, (int)TimeSpan.FromDays(6).TotalMinutes));
            var conversation = $"conv-{random.Next(2_500)}";
            var user = $"user-{random.Next(900)}";
            return i % 4 == 0
                ? Ev($"m-{i}", "message", at, bots[i % 3], conversation: conversation, user: user)
                : Llm($"l-{i}", at, bots[i % 3], conversation: i % 10 == 1 ? null : conversation, user: user);
        }).ToList();
        await Traffic.PostAllAsync(client, events);
        await app.RunFunctionAsync("ComputeRollups");

        var review = await Traffic.GetJsonAsync(client, "/api/reports/review?window=7d");
        var growth = review.GetProperty("growth");
        var sessions = await app.ScalarAsync<long>("SELECT count(DISTINCT (tenant_id, conversation_id)) FROM events WHERE conversation_id IS NOT NULL");
        var users = await app.ScalarAsync<long>("SELECT count(DISTINCT (tenant_id, user_id)) FROM events WHERE user_id IS NOT NULL");
        var messages = await app.ScalarAsync<long>("SELECT count(*) FROM events WHERE type = 'message'");
        AssertNear(sessions, growth.GetProperty("sessions").GetProperty("current"), "sessions");
        AssertNear(users, growth.GetProperty("unique_users").GetProperty("current"), "unique users");
        Assert.Equal(messages, growth.GetProperty("messages").GetProperty("current").GetInt64());
        var perSession = growth.GetProperty("messages_per_session").GetProperty("current").GetDouble();
        Assert.Equal(messages / growth.GetProperty("sessions").GetProperty("current").GetDouble(), perSession, 4);
        Assert.Equal(0.008125, growth.GetProperty("distinct_error").GetDouble());
        // Per bot too, from the same sketches.
        foreach (var bot in review.GetProperty("bots").EnumerateArray())
        {
            var name = bot.GetProperty("bot").GetString()!;
            var exact = await app.ScalarAsync<long>("SELECT count(DISTINCT conversation_id) FROM events WHERE bot = $1", name);
            AssertNear(exact, bot.GetProperty("sessions").GetProperty("current"), $"{name} sessions");
        }
        // Read from the sketch tables, merged from days, hours and minutes.
        Assert.True(await app.ScalarAsync<long>("SELECT count(*) FROM rollup_distinct_day") > 0);
        Assert.True(await app.ScalarAsync<long>("SELECT count(*) FROM rollup_distinct_hour") > 0);
    }

    [Fact]
    public async Task Each_figure_stands_beside_last_weeks_with_its_change_and_the_targets_pass_or_fail()
    {
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(-8).UtcDateTime.Date, TimeSpan.Zero).AddHours(6).AddSeconds(30);
        var clock = new ManualTimeProvider(start);
        await using var app = await VigilApp.StartAsync(time: clock);
        using var client = app.AdminClient();

        // Last week: 200 calls, 4 errors (2%), TTFT 1,000 ms, 8 positive and 2 negative (80%: not above 80%),
        // 50 conversations, 20 users, 100 messages.
        var lastWeek = new List<Dictionary<string, object?>>();
        for (var i = 0; i < 200; i++) lastWeek.Add(Llm($"p-l-{i}", start.AddDays(-6).AddMinutes(i * 30), "lead_bot", conversation: $"p-c-{i % 50}", user: $"p-u-{i % 20}", ttft: 1000, success: i % 50 != 0));
        for (var i = 0; i < 10; i++) lastWeek.Add(Feedback($"p-f-{i}", start.AddDays(-5).AddMinutes(i), "lead_bot", positive: i < 8, conversation: $"p-c-{i}"));
        for (var i = 0; i < 100; i++) lastWeek.Add(Ev($"p-m-{i}", "message", start.AddDays(-4).AddMinutes(i), "lead_bot", conversation: $"p-c-{i % 50}", user: $"p-u-{i % 20}"));
        await Traffic.PostAllAsync(client, lastWeek);

        // This week: 300 calls, 30 errors (10%), TTFT 2,500 ms, 18 positive and 2 negative (90%),
        // 80 conversations, 30 users, 240 messages.
        clock.Advance(TimeSpan.FromDays(7));
        var now = clock.GetUtcNow();
        var thisWeek = new List<Dictionary<string, object?>>();
        for (var i = 0; i < 300; i++) thisWeek.Add(Llm($"c-l-{i}", now.AddDays(-6).AddMinutes(i * 20), "lead_bot", conversation: $"c-c-{i % 80}", user: $"c-u-{i % 30}", ttft: 2500, success: i % 10 != 0));
        for (var i = 0; i < 20; i++) thisWeek.Add(Feedback($"c-f-{i}", now.AddDays(-2).AddMinutes(i), "lead_bot", positive: i < 18, conversation: $"c-c-{i}"));
        for (var i = 0; i < 240; i++) thisWeek.Add(Ev($"c-m-{i}", "message", now.AddDays(-1).AddMinutes(i), "lead_bot", conversation: $"c-c-{i % 80}", user: $"c-u-{i % 30}"));
        await Traffic.PostAllAsync(client, thisWeek);
        await app.RunFunctionAsync("ComputeRollups");

        var review = await Traffic.GetJsonAsync(client, "/api/reports/review?window=7d");
        Assert.Equal(review.GetProperty("from").GetString(), review.GetProperty("previous").GetProperty("to").GetString());

        var sla = review.GetProperty("sla");
        AssertFigure(sla.GetProperty("ttft_p95_ms"), 2500, 1000, 1500, 1.5, pass: false, previousPass: true);
        AssertFigure(sla.GetProperty("error_rate"), 0.1, 0.02, 0.08, 4, pass: false, previousPass: true);
        AssertFigure(sla.GetProperty("satisfaction_rate"), 0.9, 0.8, 0.1, 0.125, pass: true, previousPass: false);
        Assert.Equal("<", sla.GetProperty("ttft_p95_ms").GetProperty("comparison").GetString());
        Assert.Equal(2000, sla.GetProperty("ttft_p95_ms").GetProperty("target").GetDouble());
        Assert.Equal(">", sla.GetProperty("satisfaction_rate").GetProperty("comparison").GetString());
        Assert.False(sla.GetProperty("passed").GetBoolean());
        Assert.Equal(560, sla.GetProperty("events").GetInt64());
        Assert.Equal(310, sla.GetProperty("previous_events").GetInt64());

        // Distinct counts this small are exact up to a register collision (the sketch's error bound is at least 1).
        var growth = review.GetProperty("growth");
        var sessions = growth.GetProperty("sessions");
        AssertNear(80, sessions.GetProperty("current"), "sessions");
        AssertNear(50, sessions.GetProperty("previous"), "last week's sessions");
        Assert.Equal(sessions.GetProperty("current").GetDouble() - sessions.GetProperty("previous").GetDouble(), sessions.GetProperty("change").GetDouble());
        Assert.Equal(0.6, sessions.GetProperty("change_ratio").GetDouble(), 1);
        AssertNear(30, growth.GetProperty("unique_users").GetProperty("current"), "users");
        AssertNear(20, growth.GetProperty("unique_users").GetProperty("previous"), "last week's users");
        AssertFigure(growth.GetProperty("messages"), 240, 100, 140, 1.4);
        var perSession = growth.GetProperty("messages_per_session");
        Assert.Equal(240 / sessions.GetProperty("current").GetDouble(), perSession.GetProperty("current").GetDouble(), 5);
        Assert.Equal(100 / sessions.GetProperty("previous").GetDouble(), perSession.GetProperty("previous").GetDouble(), 5);
        Assert.Equal(3, perSession.GetProperty("current").GetDouble(), 1);
        Assert.Equal(2, perSession.GetProperty("previous").GetDouble(), 1);

        var bot = Assert.Single(review.GetProperty("bots").EnumerateArray());
        Assert.Equal("lead_bot", bot.GetProperty("bot").GetString());
        AssertFigure(bot.GetProperty("negative_feedback"), 2, 2, 0, 0);
        AssertFigure(bot.GetProperty("events"), 560, 310, 250, 250.0 / 310);

        // Cost: 1,000 input and 100 output tokens of gpt-4o per call, from the raw rows of each week.
        var currentCost = await app.ScalarAsync<double>("SELECT sum(cost_usd)::float8 FROM events WHERE event_id LIKE 'c-%'");
        var previousCost = await app.ScalarAsync<double>("SELECT sum(cost_usd)::float8 FROM events WHERE event_id LIKE 'p-%'");
        var cost = review.GetProperty("cost");
        Assert.Equal(currentCost, cost.GetProperty("total_usd").GetProperty("current").GetDouble(), 6);
        Assert.Equal(previousCost, cost.GetProperty("total_usd").GetProperty("previous").GetDouble(), 6);
        var model = Assert.Single(cost.GetProperty("by_model").EnumerateArray());
        Assert.Equal("gpt-4o", model.GetProperty("name").GetString());
        AssertFigure(model.GetProperty("calls"), 300, 200, 100, 0.5);

        // A week later still, last week is "previous" and nothing is current.
        clock.Advance(TimeSpan.FromDays(7));
        var later = await Traffic.GetJsonAsync(client, "/api/reports/review?window=7d");
        Assert.Equal(0, later.GetProperty("growth").GetProperty("sessions").GetProperty("current").GetDouble());
        AssertNear(80, later.GetProperty("growth").GetProperty("sessions").GetProperty("previous"), "sessions a week on");
        Assert.True(later.GetProperty("sla").GetProperty("passed").ValueKind == JsonValueKind.Null);
    }

    private static void AssertFigure(JsonElement figure, double current, double previous, double change, double ratio, bool? pass = null, bool? previousPass = null)
    {
        Assert.Equal(current, figure.GetProperty("current").GetDouble(), 6);
        Assert.Equal(previous, figure.GetProperty("previous").GetDouble(), 6);
        Assert.Equal(change, figure.GetProperty("change").GetDouble(), 6);
        Assert.Equal(ratio, figure.GetProperty("change_ratio").GetDouble(), 5);
        if (pass is not null) Assert.Equal(pass, figure.GetProperty("pass").GetBoolean());
        if (previousPass is not null) Assert.Equal(previousPass, figure.GetProperty("previous_pass").GetBoolean());
    }

    [Fact]
    public async Task Misrouted_conversations_and_tool_effectiveness_come_from_the_conversations_and_follow_late_events()
    {
        // On the hour plus 30 minutes, so which of c3's events fall in which hour (and window) is fixed.
        var real = DateTimeOffset.UtcNow.UtcTicks;
        var hour = new DateTimeOffset(real - (real % TimeSpan.TicksPerHour), TimeSpan.Zero);
        var clock = new ManualTimeProvider(hour.AddMinutes(30));
        await using var app = await VigilApp.StartAsync(time: clock);
        using var client = app.AdminClient();
        var t = hour.AddHours(-3).AddMinutes(10);
        await Traffic.PostAllAsync(client,
        [
            // c1: three bots, calls crm_lookup, gets a thumbs down.
            Llm("c1-1", t, "lead_bot", conversation: "c1"),
            Llm("c1-2", t.AddMinutes(1), "buyer_bot", conversation: "c1"),
            Tool("c1-3", t.AddMinutes(2), "seller_bot", "crm_lookup", "c1", durationMs: 400),
            Feedback("c1-4", t.AddMinutes(3), "seller_bot", positive: false, conversation: "c1"),
            // c2: two bots (not misrouted yet), a failing crm_lookup, a thumbs up.
            Llm("c2-1", t, "lead_bot", conversation: "c2"),
            Tool("c2-2", t.AddMinutes(1), "buyer_bot", "crm_lookup", "c2", durationMs: 800, success: false),
            Feedback("c2-3", t.AddMinutes(2), "buyer_bot", positive: true, conversation: "c2"),
            // c3: four bots across two hours (hour − 4 h and hour − 3 h), in this order.
            Llm("c3-1", t.AddMinutes(-70), "seller_bot", conversation: "c3"),
            Llm("c3-2", t.AddMinutes(-65), "lead_bot", conversation: "c3"),
            Llm("c3-3", t.AddMinutes(5), "handoff", conversation: "c3"),
            Llm("c3-4", t.AddMinutes(6), "buyer_bot", conversation: "c3"),
            Llm("c3-5", t.AddMinutes(7), "lead_bot", conversation: "c3"),
            // c4: one bot, three calendar calls, a thumbs up.
            Tool("c4-1", t, "lead_bot", "calendar", "c4", durationMs: 100),
            Tool("c4-2", t.AddMinutes(1), "lead_bot", "calendar", "c4", durationMs: 200),
            Tool("c4-3", t.AddMinutes(2), "lead_bot", "calendar", "c4", durationMs: 300),
            Feedback("c4-4", t.AddMinutes(3), "lead_bot", positive: true, conversation: "c4"),
        ]);
        await app.RunFunctionAsync("ComputeRollups");

        var review = await Traffic.GetJsonAsync(client, "/api/reports/review?window=24h");
        var misrouted = review.GetProperty("misrouted");
        Assert.Equal(2, misrouted.GetProperty("conversations").GetProperty("current").GetDouble());
        Assert.Equal(2, misrouted.GetProperty("more_than_bots").GetInt32());
        var top = misrouted.GetProperty("top").EnumerateArray().ToList();
        Assert.Equal(["c3", "c1"], top.Select(c => c.GetProperty("conversation_id").GetString()));
        Assert.Equal(["seller_bot", "lead_bot", "handoff", "buyer_bot"], top[0].GetProperty("bots").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal(["lead_bot", "buyer_bot", "seller_bot"], top[1].GetProperty("bots").EnumerateArray().Select(b => b.GetString()));

        var tools = review.GetProperty("tools").EnumerateArray().ToDictionary(x => x.GetProperty("tool_name").GetString()!);
        Assert.Equal(["calendar", "crm_lookup"], tools.Keys.Order());
        var crm = tools["crm_lookup"];
        Assert.Equal(2, crm.GetProperty("calls").GetProperty("current").GetDouble());
        Assert.Equal(0.5, crm.GetProperty("failure_rate").GetProperty("current").GetDouble());
        Assert.Equal(2, crm.GetProperty("conversations").GetProperty("current").GetDouble());
        Assert.Equal(0.5, crm.GetProperty("satisfaction_rate").GetProperty("current").GetDouble());
        Assert.Equal(800, crm.GetProperty("p95_ms").GetProperty("current").GetDouble());
        var calendar = tools["calendar"];
        Assert.Equal(3, calendar.GetProperty("calls").GetProperty("current").GetDouble());
        Assert.Equal(0, calendar.GetProperty("failure_rate").GetProperty("current").GetDouble());
        Assert.Equal(1, calendar.GetProperty("conversations").GetProperty("current").GetDouble());
        Assert.Equal(1, calendar.GetProperty("satisfaction_rate").GetProperty("current").GetDouble());
        Assert.Equal(300, calendar.GetProperty("p95_ms").GetProperty("current").GetDouble());

        var negative = review.GetProperty("negative_feedback");
        var negativeBot = Assert.Single(negative.GetProperty("bots").EnumerateArray());
        Assert.Equal("seller_bot", negativeBot.GetProperty("bot").GetString());
        Assert.Equal(1, negativeBot.GetProperty("negative").GetInt64());
        var negativeTool = Assert.Single(negative.GetProperty("tools").EnumerateArray());
        Assert.Equal("crm_lookup", negativeTool.GetProperty("tool_name").GetString());
        Assert.Equal(1, negativeTool.GetProperty("negative").GetInt64());
        Assert.Equal(1, negativeTool.GetProperty("positive").GetInt64());

        // A late event puts a third bot into c2: its minute is re-rolled and c2's hour row recomputed.
        await Traffic.PostAllAsync(client, [Llm("c2-late", t.AddMinutes(4), "seller_bot", conversation: "c2")]);
        await app.RunFunctionAsync("ComputeRollups");
        await app.RunFunctionAsync("ComputeRollups");
        var again = await Traffic.GetJsonAsync(client, "/api/reports/review?window=24h");
        Assert.Equal(3, again.GetProperty("misrouted").GetProperty("conversations").GetProperty("current").GetDouble());
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM review_conversation_hour WHERE conversation_id = 'c2'"));
        Assert.Equal(2, await app.ScalarAsync<long>("SELECT count(*) FROM review_conversation_hour WHERE conversation_id = 'c3'"));
        Assert.Equal(["lead_bot", "buyer_bot", "seller_bot"],
            await app.ScalarAsync<string>("SELECT array_to_string(bots, ',') FROM review_conversations WHERE conversation_id = 'c2'") is { } bots ? bots.Split(',') : []);
        // A conversation active in the window counts whole: a window that starts after c3's first hour still sees its four bots,
        // and one that ends before c1, c2 and c4 began sees c3 alone.
        var narrow = await Traffic.GetJsonAsync(client, "/api/reports/review?window=4h");
        var c3 = narrow.GetProperty("misrouted").GetProperty("top").EnumerateArray().Single(c => c.GetProperty("conversation_id").GetString() == "c3");
        Assert.Equal(["seller_bot", "lead_bot", "handoff", "buyer_bot"], c3.GetProperty("bots").EnumerateArray().Select(b => b.GetString()));
        clock.Advance(TimeSpan.FromDays(1));
        var dayAfter = await Traffic.GetJsonAsync(client, "/api/reports/review?window=24h");
        Assert.Equal(3, dayAfter.GetProperty("misrouted").GetProperty("conversations").GetProperty("previous").GetDouble());
        Assert.Equal(0, dayAfter.GetProperty("misrouted").GetProperty("conversations").GetProperty("current").GetDouble());
    }

    [Fact]
    public async Task Cache_savings_price_cached_tokens_and_cache_hit_responses_at_the_price_table()
    {
        await using var app = await VigilApp.StartAsync(new Dictionary<string, string?>
        {
            ["Vigil:Pricing:Models:test-model:Input"] = "2",
            ["Vigil:Pricing:Models:test-model:CachedInput"] = "0.5",
            ["Vigil:Pricing:Models:test-model:Output"] = "8",
        });
        using var client = app.AdminClient();
        var t = DateTimeOffset.UtcNow.AddMinutes(-10);
        await Traffic.PostAllAsync(client,
        [
            // 400,000 cached input tokens save 400,000 × (2 − 0.5) / 1M = $0.60.
            Ev("a", "llm_call", t, "lead_bot", fields: [("model", "test-model"), ("input_tokens", 1_000_000), ("cached_input_tokens", 400_000), ("output_tokens", 10_000)]),
            // A response from the cache, reported at $0.01: at full price 100,000 × 2 + 50,000 × 8 = $0.60, so $0.59 saved.
            Ev("b", "llm_call", t, "lead_bot", fields: [("model", "test-model"), ("cache_hit", true), ("input_tokens", 100_000), ("output_tokens", 50_000), ("cost_usd", 0.01)]),
            // No cache: nothing saved.
            Ev("c", "llm_call", t, "buyer_bot", fields: [("model", "test-model"), ("input_tokens", 500_000), ("output_tokens", 5_000)]),
            // A model the table does not price: nothing saved.
            Ev("d", "llm_call", t, "buyer_bot", fields: [("model", "mystery-model"), ("cache_hit", true), ("input_tokens", 100_000), ("output_tokens", 1_000)]),
        ]);
        await app.RunFunctionAsync("ComputeRollups");

        var byModel = (await Traffic.GetJsonAsync(client, "/api/metrics/cost?window=1h&group_by=model")).GetProperty("groups").EnumerateArray()
            .ToDictionary(g => g.GetProperty("key").GetProperty("model").GetString()!);
        Assert.Equal(1.19m, byModel["test-model"].GetProperty("cache_savings_usd").GetDecimal());
        Assert.Equal(0m, byModel["mystery-model"].GetProperty("cache_savings_usd").GetDecimal());
        var byBot = (await Traffic.GetJsonAsync(client, "/api/metrics/cost?window=1h&group_by=bot")).GetProperty("groups").EnumerateArray()
            .ToDictionary(g => g.GetProperty("key").GetProperty("bot").GetString()!);
        Assert.Equal(1.19m, byBot["lead_bot"].GetProperty("cache_savings_usd").GetDecimal());
        Assert.Equal(0m, byBot["buyer_bot"].GetProperty("cache_savings_usd").GetDecimal());
        // The grouping by model and cache_hit underneath does not split the asked-for groups.
        Assert.Equal(2, byBot["lead_bot"].GetProperty("calls").GetInt64());
        var byConversation = (await Traffic.GetJsonAsync(client, "/api/metrics/cost?window=1h&group_by=conversation_id")).GetProperty("groups");
        Assert.All(byConversation.EnumerateArray(), g => Assert.Equal(JsonValueKind.Null, g.GetProperty("cache_savings_usd").ValueKind));

        var cost = (await Traffic.GetJsonAsync(client, "/api/reports/review?window=1h")).GetProperty("cost");
        Assert.Equal(1.19, cost.GetProperty("cache_savings_usd").GetProperty("current").GetDouble(), 6);
        var llm = Assert.Single(cost.GetProperty("by_type").EnumerateArray());
        Assert.Equal("llm_call", llm.GetProperty("name").GetString());
        Assert.Equal(1.19, llm.GetProperty("cache_savings_usd").GetProperty("current").GetDouble(), 6);
    }

    [Fact]
    public async Task The_monday_review_reaches_slack_as_readable_blocks_and_email_as_a_table_one_per_tenant()
    {
        await using var receivers = await Receivers.StartAsync();
        var settings = receivers.Settings();
        settings["Vigil:Review:Channels"] = "slack,email";
        await using var app = await VigilApp.StartAsync(settings);
        using var client = app.AdminClient();
        var t = DateTimeOffset.UtcNow.AddHours(-2);
        var events = new List<Dictionary<string, object?>>();
        for (var i = 0; i < 40; i++) events.Add(Llm($"acme-{i}", t.AddMinutes(i), "acme_bot", tenant: "acme", conversation: $"a-{i % 8}", user: $"au-{i % 4}", ttft: 1200, success: i % 20 != 0));
        for (var i = 0; i < 10; i++) events.Add(Feedback($"acme-f-{i}", t.AddMinutes(i), "acme_bot", positive: i < 9, tenant: "acme", conversation: $"a-{i % 8}"));
        for (var i = 0; i < 3; i++) events.Add(Llm($"acme-x-{i}", t.AddMinutes(50 + i), new[] { "acme_bot", "acme_router", "acme_sales" }[i], tenant: "acme", conversation: "a<1>&b", ttft: 1200));
        for (var i = 0; i < 10; i++) events.Add(Llm($"globex-{i}", t.AddMinutes(i), "globex_bot", tenant: "globex", conversation: $"g-{i}", ttft: 3000));
        await Traffic.PostAllAsync(client, events);
        await app.RunFunctionAsync("ComputeRollups");

        var run = await app.RunFunctionAsync("SendReview");
        Assert.Equal(2, run.GetProperty("counts").GetProperty("tenants").GetInt64());
        Assert.Equal(4, run.GetProperty("counts").GetProperty("sent").GetInt64());
        var slack = await receivers.Slack.WaitForAsync(2, TimeSpan.FromSeconds(20));
        var acme = slack.Single(r => r.Text.Contains("tenant acme", StringComparison.Ordinal)).Json;
        var blocks = acme.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal("header", blocks[0].GetProperty("type").GetString());
        Assert.StartsWith("Weekly review, tenant acme", blocks[0].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);
        var text = string.Join("\n", blocks.Where(b => b.GetProperty("type").GetString() == "section").Select(b => b.GetProperty("text").GetProperty("text").GetString()));
        // The figures in words, each with its mark (Slack escapes < and >): 43 calls with 2 errors, TTFT 1,200 ms, 9 of 10 positive.
        Assert.Contains("✅ TTFT P95: this window 1,200 ms · previous n/a · change n/a · target &lt; 2,000 ms", text, StringComparison.Ordinal);
        Assert.Contains("✅ Error rate: this window 4.7% · previous n/a · change n/a · target &lt; 5.0%", text, StringComparison.Ordinal);
        Assert.Contains("✅ Satisfaction: this window 90.0% · previous n/a · change n/a · target &gt; 80.0%", text, StringComparison.Ordinal);
        Assert.Contains("Sessions: this window 9 · previous 0 · change +9", text, StringComparison.Ordinal);
        Assert.Contains("Unique users: this window 4 · previous 0 · change +4", text, StringComparison.Ordinal);
        Assert.Contains("acme_bot: error rate ✅ 4.9% · satisfaction ✅ 90.0% · ttft p95 ✅ 1,200 ms · sessions 9 (+9) · negative feedback 1 (+1)", text, StringComparison.Ordinal);
        Assert.Contains("1 conversation went through more than 2 bots (previous 0, change +1)", text, StringComparison.Ordinal);
        // The conversation id's markup is escaped; the misrouted conversation lists its bots in order.
        Assert.Contains("a&lt;1&gt;&amp;b: acme_bot → acme_router → acme_sales", text, StringComparison.Ordinal);
        Assert.DoesNotContain("globex", acme.GetRawText(), StringComparison.Ordinal);
        Assert.StartsWith(":bar_chart:", acme.GetProperty("text").GetString(), StringComparison.Ordinal);
        var globex = slack.Single(r => r.Text.Contains("tenant globex", StringComparison.Ordinal));
        Assert.Contains("❌ TTFT P95: this window 3,000 ms", globex.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("acme", globex.Text, StringComparison.Ordinal);

        var mails = await receivers.Smtp.WaitForAsync(2, TimeSpan.FromSeconds(20));
        var mail = mails.Single(m => m.Subject.Contains("tenant acme", StringComparison.Ordinal));
        Assert.Contains("<table", mail.Html, StringComparison.Ordinal);
        Assert.Contains("<td style=\"padding:4px 10px;border-bottom:1px solid #eff2f5\">1,200 ms</td>", mail.Html, StringComparison.Ordinal);
        Assert.Contains("a&lt;1&gt;&amp;b", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("a<1>&b", mail.Html, StringComparison.Ordinal);
        Assert.Contains("TTFT P95: this window 1,200 ms", mail.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_key_reviews_its_own_tenant_only()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var t = DateTimeOffset.UtcNow.AddMinutes(-30);
        await Traffic.PostAllAsync(admin,
        [
            Llm("a1", t, "acme_bot", tenant: "acme", conversation: "shared", user: "u1"),
            Llm("a2", t, "acme_bot", tenant: "acme", conversation: "a-only", user: "u2"),
            Llm("g1", t, "globex_bot", tenant: "globex", conversation: "shared", user: "u1"),
        ]);
        await app.RunFunctionAsync("ComputeRollups");
        using var acme = app.Client(await app.CreateKeyAsync("read", "acme"));
        var review = await Traffic.GetJsonAsync(acme, "/api/reports/review?window=1h");
        Assert.Equal("acme", review.GetProperty("tenant_id").GetString());
        Assert.Equal(2, review.GetProperty("growth").GetProperty("sessions").GetProperty("current").GetDouble());
        Assert.Equal(["acme_bot"], review.GetProperty("bots").EnumerateArray().Select(b => b.GetProperty("bot").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.GetAsync("/api/reports/review?window=1h&tenant_id=globex")).StatusCode);
        // An unbound key sees every tenant: "shared" is two conversations, one per tenant.
        var all = await Traffic.GetJsonAsync(admin, "/api/reports/review?window=1h");
        Assert.Equal(JsonValueKind.Null, all.GetProperty("tenant_id").ValueKind);
        Assert.Equal(3, all.GetProperty("growth").GetProperty("sessions").GetProperty("current").GetDouble());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/reports/review?window=1h&tenant_id=acme,globex")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/reports/review?window=90d")).StatusCode);
    }

    [Fact]
    public async Task The_review_carries_the_windows_incidents_beside_the_previous_windows()
    {
        await using var app = await VigilApp.StartAsync();
        await app.ExecuteAsync("UPDATE alert_rules SET enabled = false");
        using var client = app.AdminClient();
        var rule = await client.PutAsync("/api/alert-rules/review-traffic", VigilApp.Json("""
            {"metric":"event_count","comparator":">","threshold":0,"window":"5m","for":"0m","min_samples":0,"severity":"critical","channels":[]}
            """));
        Assert.True(rule.IsSuccessStatusCode, await rule.Content.ReadAsStringAsync());
        await Traffic.PostAllAsync(client, [Llm("inc-1", DateTimeOffset.UtcNow.AddMinutes(-1), "lead_bot")]);
        await app.RunFunctionAsync("ComputeRollups");
        await app.RunFunctionAsync("EvaluateAlerts");
        var alerts = await Traffic.GetJsonAsync(client, "/api/alerts");
        var id = Assert.Single(alerts.GetProperty("alerts").EnumerateArray(), a => a.GetProperty("rule").GetString() == "review-traffic").GetProperty("id").GetString();
        Assert.True((await client.PostAsync($"/api/alerts/{id}/ack", VigilApp.Json("""{"acknowledged_by":"alice"}"""))).IsSuccessStatusCode);
        Assert.True((await client.PostAsync($"/api/alerts/{id}/resolve", VigilApp.Json("""{"resolved_by":"bob"}"""))).IsSuccessStatusCode);

        var review = await Traffic.GetJsonAsync(client, "/api/reports/review?window=1h");
        var incidents = review.GetProperty("incidents");
        Assert.Equal(1, incidents.GetProperty("count").GetProperty("current").GetDouble());
        Assert.Equal(0, incidents.GetProperty("count").GetProperty("previous").GetDouble());
        Assert.True(incidents.GetProperty("mtta_seconds").GetProperty("current").GetDouble() >= 0);
        Assert.True(incidents.GetProperty("mttr_seconds").GetProperty("current").GetDouble() >= incidents.GetProperty("mtta_seconds").GetProperty("current").GetDouble());
        // Resolved within seconds: the playbook's MTTR target of 30 minutes is met.
        Assert.True(incidents.GetProperty("mttr_seconds").GetProperty("pass").GetBoolean());
        Assert.Equal(1800, incidents.GetProperty("mttr_seconds").GetProperty("target").GetDouble());
        var byRule = Assert.Single(incidents.GetProperty("by_rule").EnumerateArray());
        Assert.Equal("review-traffic", byRule.GetProperty("key").GetProperty("rule").GetString());

        // The other tenant's review has none of it.
        using var other = app.Client(await app.CreateKeyAsync("read", "globex"));
        var theirs = await Traffic.GetJsonAsync(other, "/api/reports/review?window=1h");
        Assert.Equal(0, theirs.GetProperty("incidents").GetProperty("count").GetProperty("current").GetDouble());
    }
}
