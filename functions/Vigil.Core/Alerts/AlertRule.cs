using Vigil.Core.Events;
using Vigil.Core.Metrics;

namespace Vigil.Core.Alerts;

public enum AlertMetric
{
    LatencyP50,
    LatencyP95,
    LatencyP99,
    TtftP95,
    ErrorRate,
    RateLimitErrorRate,
    CacheHitRate,
    HandoffFailureRate,
    BlockedHandoffs,
    EventCount,
    CostUsd,
    CostSpikeRatio,
    QualityScoreAvg,
    DegradationRate,
    ToolFailureRate,
    RagFailureRate,
    SatisfactionRate,
    UnpricedCalls,
    Conversations,
    ResolutionRate,
    ConversationQualityAvg,
    HandoffEffectiveness,
    CostZScore,
    BatchRunFailed,
    BatchRunOverdue,
}

public enum Comparator
{
    GreaterThan,
    GreaterOrEqual,
    LessThan,
    LessOrEqual,
}

public enum Severity
{
    Critical,
    Warning,
    Info,
}

public enum SlaThreshold
{
    P50,
    P95,
    P99,
}

/// <summary>A notification channel, as rules and escalation levels name them.</summary>
public static class Channels
{
    public const string Email = "email";
    public const string Slack = "slack";
    public const string Webhook = "webhook";
    public const string PagerDuty = "pagerduty";
    public const string Opsgenie = "opsgenie";
    public const string Teams = "teams";

    public static readonly IReadOnlyList<string> All = [Email, Slack, Webhook, PagerDuty, Opsgenie, Teams];

    /// <summary>Channels that keep their own incident state, so they also hear of acknowledgement.</summary>
    public static bool IsIncidentTool(string channel) => channel is PagerDuty or Opsgenie;
}

/// <summary>An alert rule: a metric per group over a window, compared with a threshold.</summary>
public sealed record AlertRule
{
    /// <summary>
    /// The tenant whose rule this is: it evaluates that tenant's data only. Null for a global rule,
    /// which evaluates every tenant's data (grouped by tenant_id, each tenant's alerts are its own).
    /// </summary>
    public string? TenantId { get; init; }

    /// <summary>Unique within its scope (the global one, or its tenant's).</summary>
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public required AlertMetric Metric { get; init; }
    public MetricFilter Filters { get; init; } = new();
    public IReadOnlyList<Dimension> GroupBy { get; init; } = [];
    public required TimeSpan Window { get; init; }
    public required Comparator Comparator { get; init; }
    public double? Threshold { get; init; }
    public SlaThreshold? ThresholdFrom { get; init; }
    public TimeSpan For { get; init; }
    public long MinSamples { get; init; }
    public required Severity Severity { get; init; }

    /// <summary>Null: from the severity (<see cref="Priorities.FromSeverity"/>); see <see cref="EffectivePriority"/>.</summary>
    public Priority? Priority { get; init; }
    public TimeSpan Cooldown { get; init; }
    public IReadOnlyList<string> Channels { get; init; } = [];

    /// <summary>Null: escalate when critical (warnings and info notify once).</summary>
    public bool? Escalate { get; init; }

    /// <summary>The escalation policy of its alerts: one of the rule's scope, else a global one.</summary>
    public string EscalationPolicyName { get; init; } = EscalationPolicy.DefaultName;

    public bool Enabled { get; init; } = true;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public bool Escalates => Escalate ?? Severity == Severity.Critical;

    /// <summary>The priority its alerts fire with: the rule's own, else its severity's default.</summary>
    public Priority EffectivePriority => Priority ?? Priorities.FromSeverity(Severity);

    /// <summary>The filters evaluation applies: the rule's, and for a tenant's rule its tenant.</summary>
    public MetricFilter EffectiveFilters()
    {
        var filter = new MetricFilter();
        foreach (var (dimension, values) in Filters.Values) filter.With(dimension, values);
        if (TenantId is not null) filter.With(Dimension.TenantId, TenantId);
        return filter;
    }

    /// <summary>
    /// Whose alert a group's alert is: the rule's tenant; for a global rule the group's tenant when
    /// it groups by tenant_id, or the one tenant its filter names; otherwise none (the group mixes
    /// tenants' data, so only unbound keys see it).
    /// </summary>
    public string? TenantOf(IReadOnlyDictionary<string, string> group) =>
        TenantId
        ?? (group.TryGetValue(Dimension.TenantId.ToName(), out var tenant) && tenant.Length > 0 ? tenant : null)
        ?? (Filters.Get(Dimension.TenantId) is [var only] ? only : null);

