namespace Vigil.Core.Notifications;

/// <summary>
/// One message, said once and rendered by each channel in its own form (Slack blocks, a Teams
/// Adaptive Card, an e-mail, a signed webhook, a PagerDuty or Opsgenie event). Alerts, budget
/// thresholds and reviews all become one of these, so a channel has one way to send.
/// </summary>
public sealed record Notification
{
    /// <summary>The webhook's <c>event</c> and <c>X-Vigil-Event</c>: trigger, acknowledge, resolve, budget_threshold, review.</summary>
    public required string Event { get; init; }

    /// <summary>The headline: "[CRITICAL] sla_violation (bot=lead_bot, operation=process)".</summary>
    public required string Title { get; init; }

    /// <summary>Headline and condition on one line, for pagers, chat previews and incident summaries.</summary>
    public required string Summary { get; init; }

    /// <summary>At most 130 characters (Opsgenie's limit), for pagers and phone screens.</summary>
    public required string ShortTitle { get; init; }

    /// <summary>critical, warning or info.</summary>
    public string Severity { get; init; } = "info";

    /// <summary>Where it stands: "escalation level 2 of 3", "notice".</summary>
    public string? Status { get; init; }

    public IReadOnlyList<NotificationFact> Facts { get; init; } = [];

    public IReadOnlyList<NotificationSection> Sections { get; init; } = [];

    public IReadOnlyList<NotificationLink> Links { get; init; } = [];

    public IReadOnlyList<Recipient> Recipients { get; init; } = [];

    public IncidentAction Incident { get; init; }

    /// <summary>One incident per key in the incident tools (the alert's id; a budget, period and threshold).</summary>
    public required string DedupKey { get; init; }

    /// <summary>When the thing happened (fired, crossed), not when this was sent.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>What it concerns, for PagerDuty's component/group/class and Opsgenie's entity.</summary>
    public string? Component { get; init; }

    public string? Group { get; init; }

    public string? Class { get; init; }

    public string Entity { get; init; } = "vigil";

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Who acknowledged or resolved, and their note, for the incident tools' own records.</summary>
    public string? Actor { get; init; }

    public string? Note { get; init; }

    /// <summary>Structured details for the incident tools (custom_details, details).</summary>
    public IReadOnlyDictionary<string, object?> Details { get; init; } = new Dictionary<string, object?>();

    /// <summary>The generic webhook's JSON body, snake_case, before it adds <c>sent_at</c>.</summary>
    public required IReadOnlyDictionary<string, object?> Payload { get; init; }

    /// <summary>A mail header naming the subject (X-Vigil-Alert: id), so mail rules can thread and filter.</summary>
    public (string Name, string Value)? MailHeader { get; init; }

    /// <summary>
    /// Whether e-mail also goes to the configured recipients (<c>Vigil:Channels:Email:To</c>), or only
    /// to <see cref="Recipients"/>: when a step adds e-mail only because its people have addresses.
    /// </summary>
    public bool MailToConfigured { get; init; } = true;

    /// <summary>The first action link (Acknowledge), if any.</summary>
    public NotificationLink? Action => Links.FirstOrDefault(l => l.IsAction);
}
