using System.Text.Json;
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
        var q = new QueryReader(context.Request.Query, ["tenant_id"]);
        var (scope, forbidden) = Tenancy.List(principal!, Tenancy.Requested(q));
        if (forbidden is not null) return forbidden;
        if (q.Errors.Any) return q.Errors.ToProblem();
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

/// <summary>Reading fields of small request documents with clear, per-field messages.</summary>
public static class JsonFields
{
    public static string? String(JsonElement body, string name, FieldErrors errors, bool required, int maxLength)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) errors.Add(name, $"{name} is required.");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(name, $"{name} must be a string.");
            return null;
        }
        var text = value.GetString()!.Trim();
        if (text.Length == 0)
        {
            errors.Add(name, $"{name} must not be empty.");
            return null;
        }
        if (text.Length > maxLength)
        {
            errors.Add(name, $"{name} must be at most {maxLength} characters.");
            return null;
        }
        return text;
    }

    public static double? PositiveNumber(JsonElement body, string name, FieldErrors errors, bool required = true, bool allowZero = false)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) errors.Add(name, $"{name} is required.");
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            errors.Add(name, $"{name} must be a number.");
            return null;
        }
        if (number < 0 || (!allowZero && number == 0))
        {
            errors.Add(name, allowZero ? $"{name} must be 0 or more." : $"{name} must be greater than 0.");
            return null;
        }
        return number;
    }

    public static void RejectUnknown(JsonElement body, FieldErrors errors, params string[] known)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0) errors.Add(property.Name, $"unknown field '{property.Name}'.");
        }
    }
}
