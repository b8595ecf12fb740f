using System.Net;
using System.Net.Http.Headers;
using Vigil.IntegrationTests.Infrastructure;
using Vigil.Otlp.Proto.Collector;

namespace Vigil.IntegrationTests;

/// <summary>Vigil's own traces and metrics over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the local host as a process).</summary>
public class OwnTelemetryTests
{
    [Fact]
    public async Task With_an_otlp_endpoint_the_local_host_exports_spans_of_requests_timer_jobs_and_sql_and_its_metrics()
    {
        await using var collector = await RecordingServer.StartAsync();
        var adminKey = "admin-" + Guid.NewGuid().ToString("N");
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = TestPostgres.NewSchema(out _),
            ["VIGIL_ADMIN_KEY"] = adminKey,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "vigil-under-test",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        });
        using var admin = new HttpClient { BaseAddress = new Uri(host.Url) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/health/detailed")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync("/admin/functions/ComputeRollups", VigilApp.Json("{}"))).StatusCode);

        var spans = new List<(string Service, string Scope, string Name)>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            spans = [.. collector.Received.Where(r => r.PathAndQuery == "/v1/traces")
                .Select(r => ExportTraceServiceRequest.Parser.ParseFrom(r.Body))
                .SelectMany(e => e.ResourceSpans)
                .SelectMany(rs => rs.ScopeSpans.SelectMany(ss => ss.Spans.Select(s => (
                    rs.Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue, ss.Scope.Name, s.Name))))];
            if (spans.Any(s => s.Name == "ComputeRollups") && spans.Any(s => s.Name.StartsWith("GET", StringComparison.Ordinal))
                && spans.Any(s => s.Scope.Contains("Npgsql", StringComparison.Ordinal))
                && collector.Received.Any(r => r.PathAndQuery == "/v1/metrics"))
            {
                break;
            }
            await Task.Delay(200);
        }

        Assert.Contains(("vigil-under-test", "Vigil", "ComputeRollups"), spans);
        Assert.Contains(spans, s => s.Name == "GET /api/health/detailed");
        Assert.Contains(spans, s => s.Scope.Contains("Npgsql", StringComparison.Ordinal));
        Assert.Contains(collector.Received, r => r.PathAndQuery == "/v1/metrics" && r.Headers["Content-Type"] == "application/x-protobuf");
    }
}
