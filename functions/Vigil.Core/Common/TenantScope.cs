namespace Vigil.Core;

/// <summary>
/// Which scopes a list of objects (budgets, batch jobs, rules, SLA targets, keys, alerts) may draw
/// from. An object lives in one scope: a tenant's (<c>tenant_id</c> set) or the global one
/// (<c>tenant_id</c> null, the deployment's own objects). Stores turn a scope into a
/// <c>tenant_id</c> condition of the SQL itself, so a tenant's query never reads another's rows.
/// </summary>
/// <param name="Everything">Every scope: an unbound key listing without <c>?tenant_id=</c>, or a timer function.</param>
/// <param name="TenantId">The one scope otherwise: a tenant, or null for the global scope.</param>
/// <param name="WithGlobal">The global scope as well (global defaults that apply to a tenant, e.g. SLA targets).</param>
public readonly record struct TenantScope(bool Everything, string? TenantId, bool WithGlobal = false)
{
    public static TenantScope All => new(true, null);

    public static TenantScope Global => new(false, null);

    /// <summary>Exactly one scope: <paramref name="tenantId"/>'s, or the global one when it is null.</summary>
    public static TenantScope Of(string? tenantId) => new(false, tenantId);

    /// <summary>A tenant's scope and the global defaults beside it (just the global scope for null).</summary>
    public static TenantScope OfWithGlobal(string? tenantId) => new(false, tenantId, WithGlobal: true);

    /// <summary>The same rule as the SQL, for objects already in hand.</summary>
    public bool Includes(string? tenantId) => Everything || tenantId == TenantId || (WithGlobal && tenantId is null);
}
