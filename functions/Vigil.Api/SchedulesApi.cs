using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Core;
using Vigil.Core.Auth;
using Vigil.Core.OnCall;

namespace Vigil.Api;

/// <summary>
/// On-call schedules (<c>/api/schedules</c>): a daily or weekly rotation of people handing over at a
/// wall-clock time in a time zone, with overrides; <c>on-call?at=</c> answers who is primary and
/// secondary then. <c>schedule:&lt;name&gt;</c> in an escalation level notifies the primary at the
/// moment the level is sent.
/// </summary>
public sealed class SchedulesApi(ApiGate gate, IOnCallStore store, TimeProvider time)
{
    private static readonly string[] Fields = ["name", "tenant_id", "timezone", "rotation", "handoff", "participants", "overrides", "start"];
    private const int MaxOverrides = 200;

    public Task<IResult> ListAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var (scope, problem) = Tenancy.ListFromQuery(context, principal!);
        if (problem is not null) return problem;
        var now = time.GetUtcNow();
        return ApiResults.Json(new { schedules = (await store.ListSchedulesAsync(scope, cancellationToken)).Select(s => View(s, now)) });
    });

    public Task<IResult> GetAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var (tenant, problem) = Tenancy.AddressFromQuery(context, principal!);
        if (problem is not null) return problem;
        return await store.GetScheduleAsync(tenant, name, cancellationToken) is { } schedule ? ApiResults.Json(View(schedule, time.GetUtcNow())) : NoSchedule(name);
    });

    public Task<IResult> OnCallAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, ["tenant_id", "at"]);
        var at = time.GetUtcNow();
        if (q.Get("at") is { } text && !JsonFields.TryParseTimestamp(text, out at))
        {
            q.Errors.Add("at", "at must be an RFC 3339 date-time with an offset, such as 2026-03-29T09:00:00Z.");
        }
        var (tenant, forbidden) = Tenancy.Address(principal!, Tenancy.Requested(q));
        if (forbidden is not null) return forbidden;
        if (q.Errors.Any) return q.Errors.ToProblem();
        if (await store.GetScheduleAsync(tenant, name, cancellationToken) is not { } schedule) return NoSchedule(name);
        return ApiResults.Json(ShiftView(schedule, schedule.At(at), at));
    });

    public Task<IResult> PutAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        if (!Names.IsValid(name)) return FieldErrors.Single("name", "a schedule name is 1-64 characters of a-z, 0-9, '_', '.' and '-'.");
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

        TimeZoneInfo? zone = null;
        if (JsonFields.String(body, "timezone", errors, required: true, maxLength: 64) is { } zoneId)
        {
            if (TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var found)) zone = found;
            else errors.Add("timezone", $"unknown time zone '{zoneId}'; use an IANA name such as Europe/Berlin or UTC.");
        }
        var rotation = Rotation.Weekly;
        if (JsonFields.String(body, "rotation", errors, required: false, maxLength: 16) is { } rotationText && !Rotations.TryParse(rotationText, out rotation))
        {
            errors.Add("rotation", "rotation must be daily or weekly.");
        }
        Handoff handoff = default;
        if (JsonFields.String(body, "handoff", errors, required: true, maxLength: 32) is { } handoffText
            && !Handoff.TryParse(handoffText, rotation, out handoff, out var handoffError))
        {
            errors.Add("handoff", handoffError);
        }
        var participants = JsonFields.Strings(body, "participants", errors, 100, 64);
        if (participants.Count == 0 && !errors.Has("participants")) errors.Add("participants", "participants is required: the ids of 1 to 100 people, in rotation order.");
        var overrides = Overrides(body, errors);
        var start = JsonFields.Timestamp(body, "start", errors, required: false);
        if (errors.Any) return errors.ToProblem("The schedule is invalid; see errors.");

        // Everyone named must exist where an escalation would look for them: the scope, then global.
        foreach (var person in participants.Concat(overrides.Select(o => o.Person)).Distinct())
        {
            if (await store.GetPersonAsync(tenant, person, cancellationToken) is null
                && (tenant is null || await store.GetPersonAsync(null, person, cancellationToken) is null))
            {
                errors.Add("participants", $"no person '{person}'; create it with PUT /api/people/{person} first.");
            }
        }
        if (errors.Any) return errors.ToProblem("The schedule is invalid; see errors.");

        var now = time.GetUtcNow();
        var existing = await store.GetScheduleAsync(tenant, name, cancellationToken);
        var schedule = new OnCallSchedule(name, tenant, zone!, rotation, handoff, participants, overrides, start ?? existing?.Start ?? now, now)
        {
            CreatedAt = existing?.CreatedAt ?? now,
            StartGiven = start is not null,
        };
        var created = await store.UpsertScheduleAsync(schedule, cancellationToken);
        var stored = await store.GetScheduleAsync(tenant, name, cancellationToken);
        return ApiResults.Json(View(stored!, now), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    });

    public Task<IResult> DeleteAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        var (tenant, problem) = Tenancy.AddressFromQuery(context, principal!);
        if (problem is not null) return problem;
        return await store.DeleteScheduleAsync(tenant, name, cancellationToken) ? Results.NoContent() : NoSchedule(name);
    });

    private static List<ScheduleOverride> Overrides(JsonElement body, FieldErrors errors)
    {
        var list = new List<ScheduleOverride>();
        if (!body.TryGetProperty("overrides", out var array) || array.ValueKind == JsonValueKind.Null) return list;
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() > MaxOverrides)
        {
            errors.Add("overrides", $"overrides must be an array of at most {MaxOverrides} {{\"person\",\"from\",\"to\"}}.");
            return list;
        }
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var at = $"overrides[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(at, "an override is an object {\"person\",\"from\",\"to\"}.");
                continue;
            }
            var person = JsonFields.String(item, "person", errors, required: true, maxLength: 64);
            var from = JsonFields.Timestamp(item, "from", errors, required: true, field: $"{at}.from");
            var to = JsonFields.Timestamp(item, "to", errors, required: true, field: $"{at}.to");
            if (from is { } f && to is { } t && t <= f) errors.Add($"{at}.to", "to must be after from.");
            if (person is not null && from is not null && to is not null) list.Add(new ScheduleOverride(person, from.Value, to.Value));
        }
        return list;
    }

    private static ProblemResult NoSchedule(string name) => Problems.NotFound($"No schedule '{name}'.");

    private static Dictionary<string, object?> ShiftView(OnCallSchedule schedule, OnCallShift shift, DateTimeOffset at) => new()
    {
        ["schedule"] = schedule.Name,
        ["at"] = at,
        ["primary"] = shift.Primary,
        ["secondary"] = shift.Secondary,
        ["from"] = shift.From,
        ["to"] = shift.To,
    };

    private static Dictionary<string, object?> View(OnCallSchedule s, DateTimeOffset now) => new()
    {
        ["name"] = s.Name,
        ["tenant_id"] = s.TenantId,
        ["timezone"] = s.TimeZone.Id,
        ["rotation"] = s.Rotation.ToName(),
        ["handoff"] = s.Handoff.ToString(),
        ["participants"] = s.Participants,
        ["overrides"] = s.Overrides.Select(o => new { person = o.Person, from = o.From, to = o.To }),
        ["start"] = s.Start,
        ["on_call"] = ShiftView(s, s.At(now), now),
        ["created_at"] = s.CreatedAt,
        ["updated_at"] = s.UpdatedAt,
    };
}
