namespace Vigil.Core.Reviews;

/// <summary>
/// GET /api/reports/review: the playbook's Monday and Friday review over a window, each figure beside
/// the previous window of the same length (docs/review.md documents every field).
/// </summary>
public sealed record ReviewReport(
    string Window,
    DateTimeOffset From,
    DateTimeOffset To,
    ReviewPeriod Previous,
    string? TenantId,
    ReviewSla Sla,
    IReadOnlyList<ReviewSlaTarget> SlaTargets,
    ReviewGrowth Growth,
    IReadOnlyList<ReviewBot> Bots,
    ReviewNegativeFeedback NegativeFeedback,
    ReviewMisrouted Misrouted,
    IReadOnlyList<ReviewTool> Tools,
    ReviewCost Cost,
    ReviewIncidents Incidents,
    DateTimeOffset? CompleteUpTo);

public sealed record ReviewPeriod(DateTimeOffset From, DateTimeOffset To);

/// <summary>The Monday review's three checks and whether all of them pass (null without data).</summary>
public sealed record ReviewSla(ReviewFigure TtftP95Ms, ReviewFigure ErrorRate, ReviewFigure SatisfactionRate, bool? Passed, long Events, long PreviousEvents);

/// <summary>One SLA target (GET /api/sla) in both windows.</summary>
public sealed record ReviewSlaTarget(string? TenantId, string Bot, string Operation, double TargetP95Ms, string Status, string PreviousStatus,
    ReviewFigure P95Ms, IReadOnlyList<string> Violations);

/// <summary>Growth: distinct conversations and users from the sketches (±<see cref="DistinctError"/> relative standard error) and message events.</summary>
public sealed record ReviewGrowth(ReviewFigure Sessions, ReviewFigure UniqueUsers, ReviewFigure Messages, ReviewFigure MessagesPerSession, double DistinctError);

public sealed record ReviewBot(string Bot, ReviewFigure Events, ReviewFigure ErrorRate, ReviewFigure SatisfactionRate, ReviewFigure TtftP95Ms,
    ReviewFigure Sessions, ReviewFigure UniqueUsers, ReviewFigure NegativeFeedback);

public sealed record ReviewNegativeFeedback(IReadOnlyList<ReviewNegativeBot> Bots, IReadOnlyList<ReviewNegativeTool> Tools);

public sealed record ReviewNegativeBot(string Bot, long Negative, long Positive, double? NegativeRate, long PreviousNegative);

/// <summary>Negative feedback of the conversations that called the tool.</summary>
public sealed record ReviewNegativeTool(string ToolName, long Negative, long Positive, long Conversations, long PreviousNegative);

public sealed record ReviewMisrouted(ReviewFigure Conversations, int MoreThanBots, IReadOnlyList<MisroutedConversation> Top);

public sealed record ReviewTool(string ToolName, ReviewFigure Calls, ReviewFigure FailureRate, ReviewFigure P95Ms, ReviewFigure Conversations, ReviewFigure SatisfactionRate);

/// <summary>
/// The incident report (<see cref="Incidents.IncidentReportService"/>) of both windows: alerts that fired
/// in each, MTTD and MTTR against the playbook's targets, and the rules with the most incidents.
/// </summary>
public sealed record ReviewIncidents(ReviewFigure Count, ReviewFigure MttdSeconds, ReviewFigure MttaSeconds, ReviewFigure MttrSeconds,
    ReviewFigure AckBreaches, IReadOnlyList<Incidents.IncidentGroup> ByRule);

public sealed record ReviewCost(ReviewFigure TotalUsd, ReviewFigure CacheSavingsUsd, IReadOnlyList<ReviewCostGroup> ByType, IReadOnlyList<ReviewCostGroup> ByModel);

/// <summary><see cref="Name"/> is the type or model ("" when events carried none).</summary>
public sealed record ReviewCostGroup(string Name, ReviewFigure CostUsd, ReviewFigure CacheSavingsUsd, ReviewFigure Calls);
