using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vigil.Core.Jobs;
using Vigil.IntegrationTests.Infrastructure;
using Vigil.Postgres;
using static Vigil.IntegrationTests.IngestionTests;

namespace Vigil.IntegrationTests;

public class MigrationTests
{
    [Fact]
    public async Task Two_hosts_starting_together_apply_each_migration_exactly_once()
    {
        var connectionString = TestPostgres.NewSchema(out var schema);
        // Both hosts carry the same settings, as two instances of one app do.
        var adminKey = "admin-" + Guid.NewGuid().ToString("N");
        var starts = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => VigilApp.StartAsync(connectionString: connectionString, adminKey: adminKey))));
        try
        {
            var app = starts[0];
            var latest = new PgMigrator(NpgsqlDataSource.Create(connectionString), NullLogger<PgMigrator>.Instance).LatestVersion;
            Assert.Equal((long)latest, await app.ScalarAsync<long>("SELECT count(*) FROM schema_version"));
            Assert.Equal((long)latest, await app.ScalarAsync<long>("SELECT count(DISTINCT version) FROM schema_version"));
            using var client = starts[1].AdminClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health/detailed")).StatusCode);
        }
        finally
        {
            foreach (var app in starts) await app.DisposeAsync();
        }
        Assert.NotEmpty(schema);
    }

    [Fact]
    public async Task Running_the_migrator_again_changes_nothing()
    {
        await using var app = await VigilApp.StartAsync();
        var before = await app.ScalarAsync<string>("SELECT string_agg(version || ':' || applied_at, ',' ORDER BY version) FROM schema_version");
        await using var dataSource = NpgsqlDataSource.Create(app.ConnectionString);
        var migrator = new PgMigrator(dataSource, NullLogger<PgMigrator>.Instance);
        Assert.Equal(migrator.LatestVersion, await migrator.MigrateAsync(default));
        Assert.Equal(before, await app.ScalarAsync<string>("SELECT string_agg(version || ':' || applied_at, ',' ORDER BY version) FROM schema_version"));
    }

    [Fact]
    public async Task Event_partitions_are_prepared_for_the_whole_ingest_window()
    {
        await using var app = await VigilApp.StartAsync();
        var days = await app.ScalarAsync<long>("""
            SELECT count(*) FROM generate_series((now() - interval '8 days')::date, (now() + interval '7 days')::date, interval '1 day') d
            WHERE to_regclass(format('%I.%I', current_schema(), 'events_' || to_char(d, 'YYYYMMDD'))) IS NOT NULL
            """);
        Assert.Equal(16L, days);
    }
}

