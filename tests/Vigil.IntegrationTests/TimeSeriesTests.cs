using System.Globalization;
using System.Net;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>GET /api/metrics/timeseries against real PostgreSQL: buckets, empty buckets, metrics, breakdowns.</summary>
public class TimeSeriesTests
{
    private static Dictionary<string, object?> Tool(string id, DateTimeOffset at, string tool, bool success, string? errorType = null) => new()
    {
        ["event_id"] = id,
        ["type"] = "tool_call",
        ["timestamp"] = Events.Ts(at),
        ["bot"] = "lead_bot",
        ["tool_name"] = tool,
        ["duration_ms"] = 50,
        ["success"] = success,
        ["error_type"] = errorType,
    };

    [Fact]
    public async Task Buckets_hold_each_steps_events_and_empty_buckets_have_count_zero_and_null_metrics()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var now = DateTimeOffset.UtcNow;
        // 30 calls 20 minutes ago (10 of them failing), nothing in between, 10 calls now.
        var old = now.AddMinutes(-20);
        var events = Enumerable.Range(0, 30).Select(i =>
        {
            var e = Events.LlmCall($"old-{i}", old, durationMs: 100 + i);
            e["success"] = i % 3 != 0;
            return e;
        }).Concat(Enumerable.Range(0, 10).Select(i => Events.LlmCall($"new-{i}", now, durationMs: 1000))).ToList();
        await Traffic.PostAllAsync(client, events);
        await app.RunFunctionAsync("ComputeRollups");

