using Vigil.Core.Notifications;

namespace Vigil.Core.Alerts;

/// <summary>
/// An alert said as a notification: the same headline, condition and facts on every channel. Plain
/// ASCII: a mail subject with an em dash gets MIME-encoded and is unreadable in some clients and pagers.
/// </summary>
public static class AlertNotification
{
    public static string SeverityLabel(Alert a) => a.Severity.ToName().ToUpperInvariant();

    /// <summary>"latency_p95 = 2,734 (threshold > 2,000, 5m window)".</summary>
    public static string Condition(Alert a) => $"{a.Metric} = {Text.Number(a.Value)} (threshold {a.Comparator} {Text.Number(a.Threshold)}, {a.Window} window)";

    public static string Headline(AlertMessage m) => m.Kind switch
    {
        NotificationKind.Resolve => $"RESOLVED {m.Alert.Rule} ({m.Alert.GroupText})",
        NotificationKind.Acknowledge => $"ACKNOWLEDGED {m.Alert.Rule} ({m.Alert.GroupText}) by {m.Alert.AcknowledgedBy}",
        _ => $"[{SeverityLabel(m.Alert)}] {m.Alert.Rule} ({m.Alert.GroupText})",
    };

    public static string LevelText(AlertMessage m) =>
        m.Level == 0 ? "notice" : m.Alert.Escalates ? $"escalation level {m.Level} of {m.LevelCount}" : "notification";

    public static Notification Build(AlertMessage m)
    {
        var a = m.Alert;
        var facts = new List<NotificationFact>
        {
            new("Rule", string.IsNullOrEmpty(a.Description) ? a.Rule : $"{a.Rule} - {a.Description}"),
            new("Group", a.GroupText),
            new("Condition", Condition(a)),
            new("Severity", a.Severity.ToName()),
            new("State", $"{a.State.ToName()} ({LevelText(m)})"),
            new("Fired", Text.Time(a.FiredAt ?? a.StartedAt)),
        };
        if (a.AcknowledgedAt is { } acked) facts.Add(new("Acknowledged", $"{Text.Time(acked)} by {a.AcknowledgedBy}{(a.AcknowledgeNote is { } note ? $" - {note}" : "")}"));
        if (a.ResolvedAt is { } resolved) facts.Add(new("Resolved", $"{Text.Time(resolved)}{(a.ResolveReason is { } reason ? $" - {reason}" : "")}"));
        if (m.Recipients.Count > 0) facts.Add(new("On call", string.Join(", ", m.Recipients.Select(r => r.Name))));
        facts.Add(new("Alert id", a.Id.ToString()));

        var links = new List<NotificationLink>();
        if (m.Kind == NotificationKind.Trigger)
        {
            if (m.AckLink is { } page) links.Add(new NotificationLink("Acknowledge", page, IsAction: true));
            links.Add(new NotificationLink("Acknowledge with an operator key: POST", m.AckUrl));
        }

        var headline = Headline(m);
        return new Notification
        {
            Event = m.Kind.ToName(),
            Title = headline,
            Summary = $"{headline}: {Condition(a)}",
            ShortTitle = Text.Truncate($"[{SeverityLabel(a)}] {a.Rule}: {a.GroupText}", 130),
            Severity = a.Severity.ToName(),
            Status = LevelText(m),
            Facts = facts,
            Links = links,
            Recipients = m.Recipients,
            Incident = m.Kind switch
            {
                NotificationKind.Trigger => IncidentAction.Trigger,
                NotificationKind.Acknowledge => IncidentAction.Acknowledge,
                _ => IncidentAction.Resolve,
            },
            DedupKey = a.Id.ToString(),
            Timestamp = a.FiredAt ?? a.StartedAt,
            Component = a.Group.GetValueOrDefault("bot"),
            Group = a.Rule,
            Class = a.Metric,
            Entity = a.GroupText,
            Tags = ["vigil", a.Severity.ToName(), a.Rule],
            Actor = m.Kind == NotificationKind.Acknowledge ? a.AcknowledgedBy : null,
            Note = m.Kind switch
            {
                NotificationKind.Acknowledge => a.AcknowledgeNote ?? "Acknowledged in Vigil",
                NotificationKind.Resolve => a.ResolveReason ?? "Resolved in Vigil",
                _ => null,
            },
            Details = new Dictionary<string, object?>
            {
                ["rule"] = a.Rule,
                ["group"] = a.Group,
                ["value"] = a.Value,
                ["threshold"] = a.Threshold,
                ["comparator"] = a.Comparator,
                ["window"] = a.Window,
                ["level"] = m.Level,
                ["ack_url"] = m.AckUrl,
                ["ack_link"] = m.AckLink,
            },
            Payload = new Dictionary<string, object?>
            {
                ["event"] = m.Kind.ToName(),
                ["level"] = m.Level,
                ["ack_url"] = m.AckUrl,
                ["ack_link"] = m.AckLink,
                ["summary"] = $"{headline}: {Condition(a)}",
                ["recipients"] = m.Recipients.Select(r => new Dictionary<string, object?> { ["id"] = r.Id, ["name"] = r.Name, ["email"] = r.Email }).ToList(),
                ["alert"] = new Dictionary<string, object?>
                {
                    ["id"] = a.Id,
                    ["rule"] = a.Rule,
                    ["description"] = a.Description,
                    ["group"] = a.Group,
                    ["severity"] = a.Severity.ToName(),
                    ["state"] = a.State.ToName(),
                    ["metric"] = a.Metric,
                    ["comparator"] = a.Comparator,
                    ["value"] = a.Value,
                    ["threshold"] = a.Threshold,
                    ["window"] = a.Window,
                    ["started_at"] = a.StartedAt,
                    ["fired_at"] = a.FiredAt,
                    ["acknowledged_at"] = a.AcknowledgedAt,
                    ["acknowledged_by"] = a.AcknowledgedBy,
                    ["resolved_at"] = a.ResolvedAt,
                    ["escalation_level"] = a.EscalationLevel,
                },
            },
            MailHeader = ("X-Vigil-Alert", a.Id.ToString()),
        };
    }
}
