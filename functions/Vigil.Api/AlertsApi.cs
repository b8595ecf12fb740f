using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Auth;
using Vigil.Core.Events;
using Vigil.Core.Incidents;
using Vigil.Core.Metrics;

namespace Vigil.Api;

/// <summary>
/// Alert rules (CRUD, enable/disable) and alerts (list, get, acknowledge). A rule lives in one scope
/// (global, or a tenant's: <see cref="Tenancy"/>). An alert belongs to the tenant whose data it is
/// about (<see cref="AlertRule.TenantOf"/>), so a tenant's key sees its own rules' alerts and a
/// global rule's alerts for its own tenant's groups, and no other alert exists for it.
/// </summary>
public sealed class AlertsApi(ApiGate gate, IAlertRuleStore rules, IAlertStore alerts, AlertService alertService, EscalationService escalation, IEscalationPolicyStore policies,
    IIncidentStore incidents, IPostmortemStore postmortems, IOptionsMonitor<IncidentOptions> incidentOptions, TimeProvider time)
{
    public Task<IResult> ListRulesAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var (scope, problem) = Tenancy.ListFromQuery(context, principal!);
        if (problem is not null) return problem;
        return ApiResults.Json(new { rules = (await rules.ListAsync(scope, cancellationToken)).Select(RuleView) });
    });

    public Task<IResult> GetRuleAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var (tenant, problem) = Tenancy.AddressFromQuery(context, principal!);
        if (problem is not null) return problem;
        return await rules.GetAsync(tenant, name, cancellationToken) is { } rule ? ApiResults.Json(RuleView(rule)) : NoRule(name);
    });

    public Task<IResult> PutRuleAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, ["tenant_id"]);
        var fromQuery = Tenancy.Requested(q);
        var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null) return problem;
        var errors = q.Errors;
        var fromBody = JsonFields.String(body, "tenant_id", errors, required: false, maxLength: Tenancy.MaxTenantLength);
        var (tenant, forbidden) = Tenancy.Write(principal!, fromQuery, fromBody, errors);
        if (forbidden is not null) return forbidden;
        if (Tenancy.CheckTenantFilter(principal!, tenant, body, errors) is { } other) return other;
        var existing = await rules.GetAsync(tenant, name, cancellationToken);
        var rule = AlertRuleParser.Parse(tenant, name, body, errors, time.GetUtcNow(), existing?.CreatedAt);
        if (rule is not null && await policies.GetAsync(tenant, rule.EscalationPolicyName, cancellationToken) is null
            && (tenant is null || await policies.GetAsync(null, rule.EscalationPolicyName, cancellationToken) is null))
        {
            errors.Add("escalation_policy", $"no escalation policy '{rule.EscalationPolicyName}'; create it with PUT /api/escalation-policies/{rule.EscalationPolicyName} first.");
        }
        if (errors.Any) return errors.ToProblem("The alert rule is invalid; see errors.");
        var created = await rules.UpsertAsync(rule!, cancellationToken);
        var stored = await rules.GetAsync(tenant, name, cancellationToken);
        return ApiResults.Json(RuleView(stored!), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    });

    public Task<IResult> DeleteRuleAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        var (tenant, problem) = Tenancy.AddressFromQuery(context, principal!);
        if (problem is not null) return problem;
        return await rules.DeleteAsync(tenant, name, cancellationToken) ? Results.NoContent() : NoRule(name);
    });

    public Task<IResult> EnableRuleAsync(HttpContext context, string name) => SetEnabledAsync(context, name, true);

    public Task<IResult> DisableRuleAsync(HttpContext context, string name) => SetEnabledAsync(context, name, false);

    private Task<IResult> SetEnabledAsync(HttpContext context, string name, bool enabled) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        var (tenant, problem) = Tenancy.AddressFromQuery(context, principal!);
        if (problem is not null) return problem;
        return await rules.SetEnabledAsync(tenant, name, enabled, time.GetUtcNow(), cancellationToken) is { } rule ? ApiResults.Json(RuleView(rule)) : NoRule(name);
    });

    public Task<IResult> ListAlertsAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, ["state", "rule", "tenant_id", "limit", "postmortem"]);
        AlertState? state = null;
        if (q.Get("state") is { } stateText)
        {
            if (AlertStates.TryParse(stateText, out var s)) state = s;
            else q.Errors.Add("state", "state must be pending, firing, acknowledged or resolved.");
        }
        bool? withPostmortem = null;
        if (q.Get("postmortem") is { } postmortemText)
        {
            if (bool.TryParse(postmortemText, out var p) && postmortemText is "true" or "false") withPostmortem = p;
            else q.Errors.Add("postmortem", "postmortem must be true (alerts with a postmortem) or false (without one).");
        }
        var limit = q.Int("limit", 100, 1, 1000);
        var (scope, forbidden) = Tenancy.List(principal!, Tenancy.Requested(q));
        if (forbidden is not null) return forbidden;
        if (q.Errors.Any) return q.Errors.ToProblem();
        var list = await alerts.ListAsync(state, q.Get("rule"), withPostmortem, scope, limit, cancellationToken);
        return ApiResults.Json(new { alerts = list.Select(AlertView) });
    });

    /// <summary>The alert with its timeline (every transition and notification, in time order) and its postmortem (null until written).</summary>
    public Task<IResult> GetAlertAsync(HttpContext context, string id) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        if (!Guid.TryParse(id, out var alertId) || await alerts.GetAsync(alertId, principal!.Scope, cancellationToken) is not { } alert) return NoAlert(id);
        var transitions = await incidents.TransitionsAsync(alertId, principal.Scope, cancellationToken);
        var history = await postmortems.HistoryAsync(alertId, principal.Scope, cancellationToken);
        var view = AlertView(alert);
        view["timeline"] = IncidentTimeline.Build(alert, transitions, history).Select(IncidentsApi.TimelineView);
        view["postmortem"] = history.Count == 0 ? null : IncidentsApi.PostmortemView(history[^1]);
        return ApiResults.Json(view);
    });

    public Task<IResult> AcknowledgeAsync(HttpContext context, string id) => gate.RunAsync(context, Permission.Acknowledge, async (principal, cancellationToken) =>
    {
        string? by = null;
        string? note = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
            if (problem is not null) return problem;
            var errors = new FieldErrors();
            by = JsonFields.String(body, "acknowledged_by", errors, required: false, maxLength: 200);
            note = JsonFields.String(body, "note", errors, required: false, maxLength: 2000);
            JsonFields.RejectUnknown(body, errors, "acknowledged_by", "note");
            if (errors.Any) return errors.ToProblem();
        }
        // Another tenant's alert is not there for this key: 404, as for an id nobody holds.
        if (!Guid.TryParse(id, out var alertId) || await alerts.GetAsync(alertId, principal!.Scope, cancellationToken) is null) return NoAlert(id);

        var (outcome, alert) = await alertService.AcknowledgeAsync(alertId, by ?? principal.Name, note, cancellationToken);
        if (outcome == AckOutcome.Acknowledged) EscalationSignals.Of(context).Stopped.Add(alertId);
        return outcome switch
        {
            AckOutcome.Acknowledged or AckOutcome.AlreadyAcknowledged => ApiResults.Json(AlertView(alert!)),
            AckOutcome.Resolved => Problems.Conflict($"Alert '{id}' is already resolved; there is nothing to acknowledge.").With("alert", AlertView(alert!)),
            _ => NoAlert(id),
        };
    });

    /// <summary>Resolved by a person: escalation stops and the channels that were notified hear of it; 409 when already resolved.</summary>
    public Task<IResult> ResolveAsync(HttpContext context, string id) => gate.RunAsync(context, Permission.Acknowledge, async (principal, cancellationToken) =>
    {
        string? by = null;
        string? note = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
            if (problem is not null) return problem;
            var errors = new FieldErrors();
            by = JsonFields.String(body, "resolved_by", errors, required: false, maxLength: 200);
            note = JsonFields.String(body, "note", errors, required: false, maxLength: 2000);
            JsonFields.RejectUnknown(body, errors, "resolved_by", "note");
            if (errors.Any) return errors.ToProblem();
        }
        if (!Guid.TryParse(id, out var alertId) || await alerts.GetAsync(alertId, principal!.Scope, cancellationToken) is null) return NoAlert(id);

        var (outcome, alert) = await alertService.ResolveAsync(alertId, by ?? principal.Name, note, cancellationToken);
        if (outcome == ResolveOutcome.Resolved) EscalationSignals.Of(context).Stopped.Add(alertId);
        return outcome switch
        {
            ResolveOutcome.Resolved => ApiResults.Json(AlertView(alert!)),
            ResolveOutcome.AlreadyResolved => Problems.Conflict($"Alert '{id}' is already resolved.").With("alert", AlertView(alert!)),
            _ => NoAlert(id),
        };
    });

    private static ProblemResult NoRule(string name) => Problems.NotFound($"No alert rule '{name}'.");

    private static ProblemResult NoAlert(string id) => Problems.NotFound($"No alert '{id}'.");

    private static Dictionary<string, object?> RuleView(AlertRule r) => new()
    {
        ["name"] = r.Name,
        ["tenant_id"] = r.TenantId,
        ["description"] = r.Description,
        ["metric"] = r.Metric.ToName(),
        ["filters"] = r.Filters.Values.ToDictionary(f => f.Key.ToName(), f => f.Value),
        ["group_by"] = r.GroupBy.Select(d => d.ToName()).ToArray(),
        ["window"] = DurationText.Format(r.Window),
        ["comparator"] = r.Comparator.ToSymbol(),
        ["threshold"] = r.Threshold,
        ["threshold_from"] = r.ThresholdFrom?.ToName(),
        ["for"] = DurationText.Format(r.For),
        ["min_samples"] = r.MinSamples,
        ["severity"] = r.Severity.ToName(),
        ["priority"] = r.EffectivePriority.ToName(),
        ["cooldown"] = DurationText.Format(r.Cooldown),
        ["channels"] = r.Channels,
        ["escalate"] = r.Escalates,
        ["escalation_policy"] = r.EscalationPolicyName,
        ["enabled"] = r.Enabled,
        ["created_at"] = r.CreatedAt,
        ["updated_at"] = r.UpdatedAt,
    };

    private Dictionary<string, object?> AlertView(Alert a)
    {
        var ackDueAt = AckDeadline.DueAt(a.FiredAt, a.Priority, incidentOptions.CurrentValue);
        var view = AlertFields(a);
        view["priority"] = a.Priority.ToName();
        view["breach_started_at"] = a.BreachStartedAt;
        view["ack_due_at"] = ackDueAt;
        view["ack_breached"] = AckDeadline.IsBreached(ackDueAt, a.AcknowledgedAt, a.ResolvedAt, time.GetUtcNow());
        return view;
    }

    private Dictionary<string, object?> AlertFields(Alert a) => new()
    {
        ["id"] = a.Id,
        ["tenant_id"] = a.TenantId,
        ["rule"] = a.Rule,
        ["rule_tenant_id"] = a.RuleTenantId,
        ["group"] = a.Group,
        ["severity"] = a.Severity.ToName(),
        ["state"] = a.State.ToName(),
        ["value"] = a.Value,
        ["threshold"] = a.Threshold,
        ["metric"] = a.Metric,
        ["comparator"] = a.Comparator,
        ["window"] = a.Window,
        ["started_at"] = a.StartedAt,
        ["fired_at"] = a.FiredAt,
        ["acknowledged_at"] = a.AcknowledgedAt,
        ["acknowledged_by"] = a.AcknowledgedBy,
        ["ack_note"] = a.AcknowledgeNote,
        ["resolved_at"] = a.ResolvedAt,
        ["resolve_reason"] = a.ResolveReason,
        ["resolved_by"] = a.ResolvedBy,
        ["escalation_level"] = a.EscalationLevel,
        ["escalation_step"] = a.EscalationStep,
        ["escalation_policy"] = a.Plan?.Policy,
        ["escalation_levels"] = a.Plan?.LevelCount,
        ["next_escalation_at"] = a.State == AlertState.Firing && a.Plan is { } plan && plan.Find(a.EscalationStep + 1) is { } next ? plan.DueAt(next) : null,
        ["held_until"] = a.HeldUntil,
        ["escalates"] = a.Escalates,
        ["ack_url"] = escalation.AckUrl(a.Id),
        ["notifications"] = a.Notifications.Select(n => new Dictionary<string, object?>
        {
            ["level"] = n.Level,
            ["step"] = n.Step,
            ["recipients"] = n.Recipients,
            ["channel"] = n.Channel,
            ["kind"] = n.Kind.ToName(),
            ["status"] = n.Status.ToName(),
            ["attempts"] = n.Attempts,
            ["sent_at"] = n.SentAt,
            ["error"] = n.Error,
        }),
    };
}
