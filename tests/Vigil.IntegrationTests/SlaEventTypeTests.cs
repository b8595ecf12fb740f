using System.Net;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;
using static Vigil.IntegrationTests.IngestionTests;

namespace Vigil.IntegrationTests;

/// <summary>An SLA target measures its event types (bot_interaction, or handoff for a handoff target), in /api/sla and in sla_violation alike.</summary>
public class SlaEventTypeTests
{
    private static Dictionary<string, object?> Timed(string type, string id, DateTimeOffset at, string bot, string operation, double ms, string? tenant = null)
    {
        var e = Events.BotInteraction(id, at, bot, operation, ms, tenant);
        e["type"] = type;
        switch (type)
        {
            case "llm_call": e["model"] = "gpt-4o"; break;
            case "tool_call": e["tool_name"] = "crm_lookup"; break;
            case "handoff": e["target_bot"] = "seller_bot"; break;
        }
        return e;
    }

    /// <summary>As in ./run --demo: buyer_bot's handoff operation is LLM, tool and RAG calls, and no handoff events.</summary>
    private static IEnumerable<Dictionary<string, object?>> DemoLikeTraffic(DateTimeOffset now) =>
        Enumerable.Range(0, 40).SelectMany(i => new[]
        {
            Timed("llm_call", $"llm-{i}", now.AddSeconds(-i), "buyer_bot", "handoff", 900 + i),
            Timed("tool_call", $"tool-{i}", now.AddSeconds(-i), "buyer_bot", "handoff", 1800 + i),
            Timed("rag_retrieval", $"rag-{i}", now.AddSeconds(-i), "buyer_bot", "handoff", 1500 + i),
            // lead_bot's process interactions are fast; the tool calls inside them are slow.
            Timed("bot_interaction", $"lead-{i}", now.AddSeconds(-i), "lead_bot", "process", 200 + i),
            Timed("tool_call", $"lead-tool-{i}", now.AddSeconds(-i), "lead_bot", "process", 5000 + i),
        });

