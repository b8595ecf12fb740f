using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Core.Events;

namespace Vigil.Bench;

/// <summary>
/// End-to-end HTTP ingestion: clients POST batches of 500 events to the API over loopback; the API
/// validates, prices and stores them in PostgreSQL. The same run measures the production store
/// (one UNNEST statement per request), the same store without the drill-down index on events.ts
/// (what that index costs ingest), a COPY-based store, and the naive baseline (one INSERT per event),
/// each on a fresh schema, and prints events/s and the ratios.
/// </summary>
internal static class IngestBenchmark
{
    public static async Task<int> RunAsync(string connectionString, int batchedEvents, int naiveEvents, int batchSize, int clients, int rounds)
    {
        Console.WriteLine($"Ingestion benchmark: batches of {batchSize}, {clients} concurrent clients, PostgreSQL at {Redact(connectionString)}");
        Console.WriteLine($"{Environment.ProcessorCount} cores; server, clients and PostgreSQL share this machine.");
        Console.WriteLine();

        // Warm up: the first seconds of a .NET process run unoptimised (tier-0) code; without this the
        // first variant measured pays for the JIT and looks slower than it is.
        await MeasureAsync(connectionString, "bench_warmup", null, 150_000, batchSize, clients, quiet: true);
        await MeasureAsync(connectionString, "bench_warmup", s => BenchHost.Replace<IEventStore, CopyEventStore>(s), 50_000, batchSize, clients, quiet: true);
        await MeasureAsync(connectionString, "bench_warmup", s => BenchHost.Replace<IEventStore, NaiveEventStore>(s), 2_000, batchSize, clients, quiet: true);

        // Interleaved rounds, reported as medians: this machine's speed drifts from minute to minute,
        // and a ratio of two numbers taken at different moments would measure the drift.
        var results = new Dictionary<string, List<Measurement>> { ["unnest"] = [], ["no_index"] = [], ["copy"] = [], ["naive"] = [] };
        for (var round = 1; round <= rounds; round++)
        {
            Console.WriteLine($"round {round} of {rounds}");
            results["unnest"].Add(await MeasureAsync(connectionString, "bench_unnest", null, batchedEvents, batchSize, clients));
            results["no_index"].Add(await MeasureAsync(connectionString, "bench_no_index", null, batchedEvents, batchSize, clients, prepare: DropDrillDownIndex));
            results["copy"].Add(await MeasureAsync(connectionString, "bench_copy", s => BenchHost.Replace<IEventStore, CopyEventStore>(s), batchedEvents, batchSize, clients));
            results["naive"].Add(await MeasureAsync(connectionString, "bench_naive", s => BenchHost.Replace<IEventStore, NaiveEventStore>(s), naiveEvents, batchSize, clients));
        }
        var unnest = Median(results["unnest"]);
        var noIndex = Median(results["no_index"]);
        // Each round measures both back to back, so the ratio of a round is free of the drift between rounds.
        var indexRatios = results["unnest"].Zip(results["no_index"], (with, without) => with.Rate / without.Rate).Order().ToList();
        var indexRatio = indexRatios[indexRatios.Count / 2];
        var copy = Median(results["copy"]);
        var naive = Median(results["naive"]);

        Console.WriteLine();
        Console.WriteLine($"Medians of {rounds} rounds:");
        Console.WriteLine("| store | events per round | events/s (median) | vs naive |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, r) in new[]
        {
            ("UNNEST, one statement per request (production)", unnest), ("the same without the drill-down index (events_ts_order)", noIndex),
            ("COPY to staging + INSERT", copy), ("naive: one INSERT per event", naive),
        })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {r.Events:N0} | {r.Rate:N0} | {r.Rate / naive.Rate:F1}x |"));
        }
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Drill-down index: with/without per round {string.Join(", ", indexRatios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}; median {indexRatio:F2} (ingest cost {(1 - indexRatio) * 100:F0}%, allowed 10%)."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT ingest unnest_events_per_s={unnest.Rate:F0} no_index_events_per_s={noIndex.Rate:F0} index_ratio={indexRatio:F2} copy_events_per_s={copy.Rate:F0} naive_events_per_s={naive.Rate:F0} ratio_vs_naive={unnest.Rate / naive.Rate:F1}"));
        return 0;
    }

    private static Measurement Median(List<Measurement> runs) => runs.OrderBy(r => r.Rate).ElementAt(runs.Count / 2);

    private sealed record Measurement(int Events, double Seconds)
    {
        public double Rate => Events / Seconds;
    }

    private static async Task<Measurement> MeasureAsync(string connectionString, string schema, Action<IServiceCollection>? replace, int events, int batchSize, int clients,
        bool quiet = false, Func<string, Task>? prepare = null)
    {
        await using var host = await BenchHost.StartAsync(connectionString, schema, replace);
        if (prepare is not null) await prepare(host.ConnectionString);
        var bodies = BuildBodies(events, batchSize, schema);
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
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("/api/events", content);
                var text = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {text}");
                using var json = JsonDocument.Parse(text);
                Interlocked.Add(ref accepted, json.RootElement.GetProperty("accepted").GetInt32());
            }
        }));
        watch.Stop();
        if (accepted != events) throw new InvalidOperationException($"{schema}: expected {events} accepted, got {accepted}.");
        var m = new Measurement(events, watch.Elapsed.TotalSeconds);
        if (!quiet) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {schema,-14} {events,9:N0} events in {m.Seconds,6:F2} s = {m.Rate,9:N0} events/s"));
        return m;
    }

    /// <summary>Realistic events (three bots, several models, operations and conversations), serialised up front.</summary>
    private static List<byte[]> BuildBodies(int events, int batchSize, string salt)
    {
        var random = new Random(42);
        string[] bots = ["lead_bot", "buyer_bot", "seller_bot"];
        string[] operations = ["full_qualification", "process", "handoff"];
        string[] models = ["claude-sonnet-4-5", "gpt-4o-mini", "gemini-2.5-flash", "gpt-4.1"];
        var now = DateTimeOffset.UtcNow;
        var bodies = new List<byte[]>();
        var sb = new StringBuilder();
        for (var start = 0; start < events; start += batchSize)
        {
            sb.Clear().Append('[');
            for (var i = start; i < Math.Min(events, start + batchSize); i++)
            {
                if (i > start) sb.Append(',');
                var ts = now.AddMilliseconds(-random.Next(0, 3_600_000)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                sb.Append(CultureInfo.InvariantCulture, $$"""{"event_id":"{{salt}}-{{i}}","type":"llm_call","timestamp":"{{ts}}","bot":"{{bots[i % 3]}}","operation":"{{operations[random.Next(3)]}}","model":"{{models[random.Next(4)]}}","conversation_id":"c{{random.Next(100_000)}}","duration_ms":{{Math.Round(Math.Exp(6 + random.NextDouble()), 1)}},"input_tokens":{{random.Next(200, 4000)}},"output_tokens":{{random.Next(20, 800)}},"success":{{(random.Next(50) != 0 ? "true" : "false")}}}""");
            }
            sb.Append(']');
            bodies.Add(Encoding.UTF8.GetBytes(sb.ToString()));
        }
        return bodies;
    }

    /// <summary>The baseline of what the drill-down index (0007_event_drilldown.sql) costs: the schema without it.</summary>
    private static async Task DropDrillDownIndex(string connectionString)
    {
        await using var data = Npgsql.NpgsqlDataSource.Create(connectionString);
        await using var command = data.CreateCommand("DROP INDEX events_ts_order");
        await command.ExecuteNonQueryAsync();
    }

    private static string Redact(string connectionString) =>
        new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Password = null }.ConnectionString;
}
