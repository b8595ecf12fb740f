using Microsoft.AspNetCore.Http;
using Vigil.Core.Auth;

namespace Vigil.Api;

/// <summary>
/// <c>POST /api/keys</c>, <c>GET /api/keys</c>, <c>DELETE /api/keys/{id}</c> (admin). A tenant's admin
/// creates keys bound to its own tenant only, never with a role above its own, and lists and
/// revokes only its tenant's keys: another tenant's key, or an unbound one, is not found.
/// </summary>
public sealed class KeysApi(ApiGate gate, ApiKeyService keys)
{
    public Task<IResult> CreateAsync(HttpContext context) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null) return problem;

        var errors = new FieldErrors();
        var name = JsonFields.String(body, "name", errors, required: true, maxLength: 100);
        var roleText = JsonFields.String(body, "role", errors, required: true, maxLength: 20);
        var requested = JsonFields.String(body, "tenant_id", errors, required: false, maxLength: Tenancy.MaxTenantLength);
        JsonFields.RejectUnknown(body, errors, "name", "role", "tenant_id");
        var role = ApiRole.Admin;
        if (roleText is not null && !ApiRoles.TryParse(roleText, out role))
        {
            errors.Add("role", $"role must be one of {string.Join(", ", ApiRoles.Names)}.");
        }
        // A key without tenant_id from a tenant's admin is bound to that tenant: it can never mint an unbound key.
        var (tenant, forbidden) = Tenancy.Address(principal!, requested);
        if (forbidden is not null) return forbidden;
        if (roleText is not null && role > principal!.Role)
        {
            return Problems.Forbidden($"A key with role '{principal.Role.ToName()}' may not create a key with the higher role '{role.ToName()}'.");
        }
        if (errors.Any) return errors.ToProblem();

        var (key, plain) = await keys.CreateAsync(name!, role, tenant, principal!.KeyId, cancellationToken);
        return TypedResults.Json(
            new CreatedKey(key.Id, plain, key.Name, key.Role.ToName(), key.TenantId, key.CreatedAt),
            ApiJson.Options, statusCode: StatusCodes.Status201Created);
    });

    public Task<IResult> ListAsync(HttpContext context) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        var (scope, problem) = Tenancy.ListFromQuery(context, principal!);
        if (problem is not null) return problem;
        var list = await keys.ListAsync(scope, cancellationToken);
        return ApiResults.Json(new { keys = list.Select(k => new KeyView(k.Id, k.Name, k.Role.ToName(), k.TenantId, k.CreatedAt, k.CreatedBy, k.RevokedAt)) });
    });

    public Task<IResult> RevokeAsync(HttpContext context, string id) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
        await keys.RevokeAsync(id, principal!.KeyId, principal.Scope, cancellationToken) switch
        {
            RevokeOutcome.Revoked => Results.NoContent(),
            RevokeOutcome.Managed => Problems.Conflict($"Key '{id}' is seeded from {AuthOptions.AdminKeySetting}; change that setting to rotate it."),
            _ => Problems.NotFound($"No API key with id '{id}'."),
        });

    private sealed record CreatedKey(string Id, string Key, string Name, string Role, string? TenantId, DateTimeOffset CreatedAt);

    private sealed record KeyView(string Id, string Name, string Role, string? TenantId, DateTimeOffset CreatedAt, string? CreatedBy, DateTimeOffset? RevokedAt);
}
