using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>GET /api/metrics/prometheus: the exposition, promtool's check, and the real Prometheus scraping it.</summary>
public partial class PrometheusTests
{
    /// <summary>Events in the minute before the current one, so the next ComputeRollups completes it.</summary>
    private static DateTimeOffset LastMinute(int second)
    {
        var now = DateTimeOffset.UtcNow;
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        return minute.AddMinutes(-1).AddSeconds(second);
    }

    private static List<Dictionary<string, object?>> Traffic(string bot, int count, double costEach, int seed, string? tenant = null)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var e = Events.LlmCall($"{bot}-{tenant}-{i}", LastMinute(random.Next(0, 59)), bot: bot, tenant: tenant,
                durationMs: Infrastructure.Traffic.HeavyTailedLatency(random));
            e["cost_usd"] = costEach;
            return e;
        })];
    }

    private static Dictionary<string, double> Samples(string exposition, string metric) =>
        exposition.Split('\n').Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) || l.StartsWith(metric + " ", StringComparison.Ordinal))
            .ToDictionary(l => l[..l.LastIndexOf(' ')], l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    [Fact]
    public async Task The_exposition_has_help_and_type_for_each_metric_escapes_label_values_and_passes_promtool()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var events = Traffic("lead_bot", 20, 0.01, 1);
        events[0]["operation"] = "say \"hi\" \\ bye";
        await Infrastructure.Traffic.PostAllAsync(admin, events);
        await app.RunFunctionAsync("ComputeRollups");
        using var reader = app.Client(await app.CreateKeyAsync("read"));

        var response = await reader.GetAsync("/api/metrics/prometheus");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        foreach (var (metric, type) in new[]
        {
            ("vigil_events_total", "counter"), ("vigil_errors_total", "counter"), ("vigil_cost_usd_total", "counter"),
            ("vigil_tokens_total", "counter"), ("vigil_latency_p95_seconds", "gauge"), ("vigil_ttft_p95_seconds", "gauge"),
            ("vigil_alerts_open", "gauge"), ("vigil_series_dropped", "gauge"),
        })
        {
            Assert.Contains($"# TYPE {metric} {type}\n", text, StringComparison.Ordinal);
            Assert.Contains($"# HELP {metric} ", text, StringComparison.Ordinal);
        }
        Assert.Contains("operation=\"say \\\"hi\\\" \\\\ bye\"", text, StringComparison.Ordinal);
        Assert.Contains("vigil_alerts_open{rule=\"high_error_rate\",severity=\"critical\",state=\"firing\"} 0\n", text, StringComparison.Ordinal);
        var (exit, output) = await PrometheusServer.CheckMetricsAsync(text);
        Assert.True(exit == 0, $"promtool check metrics: exit {exit}: {output}");

        // The Grafana dashboard charts only metrics the exposition has.
        var dashboard = File.ReadAllText(Path.Combine(PrivateCluster.RepositoryRoot(), "docs", "grafana", "vigil-dashboard.json"));
        var charted = JsonDocument.Parse(dashboard).RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => MetricName().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Value)).Distinct().ToList();
        Assert.True(charted.Count >= 8, string.Join(", ", charted));
        Assert.All(charted, metric => Assert.Contains($"# TYPE {metric} ", text, StringComparison.Ordinal));

        using var ingest = app.Client(await app.CreateKeyAsync("ingest"));
        Assert.Equal(HttpStatusCode.Forbidden, (await ingest.GetAsync("/api/metrics/prometheus")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reader.GetAsync("/api/metrics/prometheus?window=5m")).StatusCode);
    }

    [Fact]
    public async Task Label_sets_past_the_limit_are_dropped_busiest_first_and_counted_and_a_tenant_key_sees_its_own_series()
    {
        await using var app = await VigilApp.StartAsync(new Dictionary<string, string?> { ["Vigil:Prometheus:MaxSeriesPerMetric"] = "2" });
        using var admin = app.AdminClient();
        await Infrastructure.Traffic.PostAllAsync(admin, [.. Traffic("lead_bot", 30, 0.01, 1, "acme"), .. Traffic("buyer_bot", 20, 0.01, 2, "acme"),
            .. Traffic("seller_bot", 10, 0.01, 3, "globex")]);
        await app.RunFunctionAsync("ComputeRollups");

        using var reader = app.Client(await app.CreateKeyAsync("read"));
        var text = await reader.GetStringAsync("/api/metrics/prometheus");
        var events = Samples(text, "vigil_events_total");
        Assert.Equal(2, events.Count);
        Assert.Contains(events.Keys, k => k.Contains("bot=\"lead_bot\"", StringComparison.Ordinal));
        Assert.Contains(events.Keys, k => k.Contains("bot=\"buyer_bot\"", StringComparison.Ordinal));
        Assert.Equal(1, Samples(text, "vigil_series_dropped")["vigil_series_dropped{metric=\"vigil_events_total\"}"]);
        // Three directions for each of three series: nine label sets, seven dropped.
        Assert.Equal(7, Samples(text, "vigil_series_dropped")["vigil_series_dropped{metric=\"vigil_tokens_total\"}"]);

        using var globex = app.Client(await app.CreateKeyAsync("read", "globex"));
        var own = Samples(await globex.GetStringAsync("/api/metrics/prometheus"), "vigil_events_total");
        var only = Assert.Single(own);
        Assert.Contains("tenant_id=\"globex\",bot=\"seller_bot\"", only.Key, StringComparison.Ordinal);
        Assert.Equal(10, only.Value);
    }

    [Fact]
    public async Task Debian_prometheus_scrapes_the_local_host_with_a_bearer_key_and_holds_its_p95_and_cost_series()
    {
        var adminKey = "admin-" + Guid.NewGuid().ToString("N");
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = TestPostgres.NewSchema(out _),
            ["VIGIL_ADMIN_KEY"] = adminKey,
        });
        using var admin = new HttpClient { BaseAddress = new Uri(host.Url) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        var lead = Traffic("lead_bot", 200, 0.0125, 7);
        await Infrastructure.Traffic.PostAllAsync(admin, [.. lead, .. Traffic("buyer_bot", 50, 0.5, 8)]);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync("/admin/functions/ComputeRollups", VigilApp.Json("{}"))).StatusCode);
        var keyResponse = await admin.PostAsync("/api/keys", VigilApp.Json("""{"name":"prometheus","role":"read"}"""));
        var readKey = (await keyResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

        // What Vigil's own API says for the same events: the quantile of the same merged sketch.
        using var reader = new HttpClient { BaseAddress = new Uri(host.Url) };
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", readKey);
        var latency = await Infrastructure.Traffic.GetJsonAsync(reader, "/api/metrics/latency?window=5m&bot=lead_bot");
        Assert.Equal(200, latency.GetProperty("count").GetInt64());
        var durations = lead.Select(e => (double)e["duration_ms"]!).Order().ToArray();
        var exactP95 = durations[(int)Math.Ceiling(0.95 * durations.Length) - 1];

        await using var prometheus = await PrometheusServer.StartAsync(new Uri(host.Url).Authority, "/api/metrics/prometheus", readKey);
        var patience = TimeSpan.FromSeconds(60);
        var up = Assert.Single(await prometheus.QueryAsync("up{job=\"vigil\"} == 1", patience));
        Assert.Equal(1, up.Value);

        var p95 = Assert.Single(await prometheus.QueryAsync("vigil_latency_p95_seconds{bot=\"lead_bot\"}", patience));
        Assert.Equal(("default", "process", "gpt-4o", "llm_call"), (p95.Labels["tenant_id"], p95.Labels["operation"], p95.Labels["model"], p95.Labels["type"]));
        Assert.Equal(latency.GetProperty("p95_ms").GetDouble() / 1000, p95.Value, 6);
        Assert.InRange(p95.Value * 1000, exactP95 * 0.99, exactP95 * 1.01);

        var cost = await prometheus.QueryAsync("sum by (bot) (vigil_cost_usd_total)", patience);
        var byBot = cost.ToDictionary(c => c.Labels["bot"], c => c.Value);
        Assert.Equal(200 * 0.0125, byBot["lead_bot"], 9);
        Assert.Equal(50 * 0.5, byBot["buyer_bot"], 9);
        var count = Assert.Single(await prometheus.QueryAsync("vigil_events_total{bot=\"buyer_bot\"}", patience));
        Assert.Equal(50, count.Value);
    }

    [GeneratedRegex("vigil_[a-z0-9_]+")]
    private static partial Regex MetricName();
}
