using Vigil.Core.Events;

namespace Vigil.Core.Metrics;

/// <summary>The dimensions a rollup row is keyed by, and that queries filter and group on.</summary>
public enum Dimension
{
    TenantId,
    Bot,
    Operation,
    Model,
    Type,
    BatchJob,
    BatchRunId,
    ConversationId,
    /// <summary>The breakdown dimensions (rolled up since migration 0008): "" when the event did not say.</summary>
    ToolName,
    ErrorType,
    DegradationReason,
    /// <summary>"true", "false", or "" when the event did not say.</summary>
    CacheHit,
}

public static class Dimensions
{
    public static string ToName(this Dimension d) => d switch
    {
        Dimension.TenantId => "tenant_id",
        Dimension.Bot => "bot",
        Dimension.Operation => "operation",
        Dimension.Model => "model",
        Dimension.Type => "type",
        Dimension.BatchJob => "batch_job",
        Dimension.BatchRunId => "batch_run_id",
        Dimension.ToolName => "tool_name",
        Dimension.ErrorType => "error_type",
        Dimension.DegradationReason => "degradation_reason",
        Dimension.CacheHit => "cache_hit",
        _ => "conversation_id",
    };

    public static bool TryParse(string? name, out Dimension dimension)
    {
        foreach (var d in Enum.GetValues<Dimension>())
        {
            if (d.ToName() == name)
            {
                dimension = d;
                return true;
            }
        }
        dimension = default;
        return false;
    }
}

/// <summary>One row of events as the rollup reads it.</summary>
public readonly record struct RollupEvent(
    DateTimeOffset Timestamp,
    SeriesKey Series,
    string? ConversationId,
    double? DurationMs,
    double? TtftMs,
    bool Success,
    string? ErrorType,
    bool? CacheHit,
    bool? Blocked,
    double? QualityScore,
    bool? Degraded,
    bool? PositiveRating,
    decimal CostUsd,
    CostSource CostSource,
    long? InputTokens,
    long? OutputTokens,
    long? CachedInputTokens);

/// <summary>
/// The key of a rollup series. Absent operation/model/batch fields are "", and so are the breakdown
/// fields (tool name, error type, degradation reason, cache hit as "true"/"false").
/// </summary>
public readonly record struct SeriesKey(string TenantId, string Bot, string Operation, string Model, EventType Type, string BatchJob, string BatchRunId,
    string ToolName = "", string ErrorType = "", string DegradationReason = "", string CacheHit = "")
{
    /// <summary>The key without its breakdown fields.</summary>
    public SeriesKey WithoutBreakdown => this with { ToolName = "", ErrorType = "", DegradationReason = "", CacheHit = "" };

    public string Get(Dimension dimension) => dimension switch
    {
        Dimension.TenantId => TenantId,
        Dimension.Bot => Bot,
        Dimension.Operation => Operation,
        Dimension.Model => Model,
        Dimension.Type => Type.ToName(),
        Dimension.BatchJob => BatchJob,
        Dimension.BatchRunId => BatchRunId,
        Dimension.ToolName => ToolName,
        Dimension.ErrorType => ErrorType,
        Dimension.DegradationReason => DegradationReason,
        Dimension.CacheHit => CacheHit,
        _ => "",
    };
}

/// <summary>
/// Additive counters and latency sketches of a set of events: one series in one minute, or any
/// merge of those. Every metric the API and the alert rules use is derived from these.
/// </summary>
public sealed class RollupCounters
{
    public long Events { get; set; }
    /// <summary>Events that can fail (all but feedback): the denominator of error rates.</summary>
    public long Calls { get; set; }
    public long Errors { get; set; }
    public long RateLimitErrors { get; set; }
    public long CacheHits { get; set; }
    public long CacheLookups { get; set; }
    public long Blocked { get; set; }
    public long QualityCount { get; set; }
    /// <summary>Sum of quality scores in millionths: integer sums merge in any order to the same value.</summary>
    public long QualitySumMicro { get; set; }
    public long Degraded { get; set; }
    public long DegradationKnown { get; set; }
    public long Positive { get; set; }
    public long Negative { get; set; }
    public long CostEvents { get; set; }
    public long Unpriced { get; set; }
    public decimal CostUsd { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long CachedInputTokens { get; set; }
    public LatencySketch Duration { get; } = new();
    public LatencySketch Ttft { get; } = new();

    public double? ErrorRate => Ratio(Errors, Calls);
    public double? RateLimitErrorRate => Ratio(RateLimitErrors, Calls);
    public double? CacheHitRate => Ratio(CacheHits, CacheLookups);
    public double? QualityScoreAvg => QualityCount == 0 ? null : QualitySumMicro / 1e6 / QualityCount;
    public double? DegradationRate => Ratio(Degraded, DegradationKnown);
    public double? SatisfactionRate => Ratio(Positive, Positive + Negative);

    public static bool IsRateLimit(string? errorType) =>
        errorType is not null && (errorType.StartsWith("rate_limit", StringComparison.OrdinalIgnoreCase)
            || errorType is "429" or "too_many_requests" or "throttled");

    public void Add(in RollupEvent e)
    {
        Events++;
        // Feedback and messages are not operations: they neither succeed nor fail, so error rates leave them out.
        if (e.Series.Type is not (EventType.Feedback or EventType.Message))
        {
            Calls++;
            if (!e.Success)
            {
                Errors++;
                if (IsRateLimit(e.ErrorType)) RateLimitErrors++;
            }
        }
        if (e.CacheHit is { } hit)
        {
            CacheLookups++;
            if (hit) CacheHits++;
        }
        if (e.Blocked == true) Blocked++;
        if (e.QualityScore is { } quality)
        {
            QualityCount++;
            QualitySumMicro += (long)Math.Round(quality * 1e6);
        }
        if (e.Degraded is { } degraded)
        {
            DegradationKnown++;
            if (degraded) Degraded++;
        }
        if (e.PositiveRating is { } positive)
        {
            if (positive) Positive++;
            else Negative++;
        }
        if (e.CostSource != CostSource.None)
        {
            CostEvents++;
            if (e.CostSource == CostSource.Unpriced) Unpriced++;
        }
        CostUsd += e.CostUsd;
        InputTokens += e.InputTokens ?? 0;
        OutputTokens += e.OutputTokens ?? 0;
        CachedInputTokens += e.CachedInputTokens ?? 0;
        if (e.DurationMs is { } duration) Duration.Add(duration);
        if (e.TtftMs is { } ttft) Ttft.Add(ttft);
    }

    public void Merge(RollupCounters other)
    {
        Events += other.Events;
        Calls += other.Calls;
        Errors += other.Errors;
        RateLimitErrors += other.RateLimitErrors;
        CacheHits += other.CacheHits;
        CacheLookups += other.CacheLookups;
        Blocked += other.Blocked;
        QualityCount += other.QualityCount;
        QualitySumMicro += other.QualitySumMicro;
        Degraded += other.Degraded;
        DegradationKnown += other.DegradationKnown;
        Positive += other.Positive;
        Negative += other.Negative;
        CostEvents += other.CostEvents;
        Unpriced += other.Unpriced;
        CostUsd += other.CostUsd;
        InputTokens += other.InputTokens;
        OutputTokens += other.OutputTokens;
        CachedInputTokens += other.CachedInputTokens;
        Duration.Merge(other.Duration);
        Ttft.Merge(other.Ttft);
    }

    private static double? Ratio(long part, long whole) => whole == 0 ? null : (double)part / whole;
}