    public bool Holds(double value, double threshold) => Comparator switch
    {
        Comparator.GreaterThan => value > threshold,
        Comparator.GreaterOrEqual => value >= threshold,
        Comparator.LessThan => value < threshold,
        _ => value <= threshold,
    };
}

public static class AlertNames
{
    public static string ToName(this AlertMetric metric) => metric switch
    {
        AlertMetric.LatencyP50 => "latency_p50",
        AlertMetric.LatencyP95 => "latency_p95",
        AlertMetric.LatencyP99 => "latency_p99",
        AlertMetric.TtftP95 => "ttft_p95",
        AlertMetric.ErrorRate => "error_rate",
        AlertMetric.RateLimitErrorRate => "rate_limit_error_rate",
        AlertMetric.CacheHitRate => "cache_hit_rate",
        AlertMetric.HandoffFailureRate => "handoff_failure_rate",
        AlertMetric.BlockedHandoffs => "blocked_handoffs",
        AlertMetric.EventCount => "event_count",
        AlertMetric.CostUsd => "cost_usd",
        AlertMetric.CostSpikeRatio => "cost_spike_ratio",
        AlertMetric.QualityScoreAvg => "quality_score_avg",
        AlertMetric.DegradationRate => "degradation_rate",
        AlertMetric.ToolFailureRate => "tool_failure_rate",
        AlertMetric.RagFailureRate => "rag_failure_rate",
        AlertMetric.SatisfactionRate => "satisfaction_rate",
        AlertMetric.Conversations => "conversations",
        AlertMetric.ResolutionRate => "resolution_rate",
        AlertMetric.ConversationQualityAvg => "conversation_quality_avg",
        AlertMetric.HandoffEffectiveness => "handoff_effectiveness",
        AlertMetric.CostZScore => "cost_zscore",
        AlertMetric.BatchRunFailed => "batch_run_failed",
        AlertMetric.BatchRunOverdue => "batch_run_overdue",
        _ => "unpriced_calls",
    };

    public static IReadOnlyList<string> MetricNames { get; } = [.. Enum.GetValues<AlertMetric>().Select(m => m.ToName())];

    public static bool TryParseMetric(string? name, out AlertMetric metric) => TryParse(name, Enum.GetValues<AlertMetric>(), ToName, out metric);

    public static string ToSymbol(this Comparator c) => c switch
    {
        Comparator.GreaterThan => ">",
        Comparator.GreaterOrEqual => ">=",
        Comparator.LessThan => "<",
        _ => "<=",
    };

    public static bool TryParseComparator(string? text, out Comparator comparator) => TryParse(text, Enum.GetValues<Comparator>(), ToSymbol, out comparator);

    public static string ToName(this Severity s) => s switch
    {
        Severity.Critical => "critical",
        Severity.Warning => "warning",
        _ => "info",
    };

    public static bool TryParseSeverity(string? text, out Severity severity) => TryParse(text, Enum.GetValues<Severity>(), ToName, out severity);

    public static string ToName(this SlaThreshold t) => t switch
    {
        SlaThreshold.P50 => "sla_p50",
        SlaThreshold.P95 => "sla_p95",
        _ => "sla_p99",
    };

    public static bool TryParseSlaThreshold(string? text, out SlaThreshold threshold) => TryParse(text, Enum.GetValues<SlaThreshold>(), ToName, out threshold);

    /// <summary>The event type a metric is about, when it is about one type only.</summary>
    public static EventType? ImpliedType(this AlertMetric metric) => metric switch
    {
        AlertMetric.HandoffFailureRate or AlertMetric.BlockedHandoffs => EventType.Handoff,
        AlertMetric.ToolFailureRate => EventType.ToolCall,
        AlertMetric.RagFailureRate => EventType.RagRetrieval,
        _ => null,
    };

    private static bool TryParse<T>(string? text, T[] values, Func<T, string> name, out T result)
    {
        foreach (var v in values)
        {
            if (name(v) == text)
            {
                result = v;
                return true;
            }
        }
        result = default!;
        return false;
    }
}
