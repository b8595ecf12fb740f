using Vigil.Core.Conversations;

namespace Vigil.Core.Events;

/// <summary>One validated telemetry event, as stored. Optional text fields are null when absent.</summary>
public sealed class TelemetryEvent
{
    public const string DefaultTenant = "default";

    public required string EventId { get; init; }
    public required EventType Type { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public required string TenantId { get; init; }
    public required string Bot { get; init; }
    public string? Operation { get; init; }
    public string? ConversationId { get; init; }
    public string? TraceId { get; init; }
    public string? UserId { get; init; }
    public double? DurationMs { get; init; }
    public bool Success { get; init; } = true;
    public string? ErrorType { get; init; }
    public bool? CacheHit { get; init; }
    public string? Provider { get; init; }
    public string? Model { get; init; }
    public long? InputTokens { get; init; }
    public long? OutputTokens { get; init; }
    public long? CachedInputTokens { get; init; }

    /// <summary>Cost in USD: reported by the bot, computed from the price table, or 0 when unpriced.</summary>
    public decimal CostUsd { get; set; }
    public CostSource CostSource { get; set; }

    public double? TtftMs { get; init; }
    public string? TargetBot { get; init; }
    public bool? Blocked { get; init; }
    public bool? PositiveRating { get; init; }
    public string? ToolName { get; init; }
    public double? QualityScore { get; init; }
    public bool? Degraded { get; init; }
    public string? DegradationReason { get; init; }
    public string? BatchJob { get; init; }
    public string? BatchRunId { get; init; }

    /// <summary>The <c>attributes</c> object exactly as received (JSON text), or null.</summary>
    public string? AttributesJson { get; init; }

    /// <summary><c>message</c> events: who wrote it.</summary>
    public MessageRole? Role { get; init; }

    /// <summary>
    /// <c>message</c> events: the text, kept for <c>Vigil:Retention:MessageText</c> and then erased (null).
    /// Never logged, never in a notification or a metric label.
    /// </summary>
    public string? Text { get; init; }

    /// <summary>The cost the bot reported, before pricing; null when it left pricing to us.</summary>
    public decimal? ReportedCostUsd { get; init; }
}
