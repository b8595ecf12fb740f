using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;
using static Vigil.IntegrationTests.IngestionTests;

namespace Vigil.IntegrationTests;

public class AlertRulesApiTests
{
    private const string ValidRule = """
        {"description":"slow answers","metric":"latency_p95","filters":{"bot":"lead_bot"},"group_by":["bot","operation"],
         "window":"10m","comparator":">","threshold":2500,"for":"2m","min_samples":20,"severity":"critical","cooldown":"5m",
         "channels":["email","slack"],"enabled":true}
        """;

    [Fact]
    public async Task The_default_rules_of_the_product_brief_are_seeded()
    {
        await using var app = await VigilApp.StartAsync();
        using var reader = app.Client(await app.CreateKeyAsync("read"));
        var rules = (await Traffic.GetJsonAsync(reader, "/api/alert-rules")).GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        string[] expected =
        [
            "sla_violation", "high_error_rate", "low_cache_hit_rate", "handoff_failure", "bot_unresponsive", "circular_handoff_spike",
            "rate_limit_breach", "high_latency_p95", "very_high_latency_p99", "high_ttft_p95", "high_daily_cost", "cost_spike",
            "low_quality_score", "high_degradation_rate", "tool_failure_rate", "rag_failure_rate", "low_user_satisfaction",
        ];
        Assert.All(expected, name => Assert.True(rules.ContainsKey(name), name));
        var sla = rules["sla_violation"];
        Assert.Equal("latency_p95", sla.GetProperty("metric").GetString());
        Assert.Equal("sla_p95", sla.GetProperty("threshold_from").GetString());
        Assert.Equal("5m", sla.GetProperty("cooldown").GetString());
        Assert.Equal(["email", "slack", "webhook"], sla.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.True(sla.GetProperty("escalate").GetBoolean());
        var p99 = rules["very_high_latency_p99"];
        Assert.Equal(30000, p99.GetProperty("threshold").GetDouble());
        Assert.Equal("5m", p99.GetProperty("for").GetString());
        Assert.Equal(["pagerduty"], p99.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.False(rules["low_cache_hit_rate"].GetProperty("escalate").GetBoolean());
        Assert.Equal(2, rules["cost_spike"].GetProperty("threshold").GetDouble());
        Assert.Equal(">=", rules["cost_spike"].GetProperty("comparator").GetString());
    }

    [Fact]
    public async Task Admins_create_replace_read_disable_and_delete_rules()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var created = await admin.PutAsync("/api/alert-rules/slow_lead", VigilApp.Json(ValidRule));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("10m", body.GetProperty("window").GetString());
        Assert.Equal("2m", body.GetProperty("for").GetString());
        Assert.Equal(["lead_bot"], body.GetProperty("filters").GetProperty("bot").EnumerateArray().Select(v => v.GetString()));

        var replaced = await admin.PutAsync("/api/alert-rules/slow_lead", VigilApp.Json(ValidRule.Replace("2500", "3000", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(3000, (await Traffic.GetJsonAsync(admin, "/api/alert-rules/slow_lead")).GetProperty("threshold").GetDouble());

        var disabled = await (await admin.PostAsync("/api/alert-rules/slow_lead/disable", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        var enabled = await (await admin.PostAsync("/api/alert-rules/slow_lead/enable", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(enabled.GetProperty("enabled").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/alert-rules/slow_lead")).StatusCode);
        await AssertProblem(await admin.GetAsync("/api/alert-rules/slow_lead"), HttpStatusCode.NotFound, "not-found");
        await AssertProblem(await admin.PostAsync("/api/alert-rules/slow_lead/enable", null), HttpStatusCode.NotFound, "not-found");

        using var reader = app.Client(await app.CreateKeyAsync("read"));
        await AssertProblem(await reader.PutAsync("/api/alert-rules/x", VigilApp.Json(ValidRule)), HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("\"metric\":\"latency_p95\"", "\"metric\":\"latency_p42\"", "metric")]
    [InlineData("\"window\":\"10m\"", "\"window\":\"ten minutes\"", "window")]
    [InlineData("\"window\":\"10m\"", "\"window\":\"31d\"", "window")]
    [InlineData("\"comparator\":\">\"", "\"comparator\":\"=>\"", "comparator")]
    [InlineData("\"threshold\":2500,", "", "threshold")]
    [InlineData("\"threshold\":2500,", "\"threshold\":2500,\"threshold_from\":\"sla_p95\",", "threshold")]
    [InlineData("\"channels\":[\"email\",\"slack\"]", "\"channels\":[\"email\",\"carrier_pigeon\"]", "channels")]
    [InlineData("\"severity\":\"critical\"", "\"severity\":\"urgent\"", "severity")]
    [InlineData("\"group_by\":[\"bot\",\"operation\"]", "\"group_by\":[\"colour\"]", "group_by")]
    [InlineData("\"min_samples\":20", "\"min_samples\":-1", "min_samples")]
    [InlineData("\"enabled\":true", "\"enabled\":true,\"colour\":\"red\"", "colour")]
    [InlineData("\"filters\":{\"bot\":\"lead_bot\"}", "\"filters\":{\"weather\":\"rain\"}", "filters")]
    public async Task Invalid_rules_are_refused_with_the_field_named(string replace, string with, string field)
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var body = await AssertProblem(await admin.PutAsync("/api/alert-rules/broken", VigilApp.Json(ValidRule.Replace(replace, with, StringComparison.Ordinal))), HttpStatusCode.BadRequest, "validation");
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
        await AssertProblem(await admin.GetAsync("/api/alert-rules/broken"), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task An_sla_threshold_needs_grouping_by_bot_and_operation()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var rule = ValidRule.Replace("\"threshold\":2500", "\"threshold_from\":\"sla_p95\"", StringComparison.Ordinal).Replace("[\"bot\",\"operation\"]", "[\"bot\"]", StringComparison.Ordinal);
        var body = await AssertProblem(await admin.PutAsync("/api/alert-rules/sla", VigilApp.Json(rule)), HttpStatusCode.BadRequest, "validation");
        Assert.Contains("group_by must include bot and operation", body.GetProperty("errors").GetProperty("threshold_from")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seeding_never_overwrites_an_operators_edits_or_deletions()
    {
        var connectionString = TestPostgres.NewSchema(out _);
        var adminKey = "admin-" + Guid.NewGuid().ToString("N");
        await using (var first = await VigilApp.StartAsync(connectionString: connectionString, adminKey: adminKey))
        {
            using var admin = first.AdminClient();
            var edited = ValidRule.Replace("\"threshold\":2500,", "\"threshold\":0.2,", StringComparison.Ordinal).Replace("latency_p95", "error_rate", StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/alert-rules/high_error_rate", VigilApp.Json(edited))).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/alert-rules/cost_spike")).StatusCode);
        }
        await using var second = await VigilApp.StartAsync(connectionString: connectionString, adminKey: adminKey);
        using var client = second.AdminClient();
        Assert.Equal(0.2, (await Traffic.GetJsonAsync(client, "/api/alert-rules/high_error_rate")).GetProperty("threshold").GetDouble());
        await AssertProblem(await client.GetAsync("/api/alert-rules/cost_spike"), HttpStatusCode.NotFound, "not-found");
    }
}
