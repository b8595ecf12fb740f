using System.Text.Json;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Events;
using Vigil.Core.Metrics;

namespace Vigil.Api;

/// <summary>Reads an alert rule document (<c>PUT /api/alert-rules/{name}</c>); every problem is reported against its field.</summary>
public static class AlertRuleParser
{
    private static readonly string[] RuleFields =
        ["name", "tenant_id", "description", "metric", "filters", "group_by", "window", "comparator", "threshold", "threshold_from", "for", "min_samples", "severity", "cooldown", "channels", "enabled", "escalate", "escalation_policy",
        "priority"];

    private static readonly string[] GroupDimensions = ["tenant_id", "bot", "operation", "model", "type", "batch_job"];

    /// <summary>Reads and checks a rule document; every problem is reported against its field.</summary>
    public static AlertRule? Parse(string? tenantId, string name, JsonElement body, FieldErrors errors, DateTimeOffset now, DateTimeOffset? createdAt)
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

        var batchMetric = metricText is not null && metric.IsBatchRun();
        var comparatorText = JsonFields.String(body, "comparator", errors, required: !batchMetric, maxLength: 2);
        Comparator comparator = default;
        if (comparatorText is not null && !AlertNames.TryParseComparator(comparatorText, out comparator))
        {
            errors.Add("comparator", "comparator must be one of >, >=, <, <=.");
        }
        else if (comparatorText is null && batchMetric)
        {
            comparator = BatchRunDefaults(metric).Comparator;
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
        if (batchMetric && !hasThreshold && !hasThresholdFrom)
        {
            threshold = BatchRunDefaults(metric).Threshold;
            hasThreshold = true;
        }
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

        if (metricText is not null) CheckCostIntelligence(metric, window, threshold, hasThresholdFrom, groupBy, filters, errors);

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

        Priority? priority = null;
        if (JsonFields.String(body, "priority", errors, required: false, maxLength: 8) is { } priorityText)
        {
            if (Priorities.TryParse(priorityText, out var p)) priority = p;
            else errors.Add("priority", "priority must be P0, P1, P2 or P3 (absent: from severity, critical P1, warning P2, info P3).");
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
        var policy = JsonFields.String(body, "escalation_policy", errors, required: false, maxLength: 64) ?? EscalationPolicy.DefaultName;
        if (!Names.IsValid(policy)) errors.Add("escalation_policy", "escalation_policy names a policy: 1-64 characters of a-z, 0-9, '_', '.' and '-'.");
        if (errors.Any) return null;
        return new AlertRule
        {
            TenantId = tenantId,
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
            Priority = priority,
            Cooldown = cooldown,
            Channels = channels,
            Escalate = escalate,
            EscalationPolicyName = policy,
            Enabled = enabled,
            CreatedAt = createdAt ?? now,
            UpdatedAt = now,
        };
    }

    /// <summary>
    /// A batch-run rule may leave out comparator and threshold: batch_run_failed fires when the success
    /// rate is under the runbook's 95%, batch_run_overdue when the job is late at all.
    /// </summary>
    private static (Comparator Comparator, double Threshold) BatchRunDefaults(AlertMetric metric) =>
        metric == AlertMetric.BatchRunFailed ? (Comparator.LessThan, Core.Budgets.BatchRun.MinSuccessRate) : (Comparator.GreaterThan, 0);

    /// <summary>
    /// cost_zscore needs room for its baseline of five windows in the 7 days before; batch-run metrics are
    /// per job, so they group and filter by batch_job and tenant_id only (batch_job is implied).
    /// </summary>
    private static void CheckCostIntelligence(AlertMetric metric, TimeSpan window, double? threshold, bool hasThresholdFrom, List<Dimension> groupBy,
        MetricFilter filters, FieldErrors errors)
    {
        if (metric == AlertMetric.CostZScore && window > CostZScore.LongestWindow)
        {
            errors.Add("window", "cost_zscore compares the window with the same-length windows of the 7 days before it; "
                + $"use a window of at most {DurationText.Format(CostZScore.LongestWindow)}.");
        }
        if (!metric.IsBatchRun() && metric != AlertMetric.CostZScore) return;
        if (hasThresholdFrom) errors.Add("threshold_from", $"{metric.ToName()} has no SLA threshold; give a number.");
        if (!metric.IsBatchRun()) return;
        if (metric == AlertMetric.BatchRunFailed && threshold is < 0 or > 1)
        {
            errors.Add("threshold", "batch_run_failed compares a success rate: the threshold is between 0 and 1 (default 0.95).");
        }
        if (groupBy.Any(d => d is not (Dimension.BatchJob or Dimension.TenantId)))
        {
            errors.Add("group_by", $"{metric.ToName()} is evaluated per batch job: group_by may hold batch_job and tenant_id only.");
        }
        if (!groupBy.Contains(Dimension.BatchJob)) groupBy.Add(Dimension.BatchJob);
        if (filters.Values.Keys.Any(d => d is not (Dimension.BatchJob or Dimension.TenantId)))
        {
            errors.Add("filters", $"{metric.ToName()} reads batch jobs and their runs: filter on batch_job and tenant_id only.");
        }
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
}