public class AdminFunctionTests
{
    [Fact]
    public async Task Admin_runs_a_timer_function_now_and_gets_202_with_what_it_did()
    {
        await using var app = await VigilApp.StartAsync();
        var run = await app.RunFunctionAsync("ApplyRetention");
        Assert.Equal("ApplyRetention", run.GetProperty("function").GetString());
        Assert.True(run.GetProperty("counts").TryGetProperty("partitions_created", out _));

        using var admin = app.AdminClient();
        await AssertProblem(await admin.PostAsync("/admin/functions/NoSuchFunction", VigilApp.Json("{}")), HttpStatusCode.NotFound, "not-found");
        using var reader = app.Client(await app.CreateKeyAsync("read"));
        await AssertProblem(await reader.PostAsync("/admin/functions/ApplyRetention", VigilApp.Json("{}")), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task The_functions_admin_header_is_accepted_for_admin_runs()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.Client();
        client.DefaultRequestHeaders.Add("x-functions-key", app.AdminKey);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/admin/functions/ApplyRetention", VigilApp.Json("""{"input":""}"""))).StatusCode);
    }

    [Fact]
    public async Task ApplyRetention_drops_expired_days_and_idempotency_keys_and_keeps_the_rest()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        await client.PostAsync("/api/events", VigilApp.Json(Events.One(Events.LlmCall("recent", DateTimeOffset.UtcNow.AddDays(-1)))));
        await app.ExecuteAsync("SELECT vigil_ensure_event_partitions(now() - interval '40 days', now() - interval '40 days')");
        await app.ExecuteAsync("""
            INSERT INTO events (tenant_id, event_id, type, ts, bot, success) VALUES ('default', 'ancient', 'tool_call', now() - interval '40 days', 'b', true);
            INSERT INTO events (tenant_id, event_id, type, ts, bot, success) VALUES ('default', 'stray', 'tool_call', now() - interval '400 days', 'b', true);
            INSERT INTO event_keys (tenant_id, event_id, ts) VALUES ('default', 'ancient', now() - interval '40 days');
            """);
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM events_default"));

        var run = await app.RunFunctionAsync("ApplyRetention");
        var counts = run.GetProperty("counts");
        Assert.True(counts.GetProperty("partitions_dropped").GetInt64() >= 1);
        Assert.Equal(1, counts.GetProperty("events_deleted").GetInt64());
        Assert.Equal(1, counts.GetProperty("keys_deleted").GetInt64());
        Assert.Equal("recent", await app.ScalarAsync<string>("SELECT string_agg(event_id, ',') FROM events"));
        Assert.Equal("recent", await app.ScalarAsync<string>("SELECT string_agg(event_id, ',') FROM event_keys"));
    }

    [Fact]
    public async Task The_local_host_runs_timers_on_their_ncrontab_schedule()
    {
        var job = new CountingJob();
        await using var app = await VigilApp.StartAsync(
            new Dictionary<string, string?> { ["Vigil:LocalHost:TimersEnabled"] = "true", ["CountingSchedule"] = "* * * * * *" },
            services: s => s.AddSingleton<ITimerJob>(job));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (job.Runs < 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(job.Runs >= 2, $"ran {job.Runs} times");
    }

    [Theory]
    [InlineData("RetentionSchedule", "every hour", "RetentionSchedule (the schedule of ApplyRetention): 'every hour' is not an NCRONTAB expression")]
    [InlineData("Vigil__Escalation__Level2After", "00:00:00", "Vigil:Escalation: need 0 < Level2After < Level3After")]
    [InlineData("Vigil__Escalation__Level2After", "soon", "'Vigil:Escalation:Level2After'")]
    [InlineData("Vigil__LocalHost__TimersEnabled", "sometimes", "'Vigil:LocalHost:TimersEnabled'")]
    [InlineData("Vigil__Alerting__PublicUrl", "vigil.example.com", "Vigil:Alerting:PublicUrl must be an absolute http or https URL")]
    public async Task A_bad_setting_stops_start_up_with_a_message_naming_it_and_no_stack_trace(string setting, string value, string message)
    {
        var (exitCode, output) = await LocalHostProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = TestPostgres.NewSchema(out _),
            ["VIGIL_ADMIN_KEY"] = "admin-" + Guid.NewGuid().ToString("N"),
            [setting] = value,
        }, TimeSpan.FromSeconds(60));
        Assert.Equal(2, exitCode);
        Assert.Contains("Vigil cannot start", output, StringComparison.Ordinal);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    private sealed class CountingJob : ITimerJob
    {
        private int _runs;
        public int Runs => Volatile.Read(ref _runs);
        public string Name => "Counting";
        public string ScheduleSetting => "CountingSchedule";
        public string DefaultSchedule => "0 0 0 1 1 *";

        public Task<JobResult> RunAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _runs);
            return Task.FromResult(new JobResult("counted"));
        }
    }
}

public class OutageTests
{
    /// <summary>
    /// Batches of distinct events stream in while the local host is killed (SIGKILL, no shutdown). Every
    /// batch answered 200 is stored; the one in flight is stored whole or not at all; a client that
    /// sends every batch again to the restarted host ends with each event stored exactly once.
    /// </summary>
    [Fact]
    public async Task Killing_the_local_host_mid_ingest_loses_no_acknowledged_event_and_doubles_none()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = TestPostgres.NewSchema(out _),
            ["VIGIL_ADMIN_KEY"] = "admin-" + Guid.NewGuid().ToString("N"),
        };
        var now = DateTimeOffset.UtcNow;
        var batches = Enumerable.Range(0, 200).Select(b => Events.Batch(Enumerable.Range(0, 250).Select(i => Events.LlmCall($"b{b}-{i}", now)))).ToList();
        var acknowledged = new List<int>();
        var host = await LocalHostProcess.StartAsync(settings);
        using (var client = AdminClient(host.Url, settings["VIGIL_ADMIN_KEY"]!))
        {
            var sending = Task.Run(async () =>
            {
                for (var b = 0; b < batches.Count; b++)
                {
                    var response = await client.PostAsync("/api/events", VigilApp.Json(batches[b]));
                    if (response.StatusCode == HttpStatusCode.OK) lock (acknowledged) acknowledged.Add(b);
                }
            });
            while (true)
            {
                lock (acknowledged) if (acknowledged.Count >= 20) break;
                await Task.Delay(10);
            }
            host.Kill();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => sending);
        }
        await host.DisposeAsync();

        await using var data = NpgsqlDataSource.Create(settings["ConnectionStrings:Postgres"]!);
        async Task<long> CountAsync(string sql, params object[] args)
        {
            await using var command = data.CreateCommand(sql);
            foreach (var a in args) command.Parameters.Add(new NpgsqlParameter { Value = a });
            return (long)(await command.ExecuteScalarAsync())!;
        }
        foreach (var b in acknowledged) Assert.Equal(250L, await CountAsync("SELECT count(*) FROM events WHERE event_id LIKE $1", $"b{b}-%"));
        var inFlight = acknowledged.Max() + 1;
        Assert.Contains(await CountAsync("SELECT count(*) FROM events WHERE event_id LIKE $1", $"b{inFlight}-%"), new[] { 0L, 250L });

        await using var second = await LocalHostProcess.StartAsync(settings);
        using var retrying = AdminClient(second.Url, settings["VIGIL_ADMIN_KEY"]!);
        var duplicates = 0;
        foreach (var batch in batches)
        {
            var response = await retrying.PostAsync("/api/events", VigilApp.Json(batch));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            duplicates += (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicates").GetInt32();
        }
        Assert.True(duplicates >= acknowledged.Count * 250);
        Assert.Equal(200L * 250, await CountAsync("SELECT count(*) FROM events"));
        Assert.Equal(200L * 250, await CountAsync("SELECT count(DISTINCT event_id) FROM events"));
    }

    private static HttpClient AdminClient(string url, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Fact]
    public async Task With_PostgreSQL_down_ingestion_answers_503_and_after_it_returns_nothing_is_lost_or_doubled()
    {
        using var cluster = PrivateCluster.Start();
        await using var app = await VigilApp.StartAsync(baseConnectionString: cluster.ConnectionString);
        using var client = app.AdminClient();
        var now = DateTimeOffset.UtcNow;
        var before = Events.Batch(Enumerable.Range(0, 100).Select(i => Events.LlmCall($"before-{i}", now)));
        var during = Events.Batch(Enumerable.Range(0, 100).Select(i => Events.LlmCall($"during-{i}", now)));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/events", VigilApp.Json(before))).StatusCode);

        cluster.StopServer();

        var refused = await client.PostAsync("/api/events", VigilApp.Json(during));
        await AssertProblem(refused, HttpStatusCode.ServiceUnavailable, "storage-unavailable");
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var health = await client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("unhealthy", (await health.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        cluster.StartServer();

        // A client honouring Retry-After sends the refused batch again until it is taken.
        JsonElement accepted = default;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var retry = await client.PostAsync("/api/events", VigilApp.Json(during));
            if (retry.StatusCode == HttpStatusCode.OK)
            {
                accepted = await retry.Content.ReadFromJsonAsync<JsonElement>();
                break;
            }
            Assert.Equal(HttpStatusCode.ServiceUnavailable, retry.StatusCode);
            await Task.Delay(250);
        }
        Assert.Equal(100, accepted.GetProperty("accepted").GetInt32());
        var repeat = await (await client.PostAsync("/api/events", VigilApp.Json(before))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(100, repeat.GetProperty("duplicates").GetInt32());
        Assert.Equal(200L, await app.ScalarAsync<long>("SELECT count(*) FROM events"));
        Assert.Equal(200L, await app.ScalarAsync<long>("SELECT count(DISTINCT event_id) FROM events"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health")).StatusCode);
    }
}
