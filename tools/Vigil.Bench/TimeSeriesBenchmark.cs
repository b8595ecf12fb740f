using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Npgsql;
using Vigil.Core.Jobs;

namespace Vigil.Bench;

/// <summary>
/// GET /api/metrics/timeseries for 200 series (2 tenants × 5 bots × 4 operations × 5 models): 24 h at
/// a 5 m step and 7 d at a 1 h step, P95 latency + error rate + cost per bucket, timed against
/// computing the same buckets from the raw events (date_bin + percentile_cont) in the same run.
/// Events are loaded with one INSERT … SELECT and rolled up by the real ComputeRollups job.
/// </summary>
internal static class TimeSeriesBenchmark
{
    private const string Metrics = "latency_p95,error_rate,cost_usd";
    private const string Groups = "tenant_id,bot,operation,model";

    public static async Task<int> RunAsync(string connectionString, int events, int repeats)
    {
        Console.WriteLine($"Time-series benchmark: {events:N0} events over 7 days across 200 series; {Environment.ProcessorCount} cores shared by the API, the client and PostgreSQL.");
        await using var host = await BenchHost.StartAsync(connectionString, "bench_timeseries");
        await using var data = NpgsqlDataSource.Create(host.ConnectionString);
        var load = Stopwatch.StartNew();
        await ExecuteAsync(data, LoadSql, events);
        await ExecuteAsync(data, "INSERT INTO rollup_pending (minute, marked_at) SELECT DISTINCT date_bin('1 minute', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), '-infinity'::timestamptz FROM events");
        await ExecuteAsync(data, "VACUUM ANALYZE events");
        var runner = host.Services.GetRequiredService<TimerJobRunner>();
        var run = await runner.RunAsync(runner.Find(TimerJobNames.ComputeRollups)!, CancellationToken.None);
        foreach (var table in new[] { "rollup_minute", "rollup_5m", "rollup_hour", "rollup_day" }) await ExecuteAsync(data, $"VACUUM ANALYZE {table}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loaded and rolled up in {load.Elapsed.TotalSeconds:F1} s ({run.Result.Summary})"));

        using var http = new HttpClient { BaseAddress = new Uri(host.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.AdminKey);
        Console.WriteLine();
        Console.WriteLine("| query | series × points | API (rollups), median | same buckets from raw events | ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var results = new List<string>();
        foreach (var (window, step, interval, name) in new[] { ("24h", "5m", "5 minutes", "24h_5m"), ("7d", "1h", "1 hour", "7d_1h") })
        {
            var url = $"/api/metrics/timeseries?window={window}&step={step}&metric={Metrics}&group_by={Groups}";
            var (apiMs, body) = await ApiTimer.TimeGetAsync(http, url, repeats);
            var series = body.GetProperty("series").GetArrayLength();
            var points = body.GetProperty("series")[0].GetProperty("points").GetArrayLength();
            var rawMs = await TimeRawAsync(data, body.GetProperty("from").GetDateTimeOffset(), body.GetProperty("to").GetDateTimeOffset(), interval, Math.Max(1, repeats / 5));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {window} at {step} | {series} × {points} | {apiMs:F1} ms | {rawMs:N0} ms | {rawMs / apiMs:F1}x |"));
            results.Add(string.Create(CultureInfo.InvariantCulture, $"{name}_api_ms={apiMs:F1} {name}_raw_ms={rawMs:F0} {name}_ratio={rawMs / apiMs:F1} {name}_series={series}"));
        }
        Console.WriteLine();
        Console.WriteLine("RESULT timeseries " + string.Join(' ', results));
        return 0;
    }

    private const string LoadSql = """
        INSERT INTO events (tenant_id, event_id, type, ts, bot, operation, model, duration_ms, success, input_tokens, output_tokens, cost_usd, cost_source)
        SELECT 'tenant-' || (s % 2), 'e-' || i, 'llm_call',
               now() - interval '2 minutes' - (random() * interval '7 days' * 0.9995),
               'bot-' || ((s / 2) % 5), 'op-' || ((s / 10) % 4), 'model-' || ((s / 40) % 5),
               round(((200 + 15 * s) * exp(0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::numeric, 2)::float8,
               random() > 0.02, 1000, 200, 0.0035, 'computed'
        FROM (SELECT i, i % 200 AS s FROM generate_series(1, $1) AS i) g
        """;

    /// <summary>The same buckets straight from events: exact P95, error rate and cost per bucket and series.</summary>
    private static async Task<double> TimeRawAsync(NpgsqlDataSource data, DateTimeOffset from, DateTimeOffset to, string interval, int repeats)
    {
        var times = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            await using var command = data.CreateCommand($"""
                SELECT date_bin('{interval}', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), tenant_id, bot, operation, model, count(*),
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms), avg((NOT success)::int), sum(cost_usd)
                FROM events WHERE ts >= $1 AND ts < $2
                GROUP BY 1, 2, 3, 4, 5
                """);
            command.CommandTimeout = 600;
            command.Parameters.Add(new() { Value = from.UtcDateTime });
            command.Parameters.Add(new() { Value = to.UtcDateTime });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) { }
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return ApiTimer.Median(times);
    }

    private static async Task ExecuteAsync(NpgsqlDataSource data, string sql, params object[] args)
    {
        await using var command = data.CreateCommand(sql);
        command.CommandTimeout = 900;
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        await command.ExecuteNonQueryAsync();
    }

}
