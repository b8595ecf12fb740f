using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Auth;

namespace Vigil.Api;

/// <summary>
/// Escalation policies (<c>/api/escalation-policies</c>): named lists of levels rules choose. A
/// policy lives in one scope like a rule; a tenant's rule may use its tenant's policies or the global
/// ones (which, like every global object, only unbound keys see). Editing a policy changes escalations that start afterwards, never one already running.
/// </summary>
public sealed class EscalationPoliciesApi(ApiGate gate, IEscalationPolicyStore policies, TimeProvider time)
{
    private static readonly string[] Fields = ["name", "tenant_id", "description", "levels", "repeat", "repeat_interval"];
    private static readonly string[] LevelFields = ["after", "channels", "notify"];

    public Task<IResult> ListAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var (scope, problem) = Tenancy.ListFromQuery(context, principal!);
        if (problem is not null) return problem;
        // Global policies, which a tenant's rules may still name, are visible to unbound keys only, like every global object.
        return ApiResults.Json(new { policies = (await policies.ListAsync(scope, cancellationToken)).Select(View) });
    });

    public Task<IResult> GetAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var (tenant, problem) = Tenancy.AddressFromQuery(context, principal!);
        if (problem is not null) return problem;
        return await policies.GetAsync(tenant, name, cancellationToken) is { } policy ? ApiResults.Json(View(policy)) : NoPolicy(name);
    });

    public Task<IResult> PutAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        if (!Names.IsValid(name)) return FieldErrors.Single("name", "a policy name is 1-64 characters of a-z, 0-9, '_', '.' and '-'.");
        var q = new QueryReader(context.Request.Query, ["tenant_id"]);
        var fromQuery = Tenancy.Requested(q);
        var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null) return problem;
        var errors = q.Errors;
        var fromBody = JsonFields.String(body, "tenant_id", errors, required: false, maxLength: Tenancy.MaxTenantLength);
        var (tenant, forbidden) = Tenancy.Write(principal!, fromQuery, fromBody, errors);
        if (forbidden is not null) return forbidden;
        JsonFields.RejectUnknown(body, errors, Fields);
        if (JsonFields.String(body, "name", errors, required: false, maxLength: 64) is { } named && named != name)
        {
            errors.Add("name", $"the body names '{named}' but the route names '{name}'.");
        }
        var description = JsonFields.String(body, "description", errors, required: false, maxLength: 2000) ?? "";
        var levels = Levels(body, errors);
        var repeat = 0;
        if (body.TryGetProperty("repeat", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            if (r.ValueKind != JsonValueKind.Number || !r.TryGetInt32(out repeat)) errors.Add("repeat", $"repeat must be a whole number 0 to {EscalationPolicy.MaxRepeat}.");
        }
        TimeSpan? interval = null;
        if (body.TryGetProperty("repeat_interval", out var ri) && ri.ValueKind != JsonValueKind.Null)
        {
            if (ri.ValueKind == JsonValueKind.String && DurationText.TryParse(ri.GetString(), out var parsed)) interval = parsed;
            else errors.Add("repeat_interval", "repeat_interval must be a duration such as \"30m\".");
        }
        if (errors.Any) return errors.ToProblem("The escalation policy is invalid; see errors.");
        var now = time.GetUtcNow();
        var existing = await policies.GetAsync(tenant, name, cancellationToken);
        var policy = new EscalationPolicy
        {
            TenantId = tenant,
            Name = name,
            Description = description,
            Levels = levels,
            Repeat = repeat,
            RepeatInterval = interval,
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
        };
        foreach (var (field, message) in policy.Problems()) errors.Add(field, message);
        if (errors.Any) return errors.ToProblem("The escalation policy is invalid; see errors.");
        var created = await policies.UpsertAsync(policy, cancellationToken);
        var stored = await policies.GetAsync(tenant, name, cancellationToken);
        return ApiResults.Json(View(stored!), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    });

    public Task<IResult> DeleteAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        var (tenant, problem) = Tenancy.AddressFromQuery(context, principal!);
        if (problem is not null) return problem;
        if (tenant is null && name == EscalationPolicy.DefaultName)
        {
            return Problems.Conflict("The global default policy is what every rule without escalation_policy uses; replace it with PUT instead.");
        }
        var (deleted, usedBy) = await policies.DeleteAsync(tenant, name, cancellationToken);
        if (usedBy.Count > 0)
        {
            return Problems.Conflict($"Escalation policy '{name}' is used by {usedBy.Count} rule(s); point them at another policy first.").With("rules", usedBy);
        }
        return deleted ? Results.NoContent() : NoPolicy(name);
    });

    private static List<EscalationLevel> Levels(JsonElement body, FieldErrors errors)
    {
        var levels = new List<EscalationLevel>();
        if (!body.TryGetProperty("levels", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            errors.Add("levels", $"levels is required: an array of 1 to {EscalationPolicy.MaxLevels} levels.");
            return levels;
        }
        if (array.GetArrayLength() is 0 or > EscalationPolicy.MaxLevels)
        {
            errors.Add("levels", $"a policy has 1 to {EscalationPolicy.MaxLevels} levels (got {array.GetArrayLength()}).");
            return levels;
        }
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var at = $"levels[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(at, "a level is an object {\"after\",\"channels\",\"notify\"}.");
                continue;
            }
            foreach (var property in item.EnumerateObject().Where(p => Array.IndexOf(LevelFields, p.Name) < 0))
            {
                errors.Add($"{at}.{property.Name}", $"unknown field '{property.Name}'.");
            }
            var after = TimeSpan.Zero;
            if (!item.TryGetProperty("after", out var a) || a.ValueKind != JsonValueKind.String || !DurationText.TryParse(a.GetString(), out after))
            {
                errors.Add($"{at}.after", "after is required: a duration from firing such as \"0m\", \"15m\" or \"2h\".");
            }
            var channels = JsonFields.Strings(item, "channels", errors, 20, 32, $"{at}.channels");
            var notify = new List<NotifyTarget>();
            foreach (var text in JsonFields.Strings(item, "notify", errors, 20, 140, $"{at}.notify"))
            {
                if (NotifyTarget.TryParse(text, out var target, out var error)) notify.Add(target);
                else errors.Add($"{at}.notify", error);
            }
            levels.Add(new EscalationLevel(after, channels, notify));
        }
        return levels;
    }

    private static ProblemResult NoPolicy(string name) => Problems.NotFound($"No escalation policy '{name}'.");

    internal static Dictionary<string, object?> View(EscalationPolicy p) => new()
    {
        ["name"] = p.Name,
        ["tenant_id"] = p.TenantId,
        ["description"] = p.Description,
        ["levels"] = p.Levels.Select(l => new Dictionary<string, object?>
        {
            ["after"] = DurationText.Format(l.After),
            ["channels"] = l.Channels,
            ["notify"] = l.Notify.Select(n => n.ToString()).ToArray(),
        }),
        ["repeat"] = p.Repeat,
        ["repeat_interval"] = p.RepeatInterval is { } i ? DurationText.Format(i) : null,
        ["managed_by_settings"] = p.ManagedBySettings,
        ["created_at"] = p.CreatedAt,
        ["updated_at"] = p.UpdatedAt,
    };
}
