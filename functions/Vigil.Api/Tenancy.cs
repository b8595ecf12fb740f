using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Core;
using Vigil.Core.Auth;

namespace Vigil.Api;

/// <summary>
/// How a request's key and the <c>tenant_id</c> it names (query or body) choose the scope a handler
/// works in. A tenant-bound key works in its tenant only: naming another tenant is 403, decided from
/// the key and the request alone, so it reveals nothing about any object; another scope's objects
/// are simply not there (404, as for a name nobody uses). An unbound key works in the global scope,
/// or in a tenant's with <c>?tenant_id=</c>; its lists show every scope.
/// </summary>
public static class Tenancy
{
    public const int MaxTenantLength = 64;

    /// <summary>The <c>tenant_id</c> query parameter, checked like the events' field (at most 64 characters).</summary>
    public static string? Requested(QueryReader query)
    {
        var tenant = query.Get("tenant_id");
        if (tenant is { Length: > MaxTenantLength })
        {
            query.Errors.Add("tenant_id", $"tenant_id must be at most {MaxTenantLength} characters.");
            return null;
        }
        return tenant;
    }

    /// <summary>The scope a route that names one object addresses: the key's tenant, or for an unbound key the one requested (null: global).</summary>
    public static (string? Tenant, ProblemResult? Forbidden) Address(ApiPrincipal principal, string? requested) =>
        principal.TenantId is { } bound ? (bound, ApiGate.CheckTenant(principal, requested)) : (requested, null);

    /// <summary>
    /// <see cref="Address"/> for a route whose only query parameter is <c>?tenant_id=</c>: the scope,
    /// or the problem to answer (403 for another tenant, then 400 for a bad or unknown parameter).
    /// </summary>
    public static (string? Tenant, ProblemResult? Problem) AddressFromQuery(HttpContext context, ApiPrincipal principal)
    {
        var q = new QueryReader(context.Request.Query, ["tenant_id"]);
        var (tenant, forbidden) = Address(principal, Requested(q));
        return (tenant, forbidden ?? (q.Errors.Any ? q.Errors.ToProblem() : null));
    }

    /// <summary><see cref="List"/> for a list whose only query parameter is <c>?tenant_id=</c>.</summary>
    public static (TenantScope Scope, ProblemResult? Problem) ListFromQuery(HttpContext context, ApiPrincipal principal)
    {
        var q = new QueryReader(context.Request.Query, ["tenant_id"]);
        var (scope, forbidden) = List(principal, Requested(q));
        return (scope, forbidden ?? (q.Errors.Any ? q.Errors.ToProblem() : null));
    }

    /// <summary>What a list shows: the key's tenant; for an unbound key every scope, or the tenant requested.</summary>
    public static (TenantScope Scope, ProblemResult? Forbidden) List(ApiPrincipal principal, string? requested) =>
        principal.TenantId is { } bound
            ? (TenantScope.Of(bound), ApiGate.CheckTenant(principal, requested))
            : (requested is null ? TenantScope.All : TenantScope.Of(requested), null);

    /// <summary>
    /// The scope a create-or-replace writes to, from the body's <c>tenant_id</c> or <c>?tenant_id=</c>
    /// (when both are given they must agree): a tenant-bound key creates in its own tenant only.
    /// </summary>
    public static (string? Tenant, ProblemResult? Forbidden) Write(ApiPrincipal principal, string? fromQuery, string? fromBody, FieldErrors errors)
    {
        if (fromQuery is not null && fromBody is not null && fromQuery != fromBody)
        {
            errors.Add("tenant_id", $"the body names tenant '{fromBody}' but the query names '{fromQuery}'.");
        }
        return Address(principal, fromBody ?? fromQuery);
    }

    /// <summary>
    /// A tenant's object may filter on its own tenant only: naming another in <c>filters.tenant_id</c>
    /// is 403 for a tenant-bound key (it names a tenant it may not touch), whatever else the document
    /// gets wrong, and a validation error for an unbound one.
    /// </summary>
    public static ProblemResult? CheckTenantFilter(ApiPrincipal principal, string? scope, JsonElement body, FieldErrors errors)
    {
        if (scope is null || !body.TryGetProperty("filters", out var filters) || filters.ValueKind != JsonValueKind.Object
            || !filters.TryGetProperty("tenant_id", out var tenants)) return null;
        string[] filtered = tenants.ValueKind switch
        {
            JsonValueKind.String => [tenants.GetString()!],
            JsonValueKind.Array => [.. tenants.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)],
            _ => [],
        };
        if (filtered.All(t => t == scope)) return null;
        var other = filtered.First(t => t != scope);
        if (principal.TenantId is not null) return ApiGate.CheckTenant(principal, other);
        errors.Add("filters", $"an object of tenant '{scope}' sees only that tenant's data; its tenant_id filter cannot name '{other}'.");
        return null;
    }
}
