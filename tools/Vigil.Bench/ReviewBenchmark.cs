using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Npgsql;
using Vigil.Core.Jobs;

namespace Vigil.Bench;

/// <summary>
/// GET /api/reports/review?window=7d over N events of 7 days (default 10,000,000): 2 tenants, 5 bots,
/// conversations of 40 events over about 6.5 minutes (10 messages, 20 LLM calls, 6 tool calls, 3
/// retrievals, 1 feedback; one in 33 conversations goes through three bots), loaded with one
/// INSERT … SELECT and rolled up by the real ComputeRollups job. The review (median of the repeats)
/// is timed against the same figures computed from the raw events in the same run, for the same two
/// windows, and its distinct counts and misrouted count are compared with the exact ones.
/// </summary>
internal static class ReviewBenchmark
{
    public static async Task<int> RunAsync(string connectionString, int events, int repeats)
    {
        Console.WriteLine($"Review benchmark: {events:N0} events over 7 days; {Environment.ProcessorCount} cores shared by the API, the client and PostgreSQL.");
        await using var host = await BenchHost.StartAsync(connectionString, "bench_review");
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
        foreach (var table in new[] { "rollup_minute", "rollup_hour", "rollup_day", "rollup_distinct_minute", "rollup_distinct_hour", "rollup_distinct_day", "review_conversation_hour" })
        {
            await ExecuteAsync(data, $"VACUUM ANALYZE {table}");
        }

        using var http = new HttpClient { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.AdminKey);
        var (apiMs, body) = await ApiTimer.TimeGetAsync(http, "/api/reports/review?window=7d", repeats);
        var windows = new[]
        {
            (body.GetProperty("from").GetDateTimeOffset(), body.GetProperty("to").GetDateTimeOffset()),
            (body.GetProperty("previous").GetProperty("from").GetDateTimeOffset(), body.GetProperty("previous").GetProperty("to").GetDateTimeOffset()),
        };
        var rawTimes = new List<double>();
        Exact exact = default;
        for (var i = 0; i < Math.Max(1, repeats / 5); i++)
        {
            var watch = Stopwatch.StartNew();
            foreach (var (from, to) in windows)
            {
                var figures = await RawAsync(data, from, to);
                if (from == windows[0].Item1) exact = figures;
            }
            rawTimes.Add(watch.Elapsed.TotalMilliseconds);
        }
        var rawMs = ApiTimer.Median(rawTimes);
        var growth = body.GetProperty("growth");
        var sessions = growth.GetProperty("sessions").GetProperty("current").GetDouble();
        var users = growth.GetProperty("unique_users").GetProperty("current").GetDouble();
        var misrouted = body.GetProperty("misrouted").GetProperty("conversations").GetProperty("current").GetDouble();
        var sizes = await ScalarStringAsync(data, """
            SELECT concat_ws(' ', 'distinct sketches: minute rows', (SELECT count(*) FROM rollup_distinct_minute), 'avg', (SELECT round(avg(length(sessions))) FROM rollup_distinct_minute),
                'B; day rows avg', (SELECT round(avg(length(sessions))) FROM rollup_distinct_day), 'B; conversation hour rows', (SELECT count(*) FROM review_conversation_hour))
            """);

        Console.WriteLine();
        Console.WriteLine("| 7-day review, this week and last | API (rollups), median | same figures from raw events | ratio |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| GET /api/reports/review?window=7d | {apiMs:F1} ms | {rawMs:N0} ms | {rawMs / apiMs:F1}x |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sessions {sessions:N0} vs exact {exact.Sessions:N0} ({(sessions - exact.Sessions) / exact.Sessions:P2}); unique users {users:N0} vs exact {exact.Users:N0} ({(users - exact.Users) / exact.Users:P2}); misrouted {misrouted:N0} vs exact {exact.Misrouted:N0}"));
        Console.WriteLine(sizes);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT review events={events} api_ms={apiMs:F1} raw_ms={rawMs:F0} ratio={rawMs / apiMs:F1} rollup_s={rollup.Elapsed.TotalSeconds:F1} sessions_error={(sessions - exact.Sessions) / exact.Sessions:P3} users_error={(users - exact.Users) / exact.Users:P3} misrouted={misrouted} misrouted_exact={exact.Misrouted}"));
        return 0;
    }

    /// <summary>
    /// Conversation c (i / 40) starts at a fixed pseudo-random instant of the week; its 40 events are
    /// 10 s apart. Events 0–9 are messages, 10–29 LLM calls (TTFT, tokens, a cache hit in ten), 30–35 tool
    /// calls, 36–38 retrievals, 39 feedback (80% positive). Its bot changes after event 30 (two bots),
    /// or every 14 events in one conversation of 33 (three bots: misrouted).
    /// </summary>
    private const string LoadSql = """
        INSERT INTO events (tenant_id, event_id, type, ts, bot, operation, model, conversation_id, user_id, duration_ms, ttft_ms, success, error_type,
                            cache_hit, input_tokens, output_tokens, cached_input_tokens, cost_usd, cost_source, tool_name, rating, role)
        SELECT 'tenant-' || (c % 2), 'e-' || i,
               CASE WHEN k < 10 THEN 'message' WHEN k < 30 THEN 'llm_call' WHEN k < 36 THEN 'tool_call' WHEN k < 39 THEN 'rag_retrieval' ELSE 'feedback' END,
               now() - interval '10 minutes' - ((c * 2654435761 % 1000003) / 1000003.0) * interval '6 days 23 hours' + k * interval '10 seconds',
               'bot-' || ((c + CASE WHEN c % 33 = 0 THEN k / 14 ELSE k / 30 END) % 5),
               'process', CASE WHEN k BETWEEN 10 AND 29 THEN (CASE WHEN c % 3 = 0 THEN 'gpt-4o-mini' ELSE 'gpt-4o' END) END,
               'conv-' || c, 'user-' || (c % 60000),
               CASE WHEN k < 10 OR k = 39 THEN NULL ELSE round((300 * exp(0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::numeric, 2)::float8 END,
               CASE WHEN k BETWEEN 10 AND 29 THEN round((400 + random() * 1500)::numeric, 1)::float8 END,
               ok, CASE WHEN NOT ok THEN 'timeout' END,
               CASE WHEN k BETWEEN 10 AND 29 THEN k % 10 = 0 END,
               CASE WHEN k BETWEEN 10 AND 29 THEN 1000 END, CASE WHEN k BETWEEN 10 AND 29 THEN 200 END, CASE WHEN k BETWEEN 10 AND 29 THEN 300 END,
               CASE WHEN k BETWEEN 10 AND 29 THEN 0.0035 ELSE 0 END, CASE WHEN k BETWEEN 10 AND 29 THEN 'computed' END,
               CASE WHEN k BETWEEN 30 AND 35 THEN 'tool-' || (c % 8) END,
               CASE WHEN k = 39 THEN (CASE WHEN random() < 0.8 THEN 'positive' ELSE 'negative' END) END,
               CASE WHEN k < 10 THEN (CASE WHEN k % 2 = 0 THEN 'user' ELSE 'bot' END) END
        FROM (SELECT i, i / 40 AS c, i % 40 AS k, (k_ok > 0.03 OR (i % 40) < 10 OR (i % 40) = 39) AS ok
              FROM (SELECT i, random() AS k_ok FROM generate_series(0, $1 - 1) AS i) r) g
        """;

    private readonly record struct Exact(long Sessions, long Users, long Misrouted);

    /// <summary>The review's figures straight from the events of [from, to): what the API would cost without its rollups.</summary>
    private static async Task<Exact> RawAsync(NpgsqlDataSource data, DateTimeOffset from, DateTimeOffset to)
    {
        string[] queries =
        [
            // SLA checks, growth and per-bot figures.
            """
            SELECT bot, count(*), avg((NOT success)::int) FILTER (WHERE type NOT IN ('feedback', 'message')),
                   count(*) FILTER (WHERE rating = 'positive'), count(*) FILTER (WHERE rating = 'negative'),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY ttft_ms), count(DISTINCT (tenant_id, conversation_id)), count(DISTINCT (tenant_id, user_id)),
                   count(*) FILTER (WHERE type = 'message')
            FROM events WHERE ts >= $1 AND ts < $2 GROUP BY ROLLUP (bot)
            """,
            // SLA targets: P95 per bot and operation.
            "SELECT bot, operation, percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) FROM events WHERE ts >= $1 AND ts < $2 AND duration_ms IS NOT NULL GROUP BY 1, 2",
            // Tools: calls, failures, P95.
            "SELECT tool_name, count(*), avg((NOT success)::int), percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) FROM events WHERE ts >= $1 AND ts < $2 AND type = 'tool_call' GROUP BY 1",
            // Misrouted conversations and the satisfaction of the conversations using each tool.
            """
            WITH c AS (
                SELECT tenant_id, conversation_id, count(DISTINCT bot) AS bots, count(*) FILTER (WHERE rating = 'positive') AS p,
                       count(*) FILTER (WHERE rating = 'negative') AS n, array_agg(DISTINCT tool_name) FILTER (WHERE tool_name IS NOT NULL) AS tools
                FROM events WHERE ts >= $1 AND ts < $2 AND conversation_id IS NOT NULL GROUP BY 1, 2)
            SELECT 'misrouted', count(*), 0, 0 FROM c WHERE bots > 2
            UNION ALL SELECT t, count(*), sum(p), sum(n) FROM c, unnest(tools) t GROUP BY t
            """,
            // Cost by type and by model, with the cache savings inputs.
            "SELECT type, model, cache_hit, sum(cost_usd), count(*), sum(input_tokens), sum(cached_input_tokens), sum(output_tokens) FROM events WHERE ts >= $1 AND ts < $2 GROUP BY 1, 2, 3",
        ];
        long sessions = 0, users = 0, misrouted = 0;
        foreach (var sql in queries)
        {
            await using var command = data.CreateCommand(sql);
            command.CommandTimeout = 1800;
            command.Parameters.Add(new() { Value = from.UtcDateTime });
            command.Parameters.Add(new() { Value = to.UtcDateTime });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                if (sql.Contains("ROLLUP", StringComparison.Ordinal) && reader.IsDBNull(0))
                {
                    sessions = reader.GetInt64(6);
                    users = reader.GetInt64(7);
                }
                if (sql.Contains("'misrouted'", StringComparison.Ordinal) && reader.GetString(0) == "misrouted") misrouted = reader.GetInt64(1);
            }
        }
        return new Exact(sessions, users, misrouted);
    }

    private static async Task<string> ScalarStringAsync(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource data, string sql, params object[] args)
    {
        await using var command = data.CreateCommand(sql);
        command.CommandTimeout = 3600;
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        await command.ExecuteNonQueryAsync();
    }

}
