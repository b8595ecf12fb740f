using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vigil.Core.Auth;

namespace Vigil.Core.Tests;

public class ApiKeyServiceTests
{
    private sealed class MemoryStore : IApiKeyStore
    {
        public ConcurrentDictionary<string, StoredApiKey> Keys { get; } = new();

        public Task<StoredApiKey?> FindAsync(string id, CancellationToken cancellationToken) => Task.FromResult(Keys.GetValueOrDefault(id));

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
            Task.FromResult<IReadOnlyList<ApiKey>>(Keys.Values.Select(k => k.Key).Where(k => scope.Includes(k.TenantId)).ToList());
    }

    private static (ApiKeyService Service, MemoryStore Store) Create(string? adminKey = null, TimeSpan? cache = null)
    {
        var store = new MemoryStore();
        var options = new AuthOptions { AdminKey = adminKey, KeyCacheDuration = cache ?? TimeSpan.Zero };
        var monitor = new StaticMonitor<AuthOptions>(options);
        return (new ApiKeyService(store, monitor, TimeProvider.System, NullLogger<ApiKeyService>.Instance), store);
    }

    [Fact]
    public async Task A_created_key_authenticates_with_its_role_and_tenant()
    {
        var (service, _) = Create();
        var (key, plain) = await service.CreateAsync("bot", ApiRole.Ingest, "acme", "admin", default);
        var principal = await service.AuthenticateAsync(plain, default);
        Assert.NotNull(principal);
        Assert.Equal(key.Id, principal.KeyId);
        Assert.Equal(ApiRole.Ingest, principal.Role);
        Assert.Equal("acme", principal.TenantId);
        Assert.StartsWith($"vgl_{key.Id}_", plain, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_hash_is_stored()
    {
        var (service, store) = Create();
        var (key, plain) = await service.CreateAsync("bot", ApiRole.Read, null, null, default);
        var stored = store.Keys[key.Id];
        Assert.Equal(32, stored.Hash.Length);
        Assert.DoesNotContain(plain, System.Text.Encoding.UTF8.GetString(stored.Hash), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_or_revoked_key_does_not_authenticate()
    {
        var (service, _) = Create();
        var (key, plain) = await service.CreateAsync("bot", ApiRole.Read, null, null, default);
        Assert.Null(await service.AuthenticateAsync(plain[..^1] + (plain[^1] == 'a' ? 'b' : 'a'), default));
        Assert.Equal(RevokeOutcome.Revoked, await service.RevokeAsync(key.Id, "test", TenantScope.All, default));
        Assert.Null(await service.AuthenticateAsync(plain, default));
        Assert.Equal(RevokeOutcome.NotFound, await service.RevokeAsync("nope", "test", TenantScope.All, default));
    }

    [Fact]
    public async Task Revocation_takes_effect_at_once_on_this_host_despite_the_cache()
    {
        var (service, _) = Create(cache: TimeSpan.FromMinutes(5));
        var (key, plain) = await service.CreateAsync("bot", ApiRole.Read, null, null, default);
        Assert.NotNull(await service.AuthenticateAsync(plain, default));
        await service.RevokeAsync(key.Id, "test", TenantScope.All, default);
        Assert.Null(await service.AuthenticateAsync(plain, default));
    }

    [Fact]
    public async Task The_admin_key_setting_seeds_an_admin_that_cannot_be_revoked_through_the_api()
    {
        var (service, _) = Create(adminKey: "an-admin-key-that-is-long-enough");
        await service.SeedAdminKeyAsync(default);
        var principal = await service.AuthenticateAsync("an-admin-key-that-is-long-enough", default);
        Assert.Equal(ApiRole.Admin, principal?.Role);
        Assert.Null(principal?.TenantId);
        Assert.Null(await service.AuthenticateAsync("an-admin-key-that-is-long-enougH", default));
        Assert.Equal(RevokeOutcome.Managed, await service.RevokeAsync(ApiKeyService.BootstrapKeyId, "test", TenantScope.All, default));
    }

    [Fact]
    public async Task A_tenants_scope_revokes_and_lists_only_that_tenants_keys_and_never_finds_the_seeded_one()
    {
        var (service, _) = Create(adminKey: "an-admin-key-that-is-long-enough");
        await service.SeedAdminKeyAsync(default);
        var (acme, _) = await service.CreateAsync("a", ApiRole.Read, "acme", null, default);
        var (globex, _) = await service.CreateAsync("g", ApiRole.Read, "globex", null, default);
        var scope = TenantScope.Of("acme");
        Assert.Equal([acme.Id], (await service.ListAsync(scope, default)).Select(k => k.Id));
        Assert.Equal(RevokeOutcome.NotFound, await service.RevokeAsync(globex.Id, "acme admin", scope, default));
        Assert.Equal(RevokeOutcome.NotFound, await service.RevokeAsync(ApiKeyService.BootstrapKeyId, "acme admin", scope, default));
        Assert.Equal(RevokeOutcome.Revoked, await service.RevokeAsync(acme.Id, "acme admin", scope, default));
        Assert.Equal(3, (await service.ListAsync(TenantScope.All, default)).Count);
    }

    [Theory]
    [InlineData(ApiRole.Ingest, Permission.Ingest, true)]
    [InlineData(ApiRole.Ingest, Permission.Read, false)]
    [InlineData(ApiRole.Read, Permission.Read, true)]
    [InlineData(ApiRole.Read, Permission.Acknowledge, false)]
    [InlineData(ApiRole.Read, Permission.Ingest, false)]
    [InlineData(ApiRole.Operator, Permission.Read, true)]
    [InlineData(ApiRole.Operator, Permission.Acknowledge, true)]
    [InlineData(ApiRole.Operator, Permission.Admin, false)]
    [InlineData(ApiRole.Admin, Permission.Admin, true)]
    [InlineData(ApiRole.Admin, Permission.Ingest, true)]
    public void Roles_grant_what_the_contract_says(ApiRole role, Permission permission, bool granted) =>
        Assert.Equal(granted, role.Grants(permission));

    private sealed class StaticMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;
        public T Get(string? name) => value;
        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
