using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Npgsql;
using Vigil.Core.Jobs;

namespace Vigil.Bench;

/// <summary>
/// 7-day percentiles: N events over 7 days across 200 series (2 tenants × 5 bots × 4 operations ×
/// 5 models), loaded with one INSERT … SELECT (ingestion has its own benchmark), rolled up by the
/// real ComputeRollups job, then the API's P95-over-7d (all series, and one series) timed against
/// exact percentile_cont over the raw rows, in the same run. Also: ComputeRollups on one minute of
/// 60,000 events, and the size of the sketches stored.
/// </summary>
internal static class PercentileBenchmark
{
    private const int Series = 200;

    public static async Task<int> RunAsync(string connectionString, int events, int repeats)
    {
        Console.WriteLine($"Percentile benchmark: {events:N0} events over 7 days across {Series} series; {Environment.ProcessorCount} cores shared by the API, the client and PostgreSQL.");
        await using var host = await BenchHost.StartAsync(connectionString, "bench_percentiles");
        await using var data = NpgsqlDataSource.Create(host.ConnectionString);

        var load = Stopwatch.StartNew();
        await ExecuteAsync(data, LoadSql, events);
        await ExecuteAsync(data, "INSERT INTO rollup_pending (minute, marked_at) SELECT DISTINCT date_bin('1 minute', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), '-infinity'::timestamptz FROM events");
        await ExecuteAsync(data, "VACUUM ANALYZE events");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loaded {events:N0} events in {load.Elapsed.TotalSeconds:F1} s"));

        var runner = host.Services.GetRequiredService<TimerJobRunner>();
        var rollup = Stopwatch.StartNew();
        var run = await runner.RunAsync(runner.Find(TimerJobNames.ComputeRollups)!, CancellationToken.None);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ComputeRollups of the whole backlog: {rollup.Elapsed.TotalSeconds:F1} s ({run.Result.Summary})"));
        foreach (var table in new[] { "rollup_minute", "rollup_5m", "rollup_hour", "rollup_day" }) await ExecuteAsync(data, $"VACUUM ANALYZE {table}");

        using var http = new HttpClient { BaseAddress = new Uri(host.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.AdminKey);
        const string allUrl = "/api/metrics/summary?window=7d&group_by=tenant_id,bot,operation,model";
        const string oneUrl = "/api/metrics/latency?window=7d&tenant_id=tenant-0&bot=bot-0&operation=op-0&model=model-0";

        var (allApiMs, allBody) = await ApiTimer.TimeGetAsync(http, allUrl, repeats, warmups: 3);
        var (oneApiMs, oneBody) = await ApiTimer.TimeGetAsync(http, oneUrl, repeats, warmups: 3);
        var from = allBody.GetProperty("from").GetDateTimeOffset();
        var to = allBody.GetProperty("to").GetDateTimeOffset();

        var exactAll = await TimeExactAsync(data, from, to, "", Math.Max(1, repeats / 5));
        var exactOne = await TimeExactAsync(data, from, to, "AND tenant_id = 'tenant-0' AND bot = 'bot-0' AND operation = 'op-0' AND model = 'model-0'", Math.Max(1, repeats / 5));

        // Accuracy of the API's P95 against the exact value of each series.
        var apiP95 = allBody.GetProperty("groups").EnumerateArray().ToDictionary(
            g => string.Join('/', new[] { "tenant_id", "bot", "operation", "model" }.Select(k => g.GetProperty("key").GetProperty(k).GetString())),
            g => g.GetProperty("p95_ms").GetDouble());
        var worstCont = exactAll.Values.Max(e => Math.Abs(apiP95[e.Key] - e.Value.Cont) / e.Value.Cont);
        var worstDisc = exactAll.Values.Max(e => Math.Abs(apiP95[e.Key] - e.Value.Disc) / e.Value.Disc);
        var oneApiP95 = oneBody.GetProperty("p95_ms").GetDouble();

        var minute = await MinuteTimerAsync(connectionString);
        var sizes = await ScalarStringAsync(data, """
            SELECT concat_ws(' ', 'minute avg', round(avg(length(duration_sketch))), 'B; hour avg', (SELECT round(avg(length(duration_sketch))) FROM rollup_hour),
                'B; day avg', (SELECT round(avg(length(duration_sketch))) FROM rollup_day), 'B, max', (SELECT max(length(duration_sketch)) FROM rollup_day), 'B')
            FROM rollup_minute
            """);

        Console.WriteLine();
        Console.WriteLine("| query (7-day window) | API (rollups) | exact percentile_cont | speed-up |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| P95 of all {apiP95.Count} series | {allApiMs:F1} ms | {exactAll.Milliseconds:N0} ms | {exactAll.Milliseconds / allApiMs:N0}x |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| P95 of one series | {oneApiMs:F1} ms | {exactOne.Milliseconds:N0} ms | {exactOne.Milliseconds / oneApiMs:N0}x |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"API P95 vs exact, worst series: {worstCont:P3} from percentile_cont, {worstDisc:P3} from percentile_disc; one series: API {oneApiP95} ms, exact {exactOne.Values.Single().Value.Cont:F2} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ComputeRollups on one minute of 60,000 events: {minute:F0} ms (median of 3)"));
        Console.WriteLine($"Stored duration sketches: {sizes}");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT percentiles all_series_api_ms={allApiMs:F1} all_series_exact_ms={exactAll.Milliseconds:F0} all_series_speedup={exactAll.Milliseconds / allApiMs:F0} one_series_api_ms={oneApiMs:F1} one_series_exact_ms={exactOne.Milliseconds:F0} minute_60k_ms={minute:F0} worst_p95_error_vs_cont={worstCont:P3}"));
        return 0;
    }

    /// <summary>Log-normal latencies with a per-series median and a 3% slow tail, uniformly over the last 7 days.</summary>
    private const string LoadSql = """
        INSERT INTO events (tenant_id, event_id, type, ts, bot, operation, model, duration_ms, success, input_tokens, output_tokens, cost_usd, cost_source)
        SELECT 'tenant-' || (s % 2), 'e-' || i, 'llm_call',
               now() - interval '2 minutes' - (random() * interval '7 days' * 0.9995),
               'bot-' || ((s / 2) % 5), 'op-' || ((s / 10) % 4), 'model-' || ((s / 40) % 5),
               round((CASE WHEN random() < 0.03 THEN 4000 + random() * 40000
                           ELSE (200 + 15 * s) * exp(0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) END)::numeric, 2)::float8,
               random() > 0.02, 1000, 200, 0.0035, 'computed'
        FROM (SELECT i, i % 200 AS s FROM generate_series(1, $1) AS i) g
        """;

    private sealed record Exact(double Milliseconds, Dictionary<string, (double Cont, double Disc)> Values);

    private static async Task<Exact> TimeExactAsync(NpgsqlDataSource data, DateTimeOffset from, DateTimeOffset to, string where, int repeats)
    {
        var times = new List<double>();
        var values = new Dictionary<string, (double, double)>();
        for (var i = 0; i < repeats; i++)
        {
            values.Clear();
            var watch = Stopwatch.StartNew();
            await using var command = data.CreateCommand($"""
                SELECT tenant_id || '/' || bot || '/' || operation || '/' || model,
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms), percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms)
                FROM events WHERE ts >= $1 AND ts < $2 {where}
                GROUP BY tenant_id, bot, operation, model
                """);
            command.CommandTimeout = 600;
            command.Parameters.Add(new() { Value = from.UtcDateTime });
            command.Parameters.Add(new() { Value = to.UtcDateTime });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) values[reader.GetString(0)] = (reader.GetDouble(1), reader.GetDouble(2));
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return new Exact(ApiTimer.Median(times), values.ToDictionary(v => v.Key, v => ((double Cont, double Disc))v.Value));
    }

    /// <summary>One minute holding 60,000 events across the 200 series, rolled up by the timer job.</summary>
    private static async Task<double> MinuteTimerAsync(string connectionString)
    {
        var times = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            await using var host = await BenchHost.StartAsync(connectionString, "bench_minute");
            await using var data = NpgsqlDataSource.Create(host.ConnectionString);
            await ExecuteAsync(data, LoadSql.Replace("now() - interval '2 minutes' - (random() * interval '7 days' * 0.9995)", "date_bin('1 minute', now(), TIMESTAMPTZ '2000-01-01') - interval '2 minutes' + random() * interval '59 seconds'", StringComparison.Ordinal), 60_000);
            await ExecuteAsync(data, "INSERT INTO rollup_pending (minute, marked_at) SELECT DISTINCT date_bin('1 minute', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), '-infinity'::timestamptz FROM events");
            await ExecuteAsync(data, "ANALYZE events");
            var runner = host.Services.GetRequiredService<TimerJobRunner>();
            var run = await runner.RunAsync(runner.Find(TimerJobNames.ComputeRollups)!, CancellationToken.None);
            if (run.Result.Counts!["events_read"] != 60_000) throw new InvalidOperationException($"expected 60,000 events read: {run.Result.Summary}");
            times.Add(run.DurationMs);
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

    private static async Task<string> ScalarStringAsync(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        return (string)(await command.ExecuteScalarAsync())!;
    }

}
