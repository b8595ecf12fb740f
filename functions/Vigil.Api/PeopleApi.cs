using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Vigil.Core;
using Vigil.Core.Auth;
using Vigil.Core.OnCall;

namespace Vigil.Api;

/// <summary>
/// People escalations reach (<c>/api/people</c>), with the contact points the channels use: e-mail,
/// a Slack member id the message @-mentions, a Teams UPN the card mentions, a phone number for the
/// incident tools. Scoped like rules; a tenant's schedules and policies may also name global people.
/// </summary>
public sealed partial class PeopleApi(ApiGate gate, IOnCallStore store, TimeProvider time)
{
    private static readonly string[] Fields = ["id", "tenant_id", "name", "email", "slack_user_id", "teams_upn", "phone"];

    public Task<IResult> ListAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var (scope, problem) = Tenancy.ListFromQuery(context, principal!);
        if (problem is not null) return problem;
        return ApiResults.Json(new { people = (await store.ListPeopleAsync(scope, cancellationToken)).Select(View) });
    });

    public Task<IResult> GetAsync(HttpContext context, string id) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var (tenant, problem) = Tenancy.AddressFromQuery(context, principal!);
        if (problem is not null) return problem;
        return await store.GetPersonAsync(tenant, id, cancellationToken) is { } person ? ApiResults.Json(View(person)) : NoPerson(id);
    });

    public Task<IResult> PutAsync(HttpContext context, string id) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        if (!Names.IsValid(id)) return FieldErrors.Single("id", "a person's id is 1-64 characters of a-z, 0-9, '_', '.' and '-'.");
        var q = new QueryReader(context.Request.Query, ["tenant_id"]);
        var fromQuery = Tenancy.Requested(q);
        var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null) return problem;
        var errors = q.Errors;
        var fromBody = JsonFields.String(body, "tenant_id", errors, required: false, maxLength: Tenancy.MaxTenantLength);
        var (tenant, forbidden) = Tenancy.Write(principal!, fromQuery, fromBody, errors);
        if (forbidden is not null) return forbidden;
        JsonFields.RejectUnknown(body, errors, Fields);
        if (JsonFields.String(body, "id", errors, required: false, maxLength: 64) is { } named && named != id)
        {
            errors.Add("id", $"the body names '{named}' but the route names '{id}'.");
        }
        var name = JsonFields.String(body, "name", errors, required: true, maxLength: 200);
        var email = Checked(body, "email", errors, 254, EmailPattern(), "an e-mail address such as alice@example.com");
        var slack = Checked(body, "slack_user_id", errors, 32, SlackPattern(), "a Slack member id such as U024BE7LH");
        var teams = Checked(body, "teams_upn", errors, 254, EmailPattern(), "a user principal name such as alice@contoso.com");
        var phone = Checked(body, "phone", errors, 16, PhonePattern(), "an E.164 number such as +4915112345678");
        if (errors.Any) return errors.ToProblem("The person is invalid; see errors.");
        var now = time.GetUtcNow();
        var existing = await store.GetPersonAsync(tenant, id, cancellationToken);
        var created = await store.UpsertPersonAsync(new Person
        {
            TenantId = tenant,
            Id = id,
            Name = name!,
            Email = email,
            SlackUserId = slack,
            TeamsUpn = teams,
            Phone = phone,
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
        }, cancellationToken);
        var stored = await store.GetPersonAsync(tenant, id, cancellationToken);
        return ApiResults.Json(View(stored!), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    });

    public Task<IResult> DeleteAsync(HttpContext context, string id) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        var (tenant, problem) = Tenancy.AddressFromQuery(context, principal!);
        if (problem is not null) return problem;
        var (deleted, usedBy) = await store.DeletePersonAsync(tenant, id, cancellationToken);
        if (usedBy.Count > 0)
        {
            return Problems.Conflict($"'{id}' is on {usedBy.Count} schedule(s); take them off first.").With("schedules", usedBy);
        }
        return deleted ? Results.NoContent() : NoPerson(id);
    });

    private static string? Checked(System.Text.Json.JsonElement body, string name, FieldErrors errors, int maxLength, Regex pattern, string what)
    {
        var value = JsonFields.String(body, name, errors, required: false, maxLength: maxLength);
        if (value is not null && !pattern.IsMatch(value))
        {
            errors.Add(name, $"{name} must be {what}.");
            return null;
        }
        return value;
    }

    private static ProblemResult NoPerson(string id) => Problems.NotFound($"No person '{id}'.");

    internal static Dictionary<string, object?> View(Person p) => new()
    {
        ["id"] = p.Id,
        ["tenant_id"] = p.TenantId,
        ["name"] = p.Name,
        ["email"] = p.Email,
        ["slack_user_id"] = p.SlackUserId,
        ["teams_upn"] = p.TeamsUpn,
        ["phone"] = p.Phone,
        ["created_at"] = p.CreatedAt,
        ["updated_at"] = p.UpdatedAt,
    };

    [GeneratedRegex(@"^[^@\s<>,;""]+@[^@\s<>,;""]+\.[^@\s<>,;""]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^[UW][A-Z0-9]{2,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex SlackPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();
}
