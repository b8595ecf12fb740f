using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Auth;
using Vigil.Core.Events;
using Vigil.Core.Metrics;

namespace Vigil.Api;

/// <summary>Alert rules (CRUD, enable/disable) and alerts (list, get, acknowledge).</summary>
public sealed class AlertsApi(ApiGate gate, IAlertRuleStore rules, IAlertStore alerts, AlertService alertService, EscalationService escalation, TimeProvider time)
{
    private static readonly string[] RuleFields =
        ["name", "description", "metric", "filters", "group_by", "window", "comparator", "threshold", "threshold_from", "for", "min_samples", "severity", "cooldown", "channels", "enabled", "escalate"];

    private static readonly string[] GroupDimensions = ["tenant_id", "bot", "operation", "model", "type", "batch_job"];

    public Task<IResult> ListRulesAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (_, cancellationToken) =>
        ApiResults.Json(new { rules = (await rules.ListAsync(cancellationToken)).Select(RuleView) }));

    public Task<IResult> GetRuleAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Read, async (_, cancellationToken) =>
        await rules.GetAsync(name, cancellationToken) is { } rule ? ApiResults.Json(RuleView(rule)) : Problems.NotFound($"No alert rule '{name}'."));

    public Task<IResult> PutRuleAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Admin, async (_, cancellationToken) =>
    {
        var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null) return problem;
        var errors = new FieldErrors();
        var existing = await rules.GetAsync(name, cancellationToken);
        var rule = ParseRule(name, body, errors, time.GetUtcNow(), existing?.CreatedAt);
        if (errors.Any) return errors.ToProblem("The alert rule is invalid; see errors.");
        var created = await rules.UpsertAsync(rule!, cancellationToken);
        var stored = await rules.GetAsync(name, cancellationToken);
        return ApiResults.Json(RuleView(stored!), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    });

    public Task<IResult> DeleteRuleAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Admin, async (_, cancellationToken) =>
        await rules.DeleteAsync(name, cancellationToken) ? Results.NoContent() : Problems.NotFound($"No alert rule '{name}'."));

    public Task<IResult> EnableRuleAsync(HttpContext context, string name) => SetEnabledAsync(context, name, true);

    public Task<IResult> DisableRuleAsync(HttpContext context, string name) => SetEnabledAsync(context, name, false);

    private Task<IResult> SetEnabledAsync(HttpContext context, string name, bool enabled) => gate.RunAsync(context, Permission.Admin, async (_, cancellationToken) =>
        await rules.SetEnabledAsync(name, enabled, time.GetUtcNow(), cancellationToken) is { } rule ? ApiResults.Json(RuleView(rule)) : Problems.NotFound($"No alert rule '{name}'."));

    public Task<IResult> ListAlertsAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, ["state", "rule", "tenant_id", "limit"]);
        AlertState? state = null;
        if (q.Get("state") is { } stateText)
        {
            if (AlertStates.TryParse(stateText, out var s)) state = s;
            else q.Errors.Add("state", "state must be pending, firing, acknowledged or resolved.");
        }
        var limit = q.Int("limit", 100, 1, 1000);
        var tenant = q.Get("tenant_id");
        if (principal!.TenantId is { } bound)
        {
            if (ApiGate.CheckTenant(principal, tenant) is { } forbidden) return forbidden;
            tenant = bound;
        }
        if (q.Errors.Any) return q.Errors.ToProblem();
        var list = await alerts.ListAsync(state, q.Get("rule"), tenant, limit, cancellationToken);
        return ApiResults.Json(new { alerts = list.Select(AlertView) });
    });

    public Task<IResult> GetAlertAsync(HttpContext context, string id) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        if (!Guid.TryParse(id, out var alertId) || await alerts.GetAsync(alertId, cancellationToken) is not { } alert) return Problems.NotFound($"No alert '{id}'.");
        return TenantProblem(principal!, alert) ?? ApiResults.Json(AlertView(alert));
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
        if (!Guid.TryParse(id, out var alertId) || await alerts.GetAsync(alertId, cancellationToken) is not { } current) return Problems.NotFound($"No alert '{id}'.");
        if (TenantProblem(principal!, current) is { } forbidden) return forbidden;

        var (outcome, alert) = await alertService.AcknowledgeAsync(alertId, by ?? principal!.Name, note, cancellationToken);
        return outcome switch
        {
            AckOutcome.Acknowledged or AckOutcome.AlreadyAcknowledged => ApiResults.Json(AlertView(alert!)),
            AckOutcome.Resolved => Problems.Conflict($"Alert '{id}' is already resolved; there is nothing to acknowledge.").With("alert", AlertView(alert!)),
            _ => Problems.NotFound($"No alert '{id}'."),
        };
    });

    private static ProblemResult? TenantProblem(ApiPrincipal principal, Alert alert) =>
        principal.TenantId is { } bound && alert.Group.GetValueOrDefault("tenant_id") != bound
            ? Problems.Forbidden($"This key is bound to tenant '{bound}' and this alert is not about that tenant.")
            : null;

    /// <summary>Reads and checks a rule document; every problem is reported against its field.</summary>
    internal static AlertRule? ParseRule(string name, JsonElement body, FieldErrors errors, DateTimeOffset now, DateTimeOffset? createdAt)
    {
        JsonFields.RejectUnknown(body, errors, RuleFields);
        if (!Names.IsValid(name)) errors.Add("name", "the rule name must be 1 to 64 characters of lower-case letters, digits, '_', '.' and '-'.");
        if (JsonFields.String(body, "name", errors, required: false, maxLength: 64) is { } bodyName && bodyName != name)
        {
            errors.Add("name", $"the body names rule '{bodyName}' but the URL names '{name}'.");
        }
        var description = JsonFields.String(body, "description", errors, required: false, maxLength: 500) ?? "";

        var metricText = JsonFields.String(body, "metric", errors, required: true, maxLength: 64);
        AlertMetric metric = default;
        if (metricText is not null && !AlertNames.TryParseMetric(metricText, out metric))
        {
            errors.Add("metric", $"unknown metric '{metricText}'; use one of {string.Join(", ", AlertNames.MetricNames)}.");
            metricText = null;
        }

        var window = Duration(body, "window", errors, TimeSpan.FromMinutes(5), MetricWindow.Shortest, MetricWindow.Longest);
        var forDuration = Duration(body, "for", errors, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromDays(1));
        var cooldown = Duration(body, "cooldown", errors, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromDays(7));

        var comparatorText = JsonFields.String(body, "comparator", errors, required: true, maxLength: 2);
        Comparator comparator = default;
        if (comparatorText is not null && !AlertNames.TryParseComparator(comparatorText, out comparator))
        {
            errors.Add("comparator", "comparator must be one of >, >=, <, <=.");
        }

        double? threshold = null;
        if (body.TryGetProperty("threshold", out var thresholdElement) && thresholdElement.ValueKind != JsonValueKind.Null)
        {
            if (thresholdElement.ValueKind != JsonValueKind.Number || !thresholdElement.TryGetDouble(out var t) || !double.IsFinite(t)) errors.Add("threshold", "threshold must be a number.");
            else threshold = t;
        }
        SlaThreshold? thresholdFrom = null;
        if (JsonFields.String(body, "threshold_from", errors, required: false, maxLength: 16) is { } fromText)
        {
            if (AlertNames.TryParseSlaThreshold(fromText, out var tf)) thresholdFrom = tf;
            else errors.Add("threshold_from", "threshold_from must be sla_p50, sla_p95 or sla_p99.");
        }
        var hasThresholdFrom = body.TryGetProperty("threshold_from", out var tfe) && tfe.ValueKind != JsonValueKind.Null;
        var hasThreshold = body.TryGetProperty("threshold", out var te) && te.ValueKind != JsonValueKind.Null;
        if (hasThreshold == hasThresholdFrom)
        {
            errors.Add("threshold", "give exactly one of threshold (a number) or threshold_from (sla_p50, sla_p95, sla_p99).");
        }

        var groupBy = new List<Dimension>();
        if (body.TryGetProperty("group_by", out var groupElement) && groupElement.ValueKind != JsonValueKind.Null)
        {
            if (groupElement.ValueKind != JsonValueKind.Array) errors.Add("group_by", "group_by must be an array of dimension names.");
            else
            {
                foreach (var item in groupElement.EnumerateArray())
                {
                    var dimensionName = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                    if (dimensionName is null || Array.IndexOf(GroupDimensions, dimensionName) < 0 || !Dimensions.TryParse(dimensionName, out var d))
                    {
                        errors.Add("group_by", $"cannot group by {item.GetRawText()}; use {string.Join(", ", GroupDimensions)}.");
                    }
                    else if (!groupBy.Contains(d))
                    {
                        groupBy.Add(d);
                    }
                }
            }
        }
        if (thresholdFrom is not null && !(groupBy.Contains(Dimension.Bot) && groupBy.Contains(Dimension.Operation)))
        {
            errors.Add("threshold_from", "an SLA threshold is per bot and operation, so group_by must include bot and operation.");
        }

        var filters = new MetricFilter();
        if (body.TryGetProperty("filters", out var filterElement) && filterElement.ValueKind != JsonValueKind.Null)
        {
            if (filterElement.ValueKind != JsonValueKind.Object) errors.Add("filters", "filters must be an object such as {\"bot\": \"lead_bot\"}.");
            else
            {
                foreach (var f in filterElement.EnumerateObject())
                {
                    if (Array.IndexOf(GroupDimensions, f.Name) < 0 || !Dimensions.TryParse(f.Name, out var d))
                    {
                        errors.Add("filters", $"cannot filter on '{f.Name}'; use {string.Join(", ", GroupDimensions)}.");
                        continue;
                    }
                    var values = f.Value.ValueKind switch
                    {
                        JsonValueKind.String => [f.Value.GetString()!],
                        JsonValueKind.Array when f.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String) => f.Value.EnumerateArray().Select(v => v.GetString()!).ToArray(),
                        _ => null,
                    };
                    if (values is null || values.Length == 0 || values.Any(string.IsNullOrWhiteSpace))
                    {
                        errors.Add("filters", $"filter '{f.Name}' must be a string or a non-empty array of strings.");
                        continue;
                    }
                    if (d == Dimension.Type && values.FirstOrDefault(v => !EventTypes.TryParse(v, out _)) is { } badType)
                    {
                        errors.Add("filters", $"'{badType}' is not an event type.");
                    }
                    filters.With(d, values);
                }
            }
        }
        if (metricText is not null && metric.ImpliedType() is { } implied && filters.Get(Dimension.Type) is { } types && !types.Contains(implied.ToName()))
        {
            errors.Add("filters", $"{metric.ToName()} is about {implied.ToName()} events; a type filter of {string.Join(", ", types)} would exclude them all.");
        }

        long minSamples = 0;
        if (body.TryGetProperty("min_samples", out var minElement) && minElement.ValueKind != JsonValueKind.Null)
        {
            if (minElement.ValueKind != JsonValueKind.Number || !minElement.TryGetInt64(out minSamples) || minSamples < 0)
            {
                errors.Add("min_samples", "min_samples must be a whole number, 0 or more.");
            }
        }

        var severityText = JsonFields.String(body, "severity", errors, required: true, maxLength: 16);
        Severity severity = default;
        if (severityText is not null && !AlertNames.TryParseSeverity(severityText, out severity))
        {
            errors.Add("severity", "severity must be critical, warning or info.");
        }

        var channels = new List<string>();
        if (body.TryGetProperty("channels", out var channelElement) && channelElement.ValueKind != JsonValueKind.Null)
        {
            if (channelElement.ValueKind != JsonValueKind.Array) errors.Add("channels", "channels must be an array.");
            else
            {
                foreach (var item in channelElement.EnumerateArray())
                {
                    var channel = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                    if (channel is null || !Core.Alerts.Channels.All.Contains(channel))
                    {
                        errors.Add("channels", $"unknown channel {item.GetRawText()}; use {string.Join(", ", Core.Alerts.Channels.All)}.");
                    }
                    else if (!channels.Contains(channel))
                    {
                        channels.Add(channel);
                    }
                }
            }
        }

        var enabled = Bool(body, "enabled", errors) ?? true;
        var escalate = Bool(body, "escalate", errors);
        if (errors.Any) return null;
        return new AlertRule
        {
            Name = name,
            Description = description,
            Metric = metric,
            Filters = filters,
            GroupBy = groupBy,
            Window = window,
            Comparator = comparator,
            Threshold = threshold,
            ThresholdFrom = thresholdFrom,
            For = forDuration,
            MinSamples = minSamples,
            Severity = severity,
            Cooldown = cooldown,
            Channels = channels,
            Escalate = escalate,
            Enabled = enabled,
            CreatedAt = createdAt ?? now,
            UpdatedAt = now,
        };
    }

    private static TimeSpan Duration(JsonElement body, string name, FieldErrors errors, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null) return fallback;
        if (element.ValueKind != JsonValueKind.String || !DurationText.TryParse(element.GetString(), out var value))
        {
            errors.Add(name, $"{name} must be a duration such as \"90s\", \"5m\", \"1h\" or \"24h\".");
            return fallback;
        }
        if (value < min || value > max)
        {
            errors.Add(name, $"{name} must be between {DurationText.Format(min)} and {DurationText.Format(max)}.");
            return fallback;
        }
        if (value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add(name, $"{name} must be a whole number of seconds.");
        }
        return value;
    }

    private static bool? Bool(JsonElement body, string name, FieldErrors errors)
    {
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind is JsonValueKind.True or JsonValueKind.False) return element.GetBoolean();
        errors.Add(name, $"{name} must be true or false.");
        return null;
    }

    private static object RuleView(AlertRule r) => new Dictionary<string, object?>
    {
        ["name"] = r.Name,
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
        ["cooldown"] = DurationText.Format(r.Cooldown),
        ["channels"] = r.Channels,
        ["escalate"] = r.Escalates,
        ["enabled"] = r.Enabled,
        ["created_at"] = r.CreatedAt,
        ["updated_at"] = r.UpdatedAt,
    };

    private object AlertView(Alert a) => new Dictionary<string, object?>
    {
        ["id"] = a.Id,
        ["rule"] = a.Rule,
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
        ["escalation_level"] = a.EscalationLevel,
        ["escalates"] = a.Escalates,
        ["ack_url"] = escalation.AckUrl(a.Id),
        ["notifications"] = a.Notifications.Select(n => new Dictionary<string, object?>
        {
            ["level"] = n.Level,
            ["channel"] = n.Channel,
            ["kind"] = n.Kind.ToName(),
            ["status"] = n.Status.ToName(),
            ["attempts"] = n.Attempts,
            ["sent_at"] = n.SentAt,
            ["error"] = n.Error,
        }),
    };
}
