using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Auth;
using Vigil.Core.Health;
using Vigil.Core.Tests.Fakes;

namespace Vigil.Core.Tests;

/// <summary>Start-up: the schema migrated, the admin key stored, the managed default policy synced; a database still starting is waited for, then start-up fails.</summary>
public class VigilInitializerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private sealed record Setup(VigilInitializer Initializer, FakeDatabaseMigrator Migrator, FakeApiKeyStore Keys, FakeEscalationPolicyStore Policies, ManualClock Clock,
        RecordingLogger<VigilInitializer> Log);

    private static Setup Create(TimeSpan wait, string? adminKey = "an admin key of some length")
    {
        var clock = new ManualClock(Now);
        var migrator = new FakeDatabaseMigrator(clock);
        var keys = new FakeApiKeyStore();
        var policies = new FakeEscalationPolicyStore();
        var auth = new StaticOptions<AuthOptions>(new AuthOptions { AdminKey = adminKey });
        var escalation = new StaticOptions<EscalationOptions>(new EscalationOptions { Level2After = TimeSpan.FromMinutes(4), Level3After = TimeSpan.FromMinutes(11) });
        var service = new ApiKeyService(keys, auth, clock, NullLogger<ApiKeyService>.Instance);
        var log = new RecordingLogger<VigilInitializer>();
        var initializer = new VigilInitializer(migrator, service, policies, escalation, Options.Create(new StartupOptions { DatabaseWaitTimeout = wait }), clock, log);
        return new Setup(initializer, migrator, keys, policies, clock, log);
    }

    [Fact]
    public async Task Start_up_migrates_stores_the_admin_key_and_syncs_the_default_policy_from_the_settings()
    {
        var s = Create(TimeSpan.FromSeconds(60));

        await s.Initializer.StartAsync(CancellationToken.None);

        Assert.Equal(1, s.Migrator.Attempts);
        var admin = Assert.Single(s.Keys.Keys.Values);
        Assert.Equal(ApiRole.Admin, admin.Key.Role);
        var synced = Assert.Single(s.Policies.Synced);
        Assert.Equal(EscalationPolicy.DefaultName, synced.Name);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(11)], synced.Levels.Select(l => l.After));
        Assert.Equal(Now.AddSeconds(1), synced.CreatedAt);
        Assert.Equal("Database ready at schema version 10", s.Log.Single(1001));
        await s.Initializer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_database_still_starting_is_tried_again()
    {
        var s = Create(TimeSpan.FromSeconds(60));
        s.Migrator.FailuresLeft = 1;
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await s.Initializer.StartAsync(CancellationToken.None);

        // A second between attempts, so a database that is starting is not hammered.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {watch.Elapsed}");
        Assert.Equal(2, s.Migrator.Attempts);
        Assert.Single(s.Policies.Synced);
        Assert.Equal("Waiting for the database: connection refused (attempt 1)", s.Log.Single(1002));
    }

    [Fact]
    public async Task A_database_unavailable_past_the_wait_fails_start_up()
    {
        var s = Create(TimeSpan.FromSeconds(3));
        s.Migrator.FailuresLeft = 100;
        s.Migrator.EachAttemptTakes = TimeSpan.FromSeconds(3);

        var e = await Assert.ThrowsAsync<StorageUnavailableException>(() => s.Initializer.StartAsync(CancellationToken.None));

        Assert.Equal("connection refused (attempt 1)", e.Message);
        Assert.Empty(s.Policies.Synced);
        Assert.Empty(s.Keys.Keys);
    }
}