    private static JsonElement Result(JsonElement sla, string bot, string operation) =>
        sla.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("bot").GetString() == bot && r.GetProperty("operation").GetString() == operation);

    [Fact]
    public async Task Sla_compliance_measures_bot_interactions_and_handoffs_not_the_calls_inside_them_unless_type_says_otherwise()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        await Traffic.PostAllAsync(admin, [.. DemoLikeTraffic(DateTimeOffset.UtcNow)]);
        await app.RunFunctionAsync("ComputeRollups");

        var sla = await Traffic.GetJsonAsync(admin, "/api/sla?window=1h");
        var handoff = Result(sla, "buyer_bot", "handoff");
        Assert.Equal("no_data", handoff.GetProperty("status").GetString());
        Assert.Equal(["handoff"], handoff.GetProperty("event_types").EnumerateArray().Select(t => t.GetString()));
        var process = Result(sla, "lead_bot", "process");
        Assert.Equal("compliant", process.GetProperty("status").GetString());
        Assert.Equal(40, process.GetProperty("actual").GetProperty("count").GetInt64());
        Assert.Equal(["bot_interaction"], process.GetProperty("event_types").EnumerateArray().Select(t => t.GetString()));

        // type= still decides when given.
        var tools = Result(await Traffic.GetJsonAsync(admin, "/api/sla?window=1h&type=tool_call"), "lead_bot", "process");
        Assert.Equal("violated", tools.GetProperty("status").GetString());
        Assert.Equal(["tool_call"], tools.GetProperty("event_types").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Sla_violation_fires_for_slow_interactions_and_not_for_slow_calls_inside_fast_ones()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var now = DateTimeOffset.UtcNow;
        await Traffic.PostAllAsync(admin, [.. DemoLikeTraffic(now)]);
        await app.RunFunctionAsync("ComputeRollups");
        await app.RunFunctionAsync("EvaluateAlerts");
        Assert.Empty((await Traffic.GetJsonAsync(admin, "/api/alerts?rule=sla_violation")).GetProperty("alerts").EnumerateArray());

        // Slow handoffs of seller_bot (target P95 500 ms) and slow interactions of buyer_bot's process (1,800 ms).
        await Traffic.PostAllAsync(admin, [
            .. Enumerable.Range(0, 30).Select(i => Timed("handoff", $"h-{i}", now.AddSeconds(-i), "seller_bot", "handoff", 900)),
            .. Enumerable.Range(0, 30).Select(i => Timed("bot_interaction", $"p-{i}", now.AddSeconds(-i), "buyer_bot", "process", 2600)),
        ]);
        await app.RunFunctionAsync("ComputeRollups");
        await app.RunFunctionAsync("EvaluateAlerts");
        var fired = (await Traffic.GetJsonAsync(admin, "/api/alerts?rule=sla_violation")).GetProperty("alerts").EnumerateArray()
            .Select(a => $"{a.GetProperty("group").GetProperty("bot").GetString()}/{a.GetProperty("group").GetProperty("operation").GetString()}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(["buyer_bot/process", "seller_bot/handoff"], fired);
    }

    [Fact]
    public async Task Targets_carry_event_types_by_default_by_operation_and_a_put_may_name_others()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var seeded = (await Traffic.GetJsonAsync(admin, "/api/sla-targets")).GetProperty("targets").EnumerateArray().ToList();
        Assert.All(seeded, t => Assert.Equal(
            t.GetProperty("operation").GetString() == "handoff" || t.GetProperty("bot").GetString() == "handoff" ? "handoff" : "bot_interaction",
            Assert.Single(t.GetProperty("event_types").EnumerateArray()).GetString()));

        async Task<JsonElement> Put(string path, string body)
        {
            var response = await admin.PutAsync(path, VigilApp.Json(body));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        }
        var plain = await Put("/api/sla-targets/faq_bot/answer", """{"p50_ms":1,"p95_ms":2,"p99_ms":3}""");
        Assert.Equal(["bot_interaction"], plain.GetProperty("event_types").EnumerateArray().Select(t => t.GetString()));
        var handoff = await Put("/api/sla-targets/faq_bot/handoff", """{"p50_ms":1,"p95_ms":2,"p99_ms":3}""");
        Assert.Equal(["handoff"], handoff.GetProperty("event_types").EnumerateArray().Select(t => t.GetString()));
        var named = await Put("/api/sla-targets/faq_bot/draft", """{"p50_ms":1,"p95_ms":2,"p99_ms":3,"event_types":["llm_call","bot_interaction"]}""");
        Assert.Equal(["llm_call", "bot_interaction"], named.GetProperty("event_types").EnumerateArray().Select(t => t.GetString()));

        foreach (var bad in new[] { "[]", "[\"nope\"]", "\"llm_call\"" })
        {
            var body = await AssertProblem(await admin.PutAsync("/api/sla-targets/faq_bot/answer", VigilApp.Json($$"""{"p50_ms":1,"p95_ms":2,"p99_ms":3,"event_types":{{bad}}}""")),
                HttpStatusCode.BadRequest, "validation");
            Assert.True(body.GetProperty("errors").TryGetProperty("event_types", out _), body.ToString());
        }
    }

    [Fact]
    public async Task A_tenant_sees_its_own_targets_and_the_global_ones_as_defaults_for_its_operations_over_its_own_events()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var now = DateTimeOffset.UtcNow;
        // acme's lead_bot is slow, globex's is fast; acme has a target of its own for process.
        await Traffic.PostAllAsync(admin, [
            .. Enumerable.Range(0, 30).Select(i => Timed("bot_interaction", $"a-{i}", now.AddSeconds(-i), "lead_bot", "full_qualification", 4000, "acme")),
            .. Enumerable.Range(0, 30).Select(i => Timed("bot_interaction", $"g-{i}", now.AddSeconds(-i), "lead_bot", "full_qualification", 100, "globex")),
            .. Enumerable.Range(0, 30).Select(i => Timed("bot_interaction", $"ap-{i}", now.AddSeconds(-i), "lead_bot", "process", 250, "acme")),
        ]);
        using var acmeAdmin = app.Client(await app.CreateKeyAsync("admin", tenant: "acme"));
        Assert.Equal(HttpStatusCode.Created, (await acmeAdmin.PutAsync("/api/sla-targets/lead_bot/process", VigilApp.Json("""{"p50_ms":50,"p95_ms":100,"p99_ms":200}"""))).StatusCode);
        await app.RunFunctionAsync("ComputeRollups");

        var acmeTargets = (await Traffic.GetJsonAsync(acmeAdmin, "/api/sla-targets")).GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal("acme", Assert.Single(acmeTargets).GetProperty("tenant_id").GetString());

        var results = (await Traffic.GetJsonAsync(acmeAdmin, "/api/sla?window=1h")).GetProperty("results").EnumerateArray().ToList();
        var own = Assert.Single(results, r => r.GetProperty("tenant_id").GetString() == "acme");
        Assert.Equal("process", own.GetProperty("operation").GetString());
        Assert.Equal("violated", own.GetProperty("status").GetString());
        // The global default for full_qualification, measured on acme's events only; no global target without acme data shows.
        var fallback = Assert.Single(results, r => r.GetProperty("tenant_id").ValueKind == JsonValueKind.Null);
        Assert.Equal("full_qualification", fallback.GetProperty("operation").GetString());
        Assert.Equal(30, fallback.GetProperty("actual").GetProperty("count").GetInt64());
        Assert.Equal("violated", fallback.GetProperty("status").GetString());
        Assert.Equal(2, results.Count);
    }
}
