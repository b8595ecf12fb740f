using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vigil.Core.Auth;

namespace Vigil.Core.Tests;

/// <summary>The key cache on one host, driven by a manual clock: what another host's revocation or creation means here.</summary>
public class ApiKeyCacheTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(30);

    private sealed class CountingStore : IApiKeyStore
    {
        public ConcurrentDictionary<string, StoredApiKey> Keys { get; } = new();
        public int Finds;

        public Task<StoredApiKey?> FindAsync(string id, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Finds);
            return Task.FromResult(Keys.GetValueOrDefault(id));
        }

        public Task InsertAsync(StoredApiKey key, CancellationToken cancellationToken)
        {
            Keys[key.Key.Id] = key;
            return Task.CompletedTask;
        }

        public Task UpsertAsync(StoredApiKey key, CancellationToken cancellationToken) => InsertAsync(key, cancellationToken);

        public Task<bool> RevokeAsync(string id, TenantScope scope, DateTimeOffset at, CancellationToken cancellationToken)
        {
            if (!Keys.TryGetValue(id, out var k) || !scope.Includes(k.Key.TenantId)) return Task.FromResult(false);
            Keys[id] = k with { Key = k.Key with { RevokedAt = at } };
            return Task.FromResult(true);
        }

        public Task<IReadOnlyList<ApiKey>> ListAsync(TenantScope scope, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ApiKey>>([.. Keys.Values.Select(k => k.Key)]);

        /// <summary>What another host's revocation does: the row changes, this host's cache does not hear of it.</summary>
        public void RevokeElsewhere(string id) => Keys[id] = Keys[id] with { Key = Keys[id].Key with { RevokedAt = Start } };
    }

    private sealed class Monitor(AuthOptions value) : IOptionsMonitor<AuthOptions>
    {
        public AuthOptions CurrentValue => value;
        public AuthOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<AuthOptions, string?> listener) => null;
    }

    private static (ApiKeyService Service, CountingStore Store, ManualClock Clock, AuthOptions Options) Create(string? adminKey = null)
    {
        var store = new CountingStore();
        var clock = new ManualClock(Start);
        var options = new AuthOptions { AdminKey = adminKey, KeyCacheDuration = CacheDuration };
        return (new ApiKeyService(store, new Monitor(options), clock, NullLogger<ApiKeyService>.Instance), store, clock, options);
    }

    [Fact]
    public async Task A_key_is_read_from_the_store_once_per_cache_period()
    {
        var (service, store, clock, _) = Create();
        var (_, plain) = await service.CreateAsync("bot", ApiRole.Ingest, null, null, default);
        for (var i = 0; i < 5; i++)
        {
            Assert.NotNull(await service.AuthenticateAsync(plain, default));
            clock.Advance(TimeSpan.FromSeconds(5));
        }
        Assert.Equal(1, store.Finds);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.NotNull(await service.AuthenticateAsync(plain, default));
        Assert.Equal(2, store.Finds);
    }

    [Fact]
    public async Task A_key_revoked_on_another_host_works_here_until_the_cache_period_ends_and_never_after()
    {
        var (service, store, clock, _) = Create();
        var (key, plain) = await service.CreateAsync("bot", ApiRole.Read, null, null, default);
        Assert.NotNull(await service.AuthenticateAsync(plain, default));
        store.RevokeElsewhere(key.Id);

        clock.Advance(CacheDuration - TimeSpan.FromSeconds(1));
        Assert.NotNull(await service.AuthenticateAsync(plain, default));
        clock.Advance(TimeSpan.FromSeconds(1)); // exactly the cache duration after the lookup: read again
        Assert.Null(await service.AuthenticateAsync(plain, default));
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(await service.AuthenticateAsync(plain, default));
    }

    [Fact]
    public async Task With_no_cache_duration_a_revocation_elsewhere_takes_effect_at_once()
    {
        var (service, store, _, options) = Create();
        options.KeyCacheDuration = TimeSpan.Zero;
        var (key, plain) = await service.CreateAsync("bot", ApiRole.Read, null, null, default);
        Assert.NotNull(await service.AuthenticateAsync(plain, default));
        store.RevokeElsewhere(key.Id);
        Assert.Null(await service.AuthenticateAsync(plain, default));
    }

    [Fact]
    public async Task A_key_created_on_another_host_works_here_at_once_even_after_an_unknown_lookup()
    {
        var (service, store, _, _) = Create();
        var other = new ApiKeyService(store, new Monitor(new AuthOptions()), new ManualClock(Start), NullLogger<ApiKeyService>.Instance);
        var (key, plain) = await other.CreateAsync("bot", ApiRole.Read, null, null, default);
        var saved = store.Keys[key.Id];
        store.Keys.TryRemove(key.Id, out _);
        Assert.Null(await service.AuthenticateAsync(plain, default));
        store.Keys[key.Id] = saved;
        Assert.NotNull(await service.AuthenticateAsync(plain, default));
    }

    [Fact]
    public async Task Rotating_the_admin_key_setting_stops_the_old_key_at_once()
    {
        var (service, _, _, options) = Create(adminKey: "the-first-admin-key-long-enough");
        await service.SeedAdminKeyAsync(default);
        Assert.NotNull(await service.AuthenticateAsync("the-first-admin-key-long-enough", default));
        options.AdminKey = "  the-second-admin-key-long-enough  ";
        await service.SeedAdminKeyAsync(default);
        Assert.Null(await service.AuthenticateAsync("the-first-admin-key-long-enough", default));
        Assert.Equal(ApiRole.Admin, (await service.AuthenticateAsync("the-second-admin-key-long-enough", default))?.Role);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Without_an_admin_key_setting_no_admin_key_exists(string? setting)
    {
        var (service, store, _, _) = Create(adminKey: setting);
        await service.SeedAdminKeyAsync(default);
        Assert.Empty(store.Keys);
    }

    [Fact]
    public async Task Presented_text_that_is_no_key_never_reaches_the_store()
    {
        var (service, store, _, _) = Create(adminKey: "an-admin-key-that-is-long-enough");
        await service.SeedAdminKeyAsync(default);
        Assert.Null(await service.AuthenticateAsync("", default));
        Assert.Null(await service.AuthenticateAsync("vgl_abc def", default));
        Assert.Null(await service.AuthenticateAsync("vgl_abc\u0000def", default));
        Assert.Null(await service.AuthenticateAsync("vgl_abcé", default));
        Assert.Null(await service.AuthenticateAsync(new string('a', 513), default));
        Assert.Equal(0, store.Finds);
        // Printable ASCII at both ends of the range is a candidate; 512 characters still are.
        Assert.Null(await service.AuthenticateAsync("!" + new string('a', 510) + "~", default));
        Assert.Equal(1, store.Finds);
    }

    [Fact]
    public async Task A_key_with_a_known_id_but_another_secret_fails_and_an_id_less_key_is_checked_against_the_admin_key()
    {
        var (service, _, _, _) = Create(adminKey: "vgl__an-admin-key-long-enough");
        await service.SeedAdminKeyAsync(default);
        var (key, _) = await service.CreateAsync("bot", ApiRole.Read, null, null, default);
        Assert.Null(await service.AuthenticateAsync($"vgl_{key.Id}_not-the-secret", default));
        // "vgl__…" names no id, so it is the admin key's to match.
        Assert.Equal(ApiRole.Admin, (await service.AuthenticateAsync("vgl__an-admin-key-long-enough", default))?.Role);
    }

    [Fact]
    public async Task Created_keys_are_distinct_and_carry_their_creation_time()
    {
        var (service, _, _, _) = Create();
        var (a, plainA) = await service.CreateAsync("a", ApiRole.Read, null, "ops", default);
        var (b, plainB) = await service.CreateAsync("b", ApiRole.Read, null, null, default);
        Assert.NotEqual(a.Id, b.Id);
        Assert.NotEqual(plainA, plainB);
        Assert.Equal(12, a.Id.Length);
        Assert.Equal(Start, a.CreatedAt);
        Assert.Equal("ops", a.CreatedBy);
        Assert.DoesNotContain('=', plainA);
        Assert.DoesNotContain('+', plainA);
        Assert.DoesNotContain('/', plainA);
    }
}
