using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Vigil.Core.Auth;

public enum RevokeOutcome
{
    Revoked,
    NotFound,
    /// <summary>The key seeded from VIGIL_ADMIN_KEY: rotate the setting instead.</summary>
    Managed,
}

/// <summary>
/// Issues, checks and revokes API keys. Keys look like <c>vgl_{id}_{secret}</c>: the id finds the
/// stored record, and the SHA-256 of the whole key is compared in constant time. SHA-256 (not a slow
/// password hash) is right here because issued keys carry 256 random bits; the seeded admin key is
/// required to be long for the same reason.
/// </summary>
public sealed partial class ApiKeyService(IApiKeyStore store, IOptionsMonitor<AuthOptions> options, TimeProvider time, ILogger<ApiKeyService> logger)
{
    public const string BootstrapKeyId = "bootstrap-admin";
    private const string Prefix = "vgl_";

    private readonly ConcurrentDictionary<string, (StoredApiKey? Key, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    public async Task<ApiPrincipal?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        // Keys are printable ASCII; anything else is no key, and must not reach the store (a NUL
        // in the id part would be refused by PostgreSQL, failing the request instead of a 401).
        if (string.IsNullOrEmpty(presented) || presented.Length > 512 || presented.Any(c => c is < '!' or > '~')) return null;
        var id = TryGetId(presented) ?? BootstrapKeyId;
        var stored = await FindCachedAsync(id, cancellationToken);
        if (stored is null || stored.Key.RevokedAt is not null) return null;
        var hash = Hash(presented);
        if (!CryptographicOperations.FixedTimeEquals(hash, stored.Hash)) return null;
        var k = stored.Key;
        return new ApiPrincipal(k.Id, k.Name, k.Role, k.TenantId);
    }

    public async Task<(ApiKey Key, string PlainKey)> CreateAsync(string name, ApiRole role, string? tenantId, string? createdBy, CancellationToken cancellationToken)
    {
        var id = RandomId();
        var plain = $"{Prefix}{id}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        var key = new ApiKey(id, name, role, tenantId, time.GetUtcNow(), createdBy, null);
        await store.InsertAsync(new StoredApiKey(key, Hash(plain)), cancellationToken);
        LogKeyCreated(logger, id, role.ToName(), tenantId ?? "*", createdBy ?? "?");
        return (key, plain);
    }

    /// <summary>Revokes the key if <paramref name="scope"/> holds it (a tenant's admin: that tenant's keys only).</summary>
    public async Task<RevokeOutcome> RevokeAsync(string id, string? by, TenantScope scope, CancellationToken cancellationToken)
    {
        // The seeded admin key is unbound: outside a tenant's reach, and no different from any other key it cannot see.
        if (id == BootstrapKeyId) return scope.Includes(null) ? RevokeOutcome.Managed : RevokeOutcome.NotFound;
        var found = await store.RevokeAsync(id, scope, time.GetUtcNow(), cancellationToken);
        _cache.TryRemove(id, out _);
        if (found) LogKeyRevoked(logger, id, by ?? "?");
        return found ? RevokeOutcome.Revoked : RevokeOutcome.NotFound;
    }

    public Task<IReadOnlyList<ApiKey>> ListAsync(TenantScope scope, CancellationToken cancellationToken) => store.ListAsync(scope, cancellationToken);

    /// <summary>Stores VIGIL_ADMIN_KEY as the admin key; changing the setting rotates it.</summary>
    public async Task SeedAdminKeyAsync(CancellationToken cancellationToken)
    {
        var adminKey = options.CurrentValue.AdminKey?.Trim();
        if (string.IsNullOrEmpty(adminKey))
        {
            LogNoAdminKey(logger, AuthOptions.AdminKeySetting);
            return;
        }
        var key = new ApiKey(BootstrapKeyId, AuthOptions.AdminKeySetting, ApiRole.Admin, null, time.GetUtcNow(), "startup", null);
        await store.UpsertAsync(new StoredApiKey(key, Hash(adminKey)), cancellationToken);
        _cache.TryRemove(BootstrapKeyId, out _);
        LogAdminKeySeeded(logger, AuthOptions.AdminKeySetting);
    }

    private async Task<StoredApiKey?> FindCachedAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(id, out var entry) && entry.Expires > now) return entry.Key;
        var stored = await store.FindAsync(id, cancellationToken);
        // Unknown ids are not cached, so a key created on another host works at once.
        if (stored is not null) _cache[id] = (stored, now + options.CurrentValue.KeyCacheDuration);
        return stored;
    }

    private static string? TryGetId(string presented)
    {
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var end = presented.IndexOf('_', Prefix.Length);
        return end > Prefix.Length ? presented[Prefix.Length..end] : null;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string RandomId()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        Span<char> chars = stackalloc char[12];
        for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        return new string(chars);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "API key {KeyId} created with role {Role} for tenant {Tenant} by {CreatedBy}")]
    private static partial void LogKeyCreated(ILogger logger, string keyId, string role, string tenant, string createdBy);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "API key {KeyId} revoked by {By}")]
    private static partial void LogKeyRevoked(ILogger logger, string keyId, string by);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Admin key from {Setting} stored (hashed)")]
    private static partial void LogAdminKeySeeded(ILogger logger, string setting);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "{Setting} is not set: no admin key exists, so no API keys can be created")]
    private static partial void LogNoAdminKey(ILogger logger, string setting);
}
