using System.Globalization;
using System.Net;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>Messages in over HTTP, AnalyzeConversations, the scores, the sorted list, text retention and a resolution_rate alert.</summary>
public class ConversationAnalyticsTests
{
    private static Dictionary<string, object?> Message(string conversation, int i, DateTimeOffset at, string role, string text, string bot = "lead_bot", string? tenant = null)
    {
        var m = new Dictionary<string, object?>
        {
            ["event_id"] = $"{conversation}-m{i}", ["type"] = "message", ["timestamp"] = Events.Ts(at), ["bot"] = bot,
            ["conversation_id"] = conversation, ["role"] = role, ["text"] = text,
        };
        if (tenant is not null) m["tenant_id"] = tenant;
        return m;
    }

    private static List<Dictionary<string, object?>> Happy(string id, DateTimeOffset t0) =>
    [
        Message(id, 0, t0, "user", "Hi, can I book a viewing of the flat on Elm Street this Saturday?"),
        Message(id, 1, t0.AddSeconds(5), "bot", "Sure! Saturday at 10:00 or 14:00 is available for the Elm Street flat."),
        Message(id, 2, t0.AddSeconds(10), "user", "14:00 would be great. Is parking available near the flat?"),
        Message(id, 3, t0.AddSeconds(15), "bot", "Yes. Your viewing is scheduled for Saturday 14:00."),
        Message(id, 4, t0.AddSeconds(20), "user", "Perfect, thank you so much!"),
    ];

    private static List<Dictionary<string, object?>> Unhappy(string id, DateTimeOffset t0) =>
    [
        Message(id, 0, t0, "user", "Hi, thanks, I have a quick question about my order"),
        Message(id, 1, t0.AddSeconds(5), "bot", "I am sorry, the parcel is stuck at the depot."),
        Message(id, 2, t0.AddSeconds(10), "user", "This is terrible and frustrating, I want a refund"),
        Message(id, 3, t0.AddSeconds(15), "bot", "I understand."),
    ];

