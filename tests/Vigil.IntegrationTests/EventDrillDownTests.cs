using System.Net;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>GET /api/events: filters, newest first, cursor pages, tenant scope.</summary>
public class EventDrillDownTests
{
    private static async Task<List<JsonElement>> EventsAsync(HttpClient client, string query) =>
        [.. (await Traffic.GetJsonAsync(client, "/api/events?" + query)).GetProperty("events").EnumerateArray()];

    [Fact]
    public async Task Events_come_newest_first_with_every_stored_field_and_each_filter_narrows_them()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var now = DateTimeOffset.UtcNow;
        var items = new List<Dictionary<string, object?>>
        {
            Events.LlmCall("a", now.AddMinutes(-3), bot: "lead_bot", durationMs: 100),
            Events.LlmCall("b", now.AddMinutes(-2), bot: "buyer_bot", durationMs: 900, model: "gpt-4o-mini"),
            Events.LlmCall("c", now.AddMinutes(-1), bot: "lead_bot", durationMs: 2500),
            new()
            {
                ["event_id"] = "d", ["type"] = "tool_call", ["timestamp"] = Events.Ts(now.AddSeconds(-30)), ["bot"] = "lead_bot",
                ["tool_name"] = "search", ["duration_ms"] = 40, ["success"] = false, ["error_type"] = "timeout",
                ["conversation_id"] = "conv-1", ["trace_id"] = "trace-1", ["user_id"] = "user-1", ["attributes"] = new Dictionary<string, object> { ["k"] = "v" },
            },
            new() { ["event_id"] = "e", ["type"] = "feedback", ["timestamp"] = Events.Ts(now.AddSeconds(-20)), ["bot"] = "lead_bot", ["rating"] = "negative" },
            Events.LlmCall("old", now.AddHours(-30)),
        };
        await Traffic.PostAllAsync(client, items);

        var all = await EventsAsync(client, "");
        Assert.Equal(["e", "d", "c", "b", "a"], all.Select(e => e.GetProperty("event_id").GetString()));
        var tool = all[1];
        foreach (var field in new[] { "event_id", "type", "timestamp", "tenant_id", "bot", "operation", "conversation_id", "trace_id", "user_id",
            "duration_ms", "success", "error_type", "cache_hit", "provider", "model", "input_tokens", "output_tokens", "cached_input_tokens",
            "cost_usd", "ttft_ms", "target_bot", "blocked", "rating", "tool_name", "quality_score", "degraded", "degradation_reason",
            "batch_job", "batch_run_id", "attributes", "cost_source", "ingested_at" })
        {
            Assert.True(tool.TryGetProperty(field, out _), $"no {field}");
        }
        Assert.Equal("v", tool.GetProperty("attributes").GetProperty("k").GetString());
        Assert.Equal("computed", all[2].GetProperty("cost_source").GetString());

        Assert.Equal(["e", "d", "c", "b", "a", "old"], (await EventsAsync(client, "window=2d")).Select(Id));
        Assert.Equal(["c", "a"], (await EventsAsync(client, "type=llm_call&bot=lead_bot")).Select(Id));
        Assert.Equal(["b"], (await EventsAsync(client, "model=gpt-4o-mini")).Select(Id));
        Assert.Equal(["c", "b"], (await EventsAsync(client, "min_duration_ms=900")).Select(Id));
        Assert.Equal(["d"], (await EventsAsync(client, "success=false")).Select(Id));
        Assert.Equal(["d"], (await EventsAsync(client, "tool_name=search&conversation_id=conv-1&trace_id=trace-1&user_id=user-1")).Select(Id));
        Assert.Equal(["e"], (await EventsAsync(client, "rating=negative")).Select(Id));
        Assert.Empty(await EventsAsync(client, "rating=positive"));
        Assert.Equal(["c", "b", "a"], (await EventsAsync(client, "operation=process")).Select(Id));
        Assert.Equal(["e", "d", "c", "b", "a"], (await EventsAsync(client, "tenant_id=default")).Select(Id));

        static string Id(JsonElement e) => e.GetProperty("event_id").GetString()!;
    }

    [Fact]
    public async Task Cursor_pages_neither_repeat_nor_skip_an_event_while_others_arrive_newer_and_older()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var now = DateTimeOffset.UtcNow;
        // Ten events share each timestamp, so pages also break ties.
        var original = Enumerable.Range(0, 250).Select(i => Events.LlmCall($"e{i:D3}", now.AddSeconds(-(i / 10) - 10))).ToList();
        await Traffic.PostAllAsync(client, original);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Traffic.GetJsonAsync(client, "/api/events?bot=lead_bot&limit=40" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
            // Concurrent ingest: one newer than everything and one late event in the middle of what is left.
            await Traffic.PostAllAsync(client, [Events.LlmCall($"new-{pages}", now), Events.LlmCall($"late-{pages}", now.AddSeconds(-25).AddMilliseconds(pages))]);
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(original.Select(e => (string)e["event_id"]!).Except(seen));
        Assert.DoesNotContain(seen, id => id.StartsWith("new-", StringComparison.Ordinal));
        Assert.True(pages >= 7);
    }

    [Fact]
    public async Task Bad_parameters_and_a_cursor_replayed_with_other_filters_are_refused()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var now = DateTimeOffset.UtcNow;
        await Traffic.PostAllAsync(client, [Events.LlmCall("x", now.AddMinutes(-2)), Events.LlmCall("y", now.AddMinutes(-1))]);
        var first = await Traffic.GetJsonAsync(client, "/api/events?limit=1");
        var cursor = first.GetProperty("next_cursor").GetString();
        Assert.NotNull(cursor);

        foreach (var query in new[] { "limit=1001", "limit=0", "window=31d", "window=soon", "rating=meh", "success=yes", "min_duration_ms=-1",
            "type=llm", "cursor=not-a-cursor", "bots=lead_bot", $"limit=1&bot=lead_bot&cursor={cursor}" })
        {
            var response = await client.GetAsync("/api/events?" + query);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode}");
        }
        var last = await Traffic.GetJsonAsync(client, $"/api/events?limit=1&cursor={cursor}");
        Assert.Equal("x", Assert.Single(last.GetProperty("events").EnumerateArray()).GetProperty("event_id").GetString());
        Assert.Equal(JsonValueKind.Null, last.GetProperty("next_cursor").ValueKind);
    }

    [Fact]
    public async Task A_tenant_bound_key_reads_only_its_tenants_events()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var now = DateTimeOffset.UtcNow;
        await Traffic.PostAllAsync(admin, [Events.LlmCall("a1", now.AddMinutes(-1), tenant: "acme"), Events.LlmCall("g1", now.AddMinutes(-1), tenant: "globex")]);
        using var acme = app.Client(await app.CreateKeyAsync("read", "acme"));

        Assert.Equal(["a1"], (await EventsAsync(acme, "")).Select(e => e.GetProperty("event_id").GetString()));
        Assert.Equal(["a1"], (await EventsAsync(acme, "tenant_id=acme")).Select(e => e.GetProperty("event_id").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.GetAsync("/api/events?tenant_id=globex")).StatusCode);
        using var ingest = app.Client(await app.CreateKeyAsync("ingest"));
        Assert.Equal(HttpStatusCode.Forbidden, (await ingest.GetAsync("/api/events")).StatusCode);
    }
}
