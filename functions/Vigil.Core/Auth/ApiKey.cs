namespace Vigil.Core.Auth;

/// <summary>An API key's public description. The key itself is never stored, only its SHA-256 hash.</summary>
public sealed record ApiKey(
    string Id,
    string Name,
    ApiRole Role,
    string? TenantId,
    DateTimeOffset CreatedAt,
    string? CreatedBy,
    DateTimeOffset? RevokedAt);

public sealed record StoredApiKey(ApiKey Key, byte[] Hash);

/// <summary>The authenticated caller of a request.</summary>
public sealed record ApiPrincipal(string KeyId, string Name, ApiRole Role, string? TenantId)
{
    public bool Has(Permission permission) => Role.Grants(permission);

    /// <summary>A key bound to a tenant sees only that tenant; an unbound key sees all.</summary>
    public bool MayAccessTenant(string tenantId) => TenantId is null || TenantId == tenantId;

    /// <summary>What this key lists by default: its tenant's objects, or (unbound) every scope.</summary>
    public TenantScope Scope => TenantId is null ? TenantScope.All : TenantScope.Of(TenantId);
}

public interface IApiKeyStore
{
    Task<StoredApiKey?> FindAsync(string id, CancellationToken cancellationToken);

    Task InsertAsync(StoredApiKey key, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the key with this id (used for the key seeded from VIGIL_ADMIN_KEY).</summary>
    Task UpsertAsync(StoredApiKey key, CancellationToken cancellationToken);

    /// <summary>Marks the key revoked; false when <paramref name="scope"/> (by the key's tenant) holds no such key.</summary>
    Task<bool> RevokeAsync(string id, TenantScope scope, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The keys bound to a tenant in <paramref name="scope"/> (unbound keys are the global scope).</summary>
    Task<IReadOnlyList<ApiKey>> ListAsync(TenantScope scope, CancellationToken cancellationToken);
}
