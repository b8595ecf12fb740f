namespace Vigil.Core.Alerts;

public enum AlertState
{
    Pending,
    Firing,
    Acknowledged,
    Resolved,
}

public enum NotificationKind
{
    Trigger,
    Acknowledge,
    Resolve,
}

public enum DeliveryStatus
{
    Pending,
    Sent,
    Failed,

    /// <summary>Not sent because a silence muted it; recorded so nothing is dropped unseen.</summary>
    Suppressed,
}

public static class AlertStates
{
    public static string ToName(this AlertState s) => s switch
    {
        AlertState.Pending => "pending",
        AlertState.Firing => "firing",
        AlertState.Acknowledged => "acknowledged",
        _ => "resolved",
    };

    public static bool TryParse(string? text, out AlertState state)
    {
        foreach (var s in Enum.GetValues<AlertState>())
        {
            if (s.ToName() == text)
            {
                state = s;
                return true;
            }
        }
        state = default;
        return false;
    }

    public static bool IsOpen(this AlertState s) => s != AlertState.Resolved;

    public static string ToName(this NotificationKind k) => k switch
    {
        NotificationKind.Trigger => "trigger",
        NotificationKind.Acknowledge => "acknowledge",
        _ => "resolve",
    };

    public static string ToName(this DeliveryStatus s) => s switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Sent => "sent",
        DeliveryStatus.Suppressed => "suppressed",
        _ => "failed",
    };
}

/// <summary>
/// One send of one alert to one channel: the policy's level (1 to 10) for escalation, 0 for
/// acknowledge/resolve notices; <see cref="Step"/> is the plan's step (a level repeats in later cycles);
/// <see cref="Recipients"/> the people it was for.
/// </summary>
public sealed record NotificationRecord(
    long Id,
    int Level,
    string Channel,
    NotificationKind Kind,
    DeliveryStatus Status,
    int Attempts,
    DateTimeOffset? SentAt,
    string? Error,
    DateTimeOffset CreatedAt)
{
    public int? Step { get; init; }

    public IReadOnlyList<string> Recipients { get; init; } = [];
}

/// <summary>An alert: one (rule, group) while its condition holds, kept as history once resolved.</summary>
public sealed record Alert
{
    public required Guid Id { get; init; }

    /// <summary>The tenant of the rule that raised it (null: a global rule); with <see cref="Rule"/>, the rule's identity.</summary>
    public string? RuleTenantId { get; init; }
    public required string Rule { get; init; }

    /// <summary>Whose data the alert is about (<see cref="AlertRule.TenantOf"/>): that tenant's keys see it; null, unbound keys only.</summary>
    public string? TenantId { get; init; }
    public required IReadOnlyDictionary<string, string> Group { get; init; }
    public required string GroupKey { get; init; }
    public required Severity Severity { get; init; }

    /// <summary>Copied from the rule when the alert opened, so a later edit of the rule does not rewrite history.</summary>
    public Priority Priority
    {
        get => _priority ?? Priorities.FromSeverity(Severity);
        init => _priority = value;
    }

    private readonly Priority? _priority;

    public required AlertState State { get; init; }
    public double? Value { get; init; }
    public double? Threshold { get; init; }
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>
    /// The first breaching minute the rollups saw (<see cref="BreachOnset"/>), recorded when the
    /// condition was first seen and kept through pending → firing; null for alerts older than it.
    /// </summary>
    public DateTimeOffset? BreachStartedAt { get; init; }
    public DateTimeOffset? FiredAt { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public string? AcknowledgedBy { get; init; }
    public string? AcknowledgeNote { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolveReason { get; init; }
    public int EscalationLevel { get; init; }

    /// <summary>The last step of <see cref="Plan"/> sent (0: none yet).</summary>
    public int EscalationStep { get; init; }

    /// <summary>The escalation as planned when the alert fired; null before it fires.</summary>
    public EscalationPlan? Plan { get; init; }

    /// <summary>Who resolved it by hand (null when it cleared by itself).</summary>
    public string? ResolvedBy { get; init; }

    /// <summary>While a silence holds its next step: until when.</summary>
    public DateTimeOffset? HeldUntil { get; init; }

    /// <summary>The rule's channels when the alert opened (level 1), kept even if the rule changes.</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];
    public bool Escalates { get; init; }
    public string Metric { get; init; } = "";
    public string Comparator { get; init; } = "";
    public string Window { get; init; } = "";
    public string Description { get; init; } = "";
    public IReadOnlyList<NotificationRecord> Notifications { get; init; } = [];

    /// <summary>Stable key of a group: "bot=lead_bot|operation=process" (empty for an ungrouped rule).</summary>
    public static string KeyOf(IReadOnlyDictionary<string, string> group) =>
        string.Join('|', group.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Value}"));

    public string GroupText
    {
        get
        {
            var text = Group.Count == 0 ? "all" : string.Join(", ", Group.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Value}"));
            // A tenant's rule need not group by tenant; the people notified still need to know whose it is.
            return TenantId is { } tenant && !Group.ContainsKey("tenant_id") ? $"tenant {tenant}: {text}" : text;
        }
    }
}
