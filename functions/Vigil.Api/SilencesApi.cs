using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Auth;
using Vigil.Core.Silences;

namespace Vigil.Api;

/// <summary>
/// Silences (<c>/api/silences</c>) with Alertmanager's matchers on the rule's name, severity and the
/// alert's group labels: <c>{"rule":"high-latency"}</c> is an equality; <c>{"bot":{"op":"=~","value":"faq-.*"}}</c>
/// takes any of <c>= != =~ !~</c>. Matching alerts keep their lifecycle but send nothing; what they
/// would have sent is recorded as suppressed, and levels that fell due are sent when the silence ends.
/// A tenant's silence mutes only that tenant's alerts.
/// </summary>
public sealed class SilencesApi(ApiGate gate, ISilenceStore silences, IAlertStore alerts, IEscalationDriver driver, TimeProvider time)
{
    private static readonly string[] Fields = ["matchers", "starts_at", "ends_at", "created_by", "comment", "tenant_id"];
    private static readonly TimeSpan Longest = TimeSpan.FromDays(366);
    private const int MaxMatchers = 20;

    public Task<IResult> CreateAsync(HttpContext context) => gate.RunAsync(context, Permission.Acknowledge, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, ["tenant_id"]);
        var fromQuery = Tenancy.Requested(q);
        var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null) return problem;
        var errors = q.Errors;
        var fromBody = JsonFields.String(body, "tenant_id", errors, required: false, maxLength: Tenancy.MaxTenantLength);
        var (tenant, forbidden) = Tenancy.Write(principal!, fromQuery, fromBody, errors);
        if (forbidden is not null) return forbidden;
        JsonFields.RejectUnknown(body, errors, Fields);
        var matchers = Matchers(body, errors);
        var now = time.GetUtcNow();
        var startsAt = JsonFields.Timestamp(body, "starts_at", errors, required: false) ?? now;
        var endsAt = JsonFields.Timestamp(body, "ends_at", errors, required: true);
        var createdBy = JsonFields.String(body, "created_by", errors, required: false, maxLength: 200) ?? principal!.Name;
        var comment = JsonFields.String(body, "comment", errors, required: false, maxLength: 2000);
        if (endsAt is { } end)
        {
            if (end <= startsAt) errors.Add("ends_at", "ends_at must be after starts_at.");
            else if (end <= now) errors.Add("ends_at", "ends_at must be in the future.");
            else if (end - startsAt > Longest) errors.Add("ends_at", "a silence lasts at most 366 days.");
        }
        if (errors.Any) return errors.ToProblem("The silence is invalid; see errors.");
        var silence = new Silence(Guid.NewGuid(), tenant, matchers, startsAt, endsAt!.Value, createdBy, comment, now, null);
        await silences.CreateAsync(silence, cancellationToken);
        return ApiResults.Json(View(silence, now), StatusCodes.Status201Created);
    });

    public Task<IResult> ListAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, ["tenant_id", "active"]);
        var active = false;
        if (q.Get("active") is { } text && !bool.TryParse(text, out active)) q.Errors.Add("active", "active must be true or false.");
        var (scope, forbidden) = Tenancy.List(principal!, Tenancy.Requested(q));
        if (forbidden is not null) return forbidden;
        if (q.Errors.Any) return q.Errors.ToProblem();
        var now = time.GetUtcNow();
        return ApiResults.Json(new { silences = (await silences.ListAsync(scope, active, now, cancellationToken)).Select(s => View(s, now)) });
    });

    public Task<IResult> GetAsync(HttpContext context, string id) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
        Guid.TryParse(id, out var silenceId) && await silences.GetAsync(silenceId, principal!.Scope, cancellationToken) is { } silence
            ? ApiResults.Json(View(silence, time.GetUtcNow()))
            : NoSilence(id));

    /// <summary>Ends the silence now (it is kept, expired); steps it held are sent at once if their alerts still fire.</summary>
    public Task<IResult> DeleteAsync(HttpContext context, string id) => gate.RunAsync(context, Permission.Acknowledge, async (principal, cancellationToken) =>
    {
        if (!Guid.TryParse(id, out var silenceId) || await silences.GetAsync(silenceId, principal!.Scope, cancellationToken) is not { } silence) return NoSilence(id);
        var now = time.GetUtcNow();
        // Read before expiring: the alerts this silence holds, of its tenant only (a global one may hold any).
        var held = new List<Guid>();
        if (silence.IsActiveAt(now))
        {
            foreach (var alertId in await alerts.HeldAsync(now, silence.TenantId is null ? TenantScope.All : TenantScope.Of(silence.TenantId), cancellationToken))
            {
                if (await alerts.GetAsync(alertId, cancellationToken) is { } alert && silence.Matches(SilenceLabels.Of(alert))) held.Add(alertId);
            }
        }
        await silences.ExpireAsync(silenceId, principal.Scope, now, cancellationToken);
        if (held.Count > 0)
        {
            await driver.OnSilenceEndedAsync(held, cancellationToken);
            EscalationSignals.Of(context).Released.AddRange(held);
        }
        return Results.NoContent();
    });

    private static List<SilenceMatcher> Matchers(JsonElement body, FieldErrors errors)
    {
        var list = new List<SilenceMatcher>();
        if (!body.TryGetProperty("matchers", out var matchers) || matchers.ValueKind != JsonValueKind.Object)
        {
            errors.Add("matchers", "matchers is required: an object of label → value, such as {\"rule\":\"high-latency\",\"bot\":\"faq\"}.");
            return list;
        }
        foreach (var property in matchers.EnumerateObject())
        {
            var field = $"matchers.{property.Name}";
            if (!IsLabelName(property.Name))
            {
                errors.Add(field, "a label name is a letter or '_' then letters, digits and '_' (at most 64).");
                continue;
            }
            var op = MatchOperator.Equal;
            string? value = null;
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                value = property.Value.GetString();
            }
            else if (property.Value.ValueKind == JsonValueKind.Object)
            {
                var opText = property.Value.TryGetProperty("op", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : "=";
                if (!MatchOperators.TryParse(opText, out op)) errors.Add(field, "op must be one of =, !=, =~, !~.");
                value = property.Value.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            }
            if (value is null || value.Length > 1000 || value.Contains('\0'))
            {
                errors.Add(field, "a matcher is a string, or {\"op\":\"=~\",\"value\":\"…\"}; values are at most 1,000 characters.");
                continue;
            }
            if (SilenceMatcher.TryCreate(property.Name, op, value, out var matcher, out var error)) list.Add(matcher);
            else errors.Add(field, error);
        }
        if (list.Count > MaxMatchers) errors.Add("matchers", $"a silence has at most {MaxMatchers} matchers.");
        // As in Alertmanager: a silence must single something out, not mute every alert there is.
        if (!errors.Any && list.All(m => m.MatchesEmpty))
        {
            errors.Add("matchers", "at least one matcher must not match an empty value (a silence that matches every alert is refused).");
        }
        return list;
    }

    private static bool IsLabelName(string name) =>
        name.Length is > 0 and <= 64 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static ProblemResult NoSilence(string id) => Problems.NotFound($"No silence '{id}'.");

    internal static Dictionary<string, object?> View(Silence s, DateTimeOffset now) => new()
    {
        ["id"] = s.Id,
        ["tenant_id"] = s.TenantId,
        ["matchers"] = s.Matchers.ToDictionary(m => m.Name, m => m.Operator == MatchOperator.Equal ? (object)m.Value : new { op = m.Operator.ToSymbol(), value = m.Value }),
        ["starts_at"] = s.StartsAt,
        ["ends_at"] = s.EndsAt,
        ["expired_at"] = s.ExpiredAt,
        ["state"] = s.IsActiveAt(now) ? "active" : now < s.StartsAt ? "pending" : "expired",
        ["created_by"] = s.CreatedBy,
        ["comment"] = s.Comment,
        ["created_at"] = s.CreatedAt,
    };
}