    [Fact]
    public async Task Messages_are_scored_listed_by_quality_and_a_low_resolution_rate_fires_its_alert()
    {
        await using var app = await VigilApp.StartAsync();
        await app.ExecuteAsync("UPDATE alert_rules SET enabled = false");
        using var client = app.AdminClient();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        var items = new List<Dictionary<string, object?>>();
        items.AddRange(Happy("happy", t0));
        items.AddRange(Unhappy("unhappy-1", t0.AddMinutes(1)));
        items.AddRange(Unhappy("unhappy-2", t0.AddMinutes(2)));
        items.Add(new() { ["event_id"] = "h1", ["type"] = "handoff", ["timestamp"] = Events.Ts(t0.AddSeconds(12)), ["bot"] = "lead_bot",
            ["target_bot"] = "seller_bot", ["duration_ms"] = 40, ["conversation_id"] = "happy" });
        items.Add(Message("happy", 9, t0.AddSeconds(13), "bot", "Seller bot here, happy to help.", bot: "seller_bot"));
        items.Add(new() { ["event_id"] = "f1", ["type"] = "feedback", ["timestamp"] = Events.Ts(t0.AddSeconds(30)), ["bot"] = "lead_bot",
            ["rating"] = "positive", ["conversation_id"] = "happy" });
        await Traffic.PostAllAsync(client, items);

        var run = await app.RunFunctionAsync("AnalyzeConversations");
        Assert.Equal(3, run.GetProperty("counts").GetProperty("conversations_scored").GetInt64());
        // A re-run finds nothing new: idempotent.
        Assert.Equal(0, (await app.RunFunctionAsync("AnalyzeConversations")).GetProperty("counts").GetProperty("conversations_scored").GetInt64());

        var happy = await Traffic.GetJsonAsync(client, "/api/conversations/happy");
        Assert.Equal("default", happy.GetProperty("tenant_id").GetString());
        Assert.Equal(["lead_bot", "seller_bot"], happy.GetProperty("bots").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal(2, happy.GetProperty("agent_switches").GetInt32()); // lead → seller (message 9) → lead (message 3)
        Assert.Equal(8, happy.GetProperty("events").GetArrayLength());
        Assert.Equal("happy-m0", happy.GetProperty("events")[0].GetProperty("event_id").GetString());
        Assert.Equal(1, happy.GetProperty("feedback").GetProperty("positive").GetInt32());
        var analytics = happy.GetProperty("analytics");
        Assert.True(analytics.GetProperty("resolved").GetBoolean());
        Assert.Equal(6, analytics.GetProperty("sentiment").GetProperty("scores").GetArrayLength());
        Assert.Equal(1, analytics.GetProperty("handoffs").GetInt32());
        Assert.True(analytics.GetProperty("resolved_after_handoff").GetBoolean());
        var unhappy = await Traffic.GetJsonAsync(client, "/api/conversations/unhappy-1");
        Assert.False(unhappy.GetProperty("analytics").GetProperty("resolved").GetBoolean());
        Assert.Equal("declining", unhappy.GetProperty("analytics").GetProperty("sentiment").GetProperty("trend").GetString());
        Assert.True(unhappy.GetProperty("analytics").GetProperty("handoffs").ValueKind == JsonValueKind.Null);

        var worst = await Traffic.GetJsonAsync(client, "/api/conversations?sort=quality&limit=2");
        var page = worst.GetProperty("conversations").EnumerateArray().ToList();
        Assert.Equal(2, page.Count);
        Assert.All(page, c => Assert.StartsWith("unhappy", c.GetProperty("conversation_id").GetString(), StringComparison.Ordinal));
        Assert.True(page[0].GetProperty("quality").GetDouble() <= page[1].GetProperty("quality").GetDouble());
        var next = worst.GetProperty("next_cursor").GetString();
        var rest = await Traffic.GetJsonAsync(client, "/api/conversations?sort=quality&limit=2&cursor=" + next);
        Assert.Equal(["happy"], rest.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetString()));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next_cursor").ValueKind);
        Assert.Equal(["happy"], (await Traffic.GetJsonAsync(client, "/api/conversations?resolved=true")).GetProperty("conversations")
            .EnumerateArray().Select(c => c.GetProperty("conversation_id").GetString()));
        Assert.Equal("unhappy-2", (await Traffic.GetJsonAsync(client, "/api/conversations?sort=-started_at&max_quality=0.9"))
            .GetProperty("conversations")[0].GetProperty("conversation_id").GetString());

        await app.RunFunctionAsync("ComputeRollups");
        var summary = (await Traffic.GetJsonAsync(client, "/api/metrics/summary?window=1h&group_by=bot")).GetProperty("groups").EnumerateArray()
            .ToDictionary(g => g.GetProperty("key").GetProperty("bot").GetString()!);
        Assert.Equal(3, summary["lead_bot"].GetProperty("conversations").GetInt64());
        Assert.Equal(0.333333, summary["lead_bot"].GetProperty("resolution_rate").GetDouble(), 6);
        Assert.Equal(1, summary["seller_bot"].GetProperty("conversations").GetInt64());
        Assert.Equal(1.0, summary["seller_bot"].GetProperty("handoff_effectiveness").GetDouble());
        Assert.Equal(0, summary["lead_bot"].GetProperty("error_rate").GetDouble()); // messages are not operations

        var rule = """{"metric":"resolution_rate","group_by":["bot"],"window":"1h","comparator":"<","threshold":0.5,"min_samples":3,"severity":"warning","channels":["slack"]}""";
        (await client.PutAsync("/api/alert-rules/low_resolution", VigilApp.Json(rule))).EnsureSuccessStatusCode();
        await app.RunFunctionAsync("EvaluateAlerts");
        var alerts = (await Traffic.GetJsonAsync(client, "/api/alerts?state=firing")).GetProperty("alerts").EnumerateArray()
            .Where(a => a.GetProperty("rule").GetString() == "low_resolution").ToList();
        var alert = Assert.Single(alerts);
        Assert.Equal("lead_bot", alert.GetProperty("group").GetProperty("bot").GetString());
        Assert.Equal(1.0 / 3, alert.GetProperty("value").GetDouble(), 6);
    }

