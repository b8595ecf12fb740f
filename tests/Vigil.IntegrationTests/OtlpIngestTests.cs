using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Vigil.IntegrationTests.Infrastructure;
using Vigil.Otlp.Proto.Collector;

namespace Vigil.IntegrationTests;

/// <summary>
/// POST /api/otlp/v1/traces with the real OpenTelemetry .NET SDK and its OTLP exporter (HTTP and
/// protobuf, the bearer key in Headers) against the local host as a process, read back through the
/// metrics and the event drill-down.
/// </summary>
public class OtlpIngestTests
{
    /// <summary>What an export sent and what Vigil answered (read before the exporter disposes the response).</summary>
    private sealed record Export(byte[] Body, HttpStatusCode Status, string? ContentType, byte[] Answer, Dictionary<string, string> Headers);

    /// <summary>Keeps each export's body and Vigil's answer, so the same bytes can be sent again.</summary>
    private sealed class Recording() : DelegatingHandler(new HttpClientHandler())
    {
        public List<Export> Exports { get; } = [];

        // The OTLP exporter sends synchronously from its export thread.
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content!.ReadAsByteArrayAsync(cancellationToken).GetAwaiter().GetResult();
            var response = base.Send(request, cancellationToken);
            var answer = response.Content.ReadAsByteArrayAsync(cancellationToken).GetAwaiter().GetResult();
            var headers = response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value));
            lock (Exports) Exports.Add(new Export(body, response.StatusCode, response.Content.Headers.ContentType?.MediaType, answer, headers));
            response.Content = new ByteArrayContent(answer);
            return response;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));
    }

    private static async Task<(LocalHostProcess.Running Host, string AdminKey)> StartHostAsync()
    {
        var adminKey = "admin-" + Guid.NewGuid().ToString("N");
        var host = await LocalHostProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = TestPostgres.NewSchema(out _),
            ["VIGIL_ADMIN_KEY"] = adminKey,
        });
        return (host, adminKey);
    }

    private static HttpClient Client(string url, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, string role, string? tenant = null)
    {
        var response = await admin.PostAsync("/api/keys", VigilApp.Json(JsonSerializer.Serialize(new { name = role, role, tenant_id = tenant })));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    private static TracerProvider Exporter(string url, string key, Recording recording) =>
        Sdk.CreateTracerProviderBuilder()
            .AddSource(GenAiBot.Source.Name)
            .ConfigureResource(resource => resource.Clear().AddService("Lead Bot"))
            .AddOtlpExporter(o =>
            {
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Endpoint = new Uri(url + "/api/otlp/v1/traces");
                o.Headers = "Authorization=Bearer " + key;
                // One export for the whole conversation, sent by ForceFlush.
                o.ExportProcessorType = ExportProcessorType.Batch;
                o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 60_000;
                o.HttpClientFactory = () => new HttpClient(recording);
            })
            .Build();

    private static string Header(HttpResponseMessage response, string name) => response.Headers.GetValues(name).Single();

    [Fact]
    public async Task Spans_exported_by_the_OpenTelemetry_sdk_become_events_read_back_through_summary_and_events_and_a_resend_is_duplicates()
    {
        var (host, adminKey) = await StartHostAsync();
        await using var _ = host;
        using var admin = Client(host.Url, adminKey);
        var ingestKey = await CreateKeyAsync(admin, "ingest");
        var recording = new Recording();
        var conversation = "conv-" + Guid.NewGuid().ToString("N")[..8];
        using (var provider = Exporter(host.Url, ingestKey, recording))
        {
            GenAiBot.RunConversation(DateTimeOffset.UtcNow.AddSeconds(-30), conversation);
            Assert.True(provider.ForceFlush(30_000), "the exporter did not flush");
        }

        var export = Assert.Single(recording.Exports);
        Assert.Equal(HttpStatusCode.OK, export.Status);
        Assert.Equal("application/x-protobuf", export.ContentType);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(export.Answer);
        Assert.Equal(1, answer.PartialSuccess.RejectedSpans);
        Assert.Contains("not GenAI spans", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("'GET /listings'", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(("4", "0", "1"), (export.Headers["Vigil-Accepted"], export.Headers["Vigil-Duplicates"], export.Headers["Vigil-Rejected"]));

        // The very same export again (an exporter retrying after a lost answer): duplicates, nothing stored twice.
        using var ingest = Client(host.Url, ingestKey);
        var again = await ingest.PostAsync("/api/otlp/v1/traces", new ByteArrayContent(export.Body) { Headers = { ContentType = new("application/x-protobuf") } });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(("0", "4", "1"), (Header(again, "Vigil-Accepted"), Header(again, "Vigil-Duplicates"), Header(again, "Vigil-Rejected")));

        var run = await admin.PostAsync("/admin/functions/ComputeRollups", VigilApp.Json("{}"));
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        using var reader = Client(host.Url, await CreateKeyAsync(admin, "read"));
        var summary = await Traffic.GetJsonAsync(reader, "/api/metrics/summary?window=1h&group_by=bot");
        var groups = summary.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("key").GetProperty("bot").GetString()!);
        Assert.Equal(["buyer_bot", "lead_bot"], groups.Keys.Order());
        var lead = groups["lead_bot"];
        Assert.Equal(3, lead.GetProperty("count").GetInt64());
        Assert.Equal(1.0 / 3, lead.GetProperty("error_rate").GetDouble(), 6);
        Assert.Equal(1700, lead.GetProperty("input_tokens").GetInt64());
        Assert.Equal(300, lead.GetProperty("output_tokens").GetInt64());
        // gpt-4o: 1,000 input at $2.50, 200 cached at $1.25, 300 output at $10 per million; then 500 input.
        Assert.Equal(0.00575m + 0.00125m, lead.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(1, groups["buyer_bot"].GetProperty("count").GetInt64());

        var events = (await Traffic.GetJsonAsync(reader, $"/api/events?conversation_id={conversation}")).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["llm_call", "bot_interaction"], events.Select(e => e.GetProperty("type").GetString()));
        var chat = events[0];
        var traceId = chat.GetProperty("trace_id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.Matches("^" + traceId + "[0-9a-f]{16}$", chat.GetProperty("event_id").GetString()!);
        Assert.Equal(("lead_bot", "chat", "openai", "gpt-4o"), (chat.GetProperty("bot").GetString(), chat.GetProperty("operation").GetString(),
            chat.GetProperty("provider").GetString(), chat.GetProperty("model").GetString()));
        Assert.Equal((1200, 300, 200), (chat.GetProperty("input_tokens").GetInt64(), chat.GetProperty("output_tokens").GetInt64(),
            chat.GetProperty("cached_input_tokens").GetInt64()));
        Assert.Equal(1500, chat.GetProperty("duration_ms").GetDouble(), 3);
        Assert.Equal(250, chat.GetProperty("ttft_ms").GetDouble(), 3);
        Assert.Equal("computed", chat.GetProperty("cost_source").GetString());
        Assert.Equal(0.00575m, chat.GetProperty("cost_usd").GetDecimal());

        var trace = (await Traffic.GetJsonAsync(reader, $"/api/events?trace_id={traceId}")).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(4, trace.Count);
        var failed = Assert.Single(trace, e => !e.GetProperty("success").GetBoolean());
        Assert.Equal(("rate_limit", 500L), (failed.GetProperty("error_type").GetString(), failed.GetProperty("input_tokens").GetInt64()));
        var tool = Assert.Single(trace, e => e.GetProperty("type").GetString() == "tool_call");
        Assert.Equal(("search_listings", "lead_bot"), (tool.GetProperty("tool_name").GetString(), tool.GetProperty("bot").GetString()));
        var agent = Assert.Single(trace, e => e.GetProperty("type").GetString() == "bot_interaction");
        Assert.Equal(("buyer_bot", 2500.0), (agent.GetProperty("bot").GetString(), agent.GetProperty("duration_ms").GetDouble()));
    }

    /// <summary>An export as OTLP's JSON mapping writes it: hex ids, lowerCamelCase, int64 as strings, enums as integers.</summary>
    private static string JsonExport(DateTimeOffset start, string traceId, string spanId)
    {
        var nanos = (ulong)(start - DateTimeOffset.UnixEpoch).Ticks * 100;
        return $$$"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"seller_bot"}}]},
              "scopeSpans":[{"scope":{"name":"openlit"},"spans":[{
                "traceId":"{{{traceId}}}","spanId":"{{{spanId}}}","name":"chat gpt-4o-mini","kind":3,
                "startTimeUnixNano":"{{{nanos}}}","endTimeUnixNano":"{{{nanos + 640_000_000}}}",
                "attributes":[
                  {"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                  {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o-mini"}},
                  {"key":"gen_ai.usage.input_tokens","value":{"intValue":"2000"}},
                  {"key":"gen_ai.usage.output_tokens","value":{"intValue":500}},
                  {"key":"gen_ai.usage.cost","value":{"doubleValue":0.0042}}],
                "status":{"code":1}}]}]}]}
            """;
    }

    [Fact]
    public async Task A_json_export_is_stored_and_answered_in_json_and_gzip_is_accepted()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.Client(await app.CreateKeyAsync("ingest"));
        var traceId = Guid.NewGuid().ToString("N").ToUpperInvariant();
        var json = JsonExport(DateTimeOffset.UtcNow.AddMinutes(-1), traceId, "00F067AA0BA902B7");

        var response = await client.PostAsync("/api/otlp/v1/traces", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.False((await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("partialSuccess", out _));

        var gzipped = new MemoryStream();
        await using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(JsonExport(DateTimeOffset.UtcNow.AddMinutes(-1), traceId, "00F067AA0BA902B8")));
        }
        var compressed = new ByteArrayContent(gzipped.ToArray()) { Headers = { ContentType = new("application/json"), ContentEncoding = { "gzip" } } };
        var second = await client.PostAsync("/api/otlp/v1/traces", compressed);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("1", Header(second, "Vigil-Accepted"));

        using var admin = app.AdminClient();
        var stored = (await Traffic.GetJsonAsync(admin, $"/api/events?trace_id={traceId.ToLowerInvariant()}")).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(2, stored.Count);
        Assert.All(stored, e =>
        {
            Assert.Equal(("seller_bot", 2000L, 500L, 640.0), (e.GetProperty("bot").GetString(), e.GetProperty("input_tokens").GetInt64(),
                e.GetProperty("output_tokens").GetInt64(), e.GetProperty("duration_ms").GetDouble()));
            Assert.Equal(("reported", 0.0042m), (e.GetProperty("cost_source").GetString(), e.GetProperty("cost_usd").GetDecimal()));
        });
        Assert.Equal(traceId.ToLowerInvariant() + "00f067aa0ba902b8", stored[0].GetProperty("event_id").GetString());
    }

    [Fact]
    public async Task Invalid_spans_are_counted_in_partial_success_with_their_reason_beside_the_stored_ones()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.Client(await app.CreateKeyAsync("ingest"));
        var traceId = Guid.NewGuid().ToString("N");
        // A chat span without a model, and one from ten days ago: the event rules apply to spans too.
        var json = JsonExport(DateTimeOffset.UtcNow.AddMinutes(-1), traceId, "0000000000000001")
            .Replace("""{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o-mini"}},""", "", StringComparison.Ordinal);
        var old = JsonExport(DateTimeOffset.UtcNow.AddDays(-10), traceId, "0000000000000002");
        var good = JsonExport(DateTimeOffset.UtcNow.AddMinutes(-1), traceId, "0000000000000003");
        var merged = $$"""{"resourceSpans":[{{Inner(json)}},{{Inner(old)}},{{Inner(good)}}]}""";

        var response = await client.PostAsync("/api/otlp/v1/traces", new StringContent(merged, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var partial = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("partialSuccess");
        Assert.Equal("2", partial.GetProperty("rejectedSpans").GetString());
        var message = partial.GetProperty("errorMessage").GetString()!;
        Assert.Contains($"Span {traceId}0000000000000001: model is required for llm_call events", message, StringComparison.Ordinal);
        Assert.Contains("older than the 7d limit", message, StringComparison.Ordinal);
        Assert.Equal("1", Header(response, "Vigil-Accepted"));

        static string Inner(string export) => export.Trim()[18..^2];
    }

    [Fact]
    public async Task Otlp_ingest_has_the_auth_tenant_binding_content_types_and_limits_of_the_events_route()
    {
        await using var app = await VigilApp.StartAsync(new Dictionary<string, string?> { ["Vigil:Ingest:MaxBodyBytes"] = "65536" });
        var json = JsonExport(DateTimeOffset.UtcNow.AddMinutes(-1), Guid.NewGuid().ToString("N"), "0000000000000001");
        StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

        using var anonymous = app.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/otlp/v1/traces", Json(json))).StatusCode);
        using var reader = app.Client(await app.CreateKeyAsync("read"));
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/api/otlp/v1/traces", Json(json))).StatusCode);

        using var ingest = app.Client(await app.CreateKeyAsync("ingest"));
        var text = await ingest.PostAsync("/api/otlp/v1/traces", new StringContent(json, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal("application/problem+json", text.Content.Headers.ContentType!.MediaType);
        var brotli = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) { Headers = { ContentType = new("application/json"), ContentEncoding = { "br" } } };
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await ingest.PostAsync("/api/otlp/v1/traces", brotli)).StatusCode);
        var garbage = new ByteArrayContent([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) { Headers = { ContentType = new("application/x-protobuf") } };
        Assert.Equal(HttpStatusCode.BadRequest, (await ingest.PostAsync("/api/otlp/v1/traces", garbage)).StatusCode);
        var notGzip = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) { Headers = { ContentType = new("application/json"), ContentEncoding = { "gzip" } } };
        Assert.Equal(HttpStatusCode.BadRequest, (await ingest.PostAsync("/api/otlp/v1/traces", notGzip)).StatusCode);

        // A gzip bomb: 40 KB that inflates to 8 MB is refused once it passes the 64 KB limit.
        var bomb = new MemoryStream();
        await using (var gzip = new GZipStream(bomb, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await gzip.WriteAsync(new byte[8 * 1024 * 1024]);
        }
        Assert.InRange(bomb.Length, 1, 65536);
        var inflating = new ByteArrayContent(bomb.ToArray()) { Headers = { ContentType = new("application/x-protobuf"), ContentEncoding = { "gzip" } } };
        var tooLarge = await ingest.PostAsync("/api/otlp/v1/traces", inflating);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("inflates past", await tooLarge.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A tenant-bound key writes its own tenant; a span naming another one is refused whole.
        using var acme = app.Client(await app.CreateKeyAsync("ingest", "acme"));
        Assert.Equal(HttpStatusCode.OK, (await acme.PostAsync("/api/otlp/v1/traces", Json(json))).StatusCode);
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM events WHERE tenant_id = 'acme'"));
        var foreign = JsonExport(DateTimeOffset.UtcNow.AddMinutes(-1), Guid.NewGuid().ToString("N"), "0000000000000002")
            .Replace("""{"key":"service.name",""", """{"key":"vigil.tenant_id","value":{"stringValue":"globex"}},{"key":"service.name",""", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await acme.PostAsync("/api/otlp/v1/traces", Json(foreign))).StatusCode);
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM events WHERE tenant_id = 'globex'"));
    }

    [Fact]
    public async Task An_empty_export_and_one_without_genai_spans_are_answered_without_storing_anything()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.Client(await app.CreateKeyAsync("ingest"));
        var empty = new ByteArrayContent(new ExportTraceServiceRequest().ToByteArray()) { Headers = { ContentType = new("application/x-protobuf") } };
        var response = await client.PostAsync("/api/otlp/v1/traces", empty);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess);
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM events"));
    }
}
