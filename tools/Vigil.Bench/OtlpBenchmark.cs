using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Vigil.Otlp.Proto.Collector;
using Vigil.Otlp.Proto.Common;
using Vigil.Otlp.Proto.Resource;
using Vigil.Otlp.Proto.Trace;

namespace Vigil.Bench;

/// <summary>
/// OTLP ingest beside /api/events, in the same run: clients POST protobuf OTLP exports of 500 GenAI
/// chat spans to /api/otlp/v1/traces, and the same calls as JSON batches of 500 events to
/// /api/events (the baseline), each variant on a fresh schema, in interleaved rounds; prints events/s
/// (median of the rounds) and the ratio. Both end in the same EventIngestor and the same statement,
/// so the ratio is the cost of decoding protobuf and mapping spans against parsing the JSON.
/// </summary>
internal static class OtlpBenchmark
{
    private static readonly string[] Bots = ["lead_bot", "buyer_bot", "seller_bot"];
    private static readonly string[] Models = ["claude-sonnet-4-5", "gpt-4o-mini", "gemini-2.5-flash", "gpt-4.1"];

    public static async Task<int> RunAsync(string connectionString, int events, int batchSize, int clients, int rounds)
    {
        Console.WriteLine($"OTLP ingest benchmark: {batchSize} spans or events per request, {clients} concurrent clients, {rounds} rounds");
        Console.WriteLine($"{Environment.ProcessorCount} cores; server, clients and PostgreSQL share this machine.");
        Console.WriteLine();
        var calls = Calls(events);
        var otlp = Bodies(calls, batchSize, OtlpBody);
        var json = Bodies(calls, batchSize, EventsBody);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"request body: protobuf {otlp.Average(b => b.Length) / 1024:F0} KiB, events JSON {json.Average(b => b.Length) / 1024:F0} KiB on average"));

        // Warm-up of both paths (tier-0 JIT), as in the ingest benchmark.
        await MeasureAsync(connectionString, "bench_warmup_otlp", otlp, Otlp, quiet: true, clients, events);
        await MeasureAsync(connectionString, "bench_warmup_events", json, Events, quiet: true, clients, events);

        var results = new Dictionary<string, List<double>> { ["otlp"] = [], ["events"] = [] };
        for (var round = 1; round <= rounds; round++)
        {
            Console.WriteLine($"round {round} of {rounds}");
            results["otlp"].Add(await MeasureAsync(connectionString, "bench_otlp", otlp, Otlp, quiet: false, clients, events));
            results["events"].Add(await MeasureAsync(connectionString, "bench_events", json, Events, quiet: false, clients, events));
        }
        var otlpRate = Median(results["otlp"]);
        var eventsRate = Median(results["events"]);
        Console.WriteLine();
        Console.WriteLine($"Medians of {rounds} rounds ({events:N0} spans or events per round):");
        Console.WriteLine("| route | body | events/s (median) | vs /api/events |");
        Console.WriteLine("|---|---|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| POST /api/otlp/v1/traces | protobuf, {batchSize} spans | {otlpRate:N0} | {otlpRate / eventsRate:F2}x |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| POST /api/events (baseline) | JSON, {batchSize} events | {eventsRate:N0} | 1.00x |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT otlp otlp_events_per_s={otlpRate:F0} events_events_per_s={eventsRate:F0} ratio_vs_events={otlpRate / eventsRate:F2}"));
        return 0;
    }

    private sealed record Call(int Index, DateTimeOffset At, string Bot, string Model, double DurationMs, int Input, int Output, bool Success, int Conversation);

    private static (string Path, string ContentType) Otlp => ("/api/otlp/v1/traces", "application/x-protobuf");

    private static (string Path, string ContentType) Events => ("/api/events", "application/json");

    private static double Median(List<double> rates) => rates.Order().ElementAt(rates.Count / 2);

    private static List<Call> Calls(int count)
    {
        var random = new Random(42);
        var now = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(0, count).Select(i => new Call(i, now.AddMilliseconds(-random.Next(0, 3_600_000)), Bots[i % 3],
            Models[random.Next(4)], Math.Round(Math.Exp(6 + random.NextDouble()), 1), random.Next(200, 4000), random.Next(20, 800),
            random.Next(50) != 0, random.Next(100_000)))];
    }

    private static List<byte[]> Bodies(List<Call> calls, int batchSize, Func<Call[], byte[]> body) => [.. calls.Chunk(batchSize).Select(body)];

    /// <summary>An export as an SDK sends it: one resource per bot (service.name), its spans under one scope.</summary>
    private static byte[] OtlpBody(Call[] calls)
    {
        var request = new ExportTraceServiceRequest();
        foreach (var bot in calls.GroupBy(c => c.Bot))
        {
            var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "opentelemetry.instrumentation.openai", Version = "0.40.0" } };
            foreach (var c in bot)
            {
                var start = (ulong)(c.At - DateTimeOffset.UnixEpoch).Ticks * 100;
                var span = new Span
                {
                    TraceId = ByteString.CopyFrom(Id(c.Index, 16)),
                    SpanId = ByteString.CopyFrom(Id(c.Index, 8)),
                    Name = "chat " + c.Model,
                    Kind = Span.Types.SpanKind.Client,
                    StartTimeUnixNano = start,
                    EndTimeUnixNano = start + (ulong)(c.DurationMs * 1e6),
                    Status = new Status { Code = c.Success ? Status.Types.StatusCode.Unset : Status.Types.StatusCode.Error },
                };
                span.Attributes.Add(Text("gen_ai.operation.name", "chat"));
                span.Attributes.Add(Text("gen_ai.provider.name", "openai"));
                span.Attributes.Add(Text("gen_ai.request.model", c.Model));
                span.Attributes.Add(Text("gen_ai.conversation.id", "c" + c.Conversation.ToString(CultureInfo.InvariantCulture)));
                span.Attributes.Add(Number("gen_ai.usage.input_tokens", c.Input));
                span.Attributes.Add(Number("gen_ai.usage.output_tokens", c.Output));
                if (!c.Success) span.Attributes.Add(Text("error.type", "timeout"));
                scope.Spans.Add(span);
            }
            var resource = new Resource();
            resource.Attributes.Add(Text("service.name", bot.Key));
            var resourceSpans = new ResourceSpans { Resource = resource };
            resourceSpans.ScopeSpans.Add(scope);
            request.ResourceSpans.Add(resourceSpans);
        }
        return request.ToByteArray();
    }

    /// <summary>The same calls as /api/events items.</summary>
    private static byte[] EventsBody(Call[] calls)
    {
        var sb = new StringBuilder("[");
        foreach (var c in calls)
        {
            if (sb.Length > 1) sb.Append(',');
            var ts = c.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture,
                $$"""{"event_id":"e{{c.Index}}","type":"llm_call","timestamp":"{{ts}}","bot":"{{c.Bot}}","operation":"chat","provider":"openai",""");
            sb.Append(CultureInfo.InvariantCulture, $"\"model\":\"{c.Model}\",\"conversation_id\":\"c{c.Conversation}\",\"duration_ms\":{c.DurationMs},");
            sb.Append(CultureInfo.InvariantCulture, $"\"input_tokens\":{c.Input},\"output_tokens\":{c.Output},\"success\":{(c.Success ? "true" : "false")}");
            sb.Append(c.Success ? "}" : ",\"error_type\":\"timeout\"}");
        }
        return Encoding.UTF8.GetBytes(sb.Append(']').ToString());
    }

    private static byte[] Id(int index, int length)
    {
        var id = new byte[length];
        BitConverter.TryWriteBytes(id.AsSpan(length - 4), index + 1);
        id[0] = 0x5b;
        return id;
    }

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Number(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    private static async Task<double> MeasureAsync(string connectionString, string schema, List<byte[]> bodies,
        (string Path, string ContentType) route, bool quiet, int clients, int expected)
    {
        await using var host = await BenchHost.StartAsync(connectionString, schema);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(host.Url),
            Timeout = TimeSpan.FromMinutes(5),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.AdminKey);
        var next = -1;
        var accepted = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue(route.ContentType);
                using var response = await http.PostAsync(route.Path, content);
                var text = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{route.Path}: HTTP {(int)response.StatusCode}: {text}");
                Interlocked.Add(ref accepted, response.Headers.TryGetValues("Vigil-Accepted", out var values)
                    ? int.Parse(values.Single(), CultureInfo.InvariantCulture)
                    : JsonDocument.Parse(text).RootElement.GetProperty("accepted").GetInt32());
            }
        }));
        watch.Stop();
        if (accepted != expected) throw new InvalidOperationException($"{schema}: expected {expected} accepted, got {accepted}.");
        var rate = accepted / watch.Elapsed.TotalSeconds;
        if (!quiet)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {schema,-14} {accepted,9:N0} events in {watch.Elapsed.TotalSeconds,6:F2} s = {rate,9:N0} events/s"));
        }
        return rate;
    }
}