    [Fact]
    public async Task A_late_message_re_scores_its_conversation_and_erased_text_leaves_the_scores()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-30);
        await Traffic.PostAllAsync(client, Unhappy("c", t0));
        await app.RunFunctionAsync("AnalyzeConversations");
        var before = (await Traffic.GetJsonAsync(client, "/api/conversations/c")).GetProperty("analytics");
        Assert.False(before.GetProperty("resolved").GetBoolean());

        await Traffic.PostAllAsync(client, [Message("c", 7, t0.AddSeconds(20), "user", "Ok it works now, thank you!")]);
        await app.RunFunctionAsync("AnalyzeConversations");
        var after = (await Traffic.GetJsonAsync(client, "/api/conversations/c")).GetProperty("analytics");
        Assert.True(after.GetProperty("resolved").GetBoolean());
        Assert.Equal(5, after.GetProperty("messages").GetInt32());

        // Past Vigil:Retention:MessageText the text goes; the scores stay.
        await app.ExecuteAsync("UPDATE events SET ts = ts - interval '8 days' WHERE conversation_id = 'c'");
        await app.RunFunctionAsync("ApplyRetention");
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM events WHERE conversation_id = 'c' AND text IS NOT NULL"));
        var erased = await Traffic.GetJsonAsync(client, "/api/conversations/c");
        Assert.All(erased.GetProperty("events").EnumerateArray(), e => Assert.Equal(JsonValueKind.Null, e.GetProperty("text").ValueKind));
        Assert.Equal(after.GetProperty("quality").GetDouble(), erased.GetProperty("analytics").GetProperty("quality").GetDouble());
    }

    [Fact]
    public async Task A_tenant_bound_key_sees_only_its_tenants_conversations()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        await Traffic.PostAllAsync(admin, [Message("x", 0, t0, "user", "hello there", tenant: "acme"), Message("y", 0, t0, "user", "hello", tenant: "globex")]);
        await app.RunFunctionAsync("AnalyzeConversations");
        using var acme = app.Client(await app.CreateKeyAsync("read", "acme"));
        var list = await Traffic.GetJsonAsync(acme, "/api/conversations");
        Assert.Equal(["x"], list.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await acme.GetAsync("/api/conversations/y")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.GetAsync("/api/conversations?tenant_id=globex")).StatusCode);
    }

    [Fact]
    public async Task The_time_series_of_conversation_metrics_puts_each_conversation_in_the_bucket_of_its_last_message()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var now = DateTimeOffset.UtcNow;
        // Three conversations of lead_bot, each in its own 5-minute bucket (happy, then two unhappy), one of buyer_bot.
        var happyAt = now.AddMinutes(-40);
        var items = new List<Dictionary<string, object?>>();
        items.AddRange(Happy("ts-happy", happyAt));
        items.AddRange(Unhappy("ts-sad-1", now.AddMinutes(-25)));
        items.AddRange(Unhappy("ts-sad-2", now.AddMinutes(-25)));
        items.AddRange(Happy("ts-buyer", now.AddMinutes(-10)).Select(m => { m["bot"] = "buyer_bot"; return m; }));
        await Traffic.PostAllAsync(client, items);
        await app.RunFunctionAsync("AnalyzeConversations");
        await app.RunFunctionAsync("ComputeRollups");

        var body = await Traffic.GetJsonAsync(client, "/api/metrics/timeseries?window=1h&step=5m&metric=conversations,resolution_rate,conversation_quality_avg&group_by=bot");
        var series = body.GetProperty("series").EnumerateArray().ToDictionary(s => s.GetProperty("key").GetProperty("bot").GetString()!);
        Assert.Equal(["buyer_bot", "lead_bot"], series.Keys.Order(StringComparer.Ordinal));
        var lead = series["lead_bot"].GetProperty("points").EnumerateArray()
            .Where(p => p.GetProperty("count").GetInt64() > 0)
            .Select(p => (T: DateTimeOffset.Parse(p.GetProperty("t").GetString()!, CultureInfo.InvariantCulture), Count: p.GetProperty("count").GetInt64(),
                Conversations: p.GetProperty("conversations").GetDouble(), Resolution: p.GetProperty("resolution_rate").GetDouble()))
            .ToList();
        // A query of conversation metrics counts conversations: one happy bucket, one with both unhappy ones.
        Assert.Equal([(1L, 1.0, 1.0), (2L, 2.0, 0.0)], lead.Select(p => (p.Count, p.Conversations, p.Resolution)));
        Assert.True(lead[0].T <= happyAt.AddSeconds(20) && happyAt.AddSeconds(20) < lead[0].T.AddMinutes(5));
        var happy = await Traffic.GetJsonAsync(client, "/api/conversations/ts-happy");
        var happyPoint = series["lead_bot"].GetProperty("points").EnumerateArray().Single(p => p.GetProperty("count").GetInt64() == 1);
        Assert.Equal(happy.GetProperty("analytics").GetProperty("quality").GetDouble(), happyPoint.GetProperty("conversation_quality_avg").GetDouble(), 5);
        var empty = series["lead_bot"].GetProperty("points").EnumerateArray().First(p => p.GetProperty("count").GetInt64() == 0);
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("resolution_rate").ValueKind);

        // Beside an event metric, a point counts events, and both come from their own source (the window
        // may straddle an hour boundary, so the figures are summed over its points).
        var mixed = await Traffic.GetJsonAsync(client, "/api/metrics/timeseries?window=1h&step=1h&metric=event_count,conversations,resolution_rate&bot=lead_bot");
        var points = Assert.Single(mixed.GetProperty("series").EnumerateArray()).GetProperty("points").EnumerateArray()
            .Where(p => p.GetProperty("count").GetInt64() > 0).ToList();
        Assert.Equal(13, points.Sum(p => p.GetProperty("count").GetInt64()));
        Assert.Equal(13, points.Sum(p => p.GetProperty("event_count").GetDouble()));
        Assert.Equal(3, points.Sum(p => p.GetProperty("conversations").GetDouble()));
        Assert.Equal(1, points.Sum(p => p.GetProperty("resolution_rate").GetDouble() * p.GetProperty("conversations").GetDouble()), 5);
    }
}