        var body = await Traffic.GetJsonAsync(client, "/api/metrics/timeseries?window=1h&step=5m&metric=event_count,error_rate,latency_p95,cost_usd");
        Assert.Equal("1h", body.GetProperty("window").GetString());
        Assert.Equal("5m", body.GetProperty("step").GetString());
        Assert.NotEqual(JsonValueKind.Null, body.GetProperty("complete_up_to").ValueKind);
        var series = Assert.Single(body.GetProperty("series").EnumerateArray());
        var points = series.GetProperty("points").EnumerateArray().ToList();
        Assert.InRange(points.Count, 12, 13);
        var times = points.Select(p => DateTimeOffset.Parse(p.GetProperty("t").GetString()!, CultureInfo.InvariantCulture)).ToList();
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.Equal(TimeSpan.FromMinutes(5), pair.Second - pair.First));
        Assert.All(times, t => Assert.Equal(0, t.Minute % 5));
        Assert.Equal(40, points.Sum(p => p.GetProperty("count").GetInt64()));

        var oldPoint = points.Single(p => p.GetProperty("count").GetInt64() == 30);
        Assert.Equal(10.0 / 30, oldPoint.GetProperty("error_rate").GetDouble(), 5);
        Assert.InRange(oldPoint.GetProperty("latency_p95").GetDouble(), 125, 131);
        Assert.Equal(30, oldPoint.GetProperty("event_count").GetDouble());
        var empty = points.Where(p => p.GetProperty("count").GetInt64() == 0).ToList();
        Assert.NotEmpty(empty);
        Assert.All(empty, p =>
        {
            foreach (var m in new[] { "event_count", "error_rate", "latency_p95", "cost_usd" }) Assert.Equal(JsonValueKind.Null, p.GetProperty(m).ValueKind);
        });
    }

    [Fact]
    public async Task Group_by_tool_name_and_error_type_breaks_down_from_the_rollups()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var at = DateTimeOffset.UtcNow.AddMinutes(-3);
        var events = Enumerable.Range(0, 8).Select(i => Tool($"s-{i}", at, "search", success: i >= 2, errorType: i < 2 ? "timeout" : null))
            .Concat(Enumerable.Range(0, 4).Select(i => Tool($"c-{i}", at, "calendar", success: false, errorType: "rate_limit")))
            .ToList();
        await Traffic.PostAllAsync(client, events);
        await app.RunFunctionAsync("ComputeRollups");

        var byTool = await Traffic.GetJsonAsync(client, "/api/metrics/timeseries?window=1h&step=1h&metric=tool_failure_rate,event_count&group_by=tool_name");
        var rates = byTool.GetProperty("series").EnumerateArray().ToDictionary(
            s => s.GetProperty("key").GetProperty("tool_name").GetString()!,
            s => s.GetProperty("points").EnumerateArray().Where(p => p.GetProperty("count").GetInt64() > 0).Select(p => p.GetProperty("tool_failure_rate").GetDouble()).Single());
        Assert.Equal(0.25, rates["search"], 6);
        Assert.Equal(1.0, rates["calendar"], 6);

        var byError = await Traffic.GetJsonAsync(client, "/api/metrics/timeseries?window=1h&step=1h&metric=event_count&group_by=error_type");
        var counts = byError.GetProperty("series").EnumerateArray().ToDictionary(
            s => s.GetProperty("key").GetProperty("error_type").GetString() ?? "(none)",
            s => s.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("count").GetInt64()));
        Assert.Equal(2, counts["timeout"]);
        Assert.Equal(4, counts["rate_limit"]);
        Assert.Equal(6, counts["(none)"]);
    }

    [Fact]
    public async Task A_day_step_over_thirty_days_reads_day_rollups_and_stays_within_the_point_limit()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var body = await Traffic.GetJsonAsync(client, "/api/metrics/timeseries?window=30d&step=1d&metric=cost_usd,cache_hit_rate");
        var points = Assert.Single(body.GetProperty("series").EnumerateArray()).GetProperty("points").EnumerateArray().ToList();
        Assert.InRange(points.Count, 30, 31);
        Assert.All(points, p => Assert.Equal(0, p.GetProperty("count").GetInt64()));
    }

    [Theory]
    [InlineData("window=24h&step=1m", "step")]
    [InlineData("window=1h&step=90s", "step")]
    [InlineData("window=1h&step=2d", "step")]
    [InlineData("window=1h&metric=latency_p42", "metric")]
    [InlineData("window=1h&metric=resolution_rate&group_by=model", "group_by")]
    [InlineData("window=1h&metric=event_count,handoff_effectiveness&model=gpt-4o", "model")]
    [InlineData("window=1h&group_by=conversation_id", "group_by")]
    [InlineData("window=30d&step=30m", "step")]
    public async Task Invalid_queries_are_400_naming_the_parameter(string query, string field)
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        using var response = await client.GetAsync("/api/metrics/timeseries?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Summary_groups_by_the_new_breakdown_dimensions_too()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        await Traffic.PostAllAsync(client, [Tool("x-1", DateTimeOffset.UtcNow.AddMinutes(-1), "search", true)]);
        await app.RunFunctionAsync("ComputeRollups");
        var body = await Traffic.GetJsonAsync(client, "/api/metrics/summary?window=1h&group_by=tool_name");
        Assert.Equal("search", Assert.Single(body.GetProperty("groups").EnumerateArray()).GetProperty("key").GetProperty("tool_name").GetString());
    }

    [Fact]
    public async Task A_fifteen_minute_step_read_from_five_minute_rows_sums_to_the_same_buckets_as_a_one_minute_step()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var now = DateTimeOffset.UtcNow;
        var random = new Random(11);
        var events = Enumerable.Range(0, 600).Select(i =>
        {
            var e = Events.LlmCall($"m-{i}", now.AddSeconds(-random.Next(0, (3 * 3600) - 600)), bot: i % 3 == 0 ? "buyer_bot" : "lead_bot",
                durationMs: 50 + random.Next(0, 3000));
            e["success"] = random.Next(0, 5) != 0;
            return e;
        }).ToList();
        await Traffic.PostAllAsync(client, events);
        await app.RunFunctionAsync("ComputeRollups");

        const string metrics = "metric=event_count,error_rate,cost_usd,latency_p95&group_by=bot";
        var coarse = await Traffic.GetJsonAsync(client, "/api/metrics/timeseries?window=3h&step=15m&" + metrics);
        var fine = await Traffic.GetJsonAsync(client, "/api/metrics/timeseries?window=3h&step=1m&" + metrics);
        foreach (var series in coarse.GetProperty("series").EnumerateArray())
        {
            var bot = series.GetProperty("key").GetProperty("bot").GetString();
            var minutes = fine.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("key").GetProperty("bot").GetString() == bot)
                .GetProperty("points").EnumerateArray()
                .Select(p => (T: DateTimeOffset.Parse(p.GetProperty("t").GetString()!, CultureInfo.InvariantCulture), Count: p.GetProperty("count").GetInt64(),
                    Cost: p.GetProperty("cost_usd").ValueKind == JsonValueKind.Null ? 0 : p.GetProperty("cost_usd").GetDouble(),
                    Errors: p.GetProperty("error_rate").ValueKind == JsonValueKind.Null ? 0 : Math.Round(p.GetProperty("error_rate").GetDouble() * p.GetProperty("count").GetInt64())))
                .ToList();
            foreach (var point in series.GetProperty("points").EnumerateArray())
            {
                var t = DateTimeOffset.Parse(point.GetProperty("t").GetString()!, CultureInfo.InvariantCulture);
                var inside = minutes.Where(m => m.T >= t && m.T < t.AddMinutes(15)).ToList();
                var count = point.GetProperty("count").GetInt64();
                Assert.Equal(inside.Sum(m => m.Count), count);
                if (count == 0) continue;
                Assert.Equal(inside.Sum(m => m.Cost), point.GetProperty("cost_usd").GetDouble(), 6);
                // error_rate is served rounded; the failures it stands for are whole numbers.
                Assert.Equal(inside.Sum(m => m.Errors), Math.Round(point.GetProperty("error_rate").GetDouble() * count));
            }
        }
        // Every event is in exactly one 15-minute bucket of its bot.
        Assert.Equal(600, coarse.GetProperty("series").EnumerateArray().Sum(s => s.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("count").GetInt64())));
    }
}
