using System.Globalization;
using Vigil.Core.Alerts;

namespace Vigil.Notifications;

/// <summary>
/// The words every channel uses for an alert, so they all say the same thing. Plain ASCII: a mail
/// subject with an em dash gets MIME-encoded and is unreadable in some clients and pagers.
/// </summary>
internal static class AlertText
{
    public static string SeverityLabel(Alert a) => a.Severity.ToName().ToUpperInvariant();

    public static string Number(double? value) =>
        value is not { } v ? "n/a" : Math.Abs(v) >= 100 ? v.ToString("#,##0", CultureInfo.InvariantCulture) : v.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>"latency_p95 = 2,734 (threshold > 2,000, 5m window)".</summary>
    public static string Condition(Alert a) => $"{a.Metric} = {Number(a.Value)} (threshold {a.Comparator} {Number(a.Threshold)}, {a.Window} window)";

    public static string Headline(AlertMessage m) => m.Kind switch
    {
        NotificationKind.Resolve => $"RESOLVED {m.Alert.Rule} ({m.Alert.GroupText})",
        NotificationKind.Acknowledge => $"ACKNOWLEDGED {m.Alert.Rule} ({m.Alert.GroupText}) by {m.Alert.AcknowledgedBy}",
        _ => $"[{SeverityLabel(m.Alert)}] {m.Alert.Rule} ({m.Alert.GroupText})",
    };

    public static string LevelText(AlertMessage m) =>
        m.Level == 0 ? "notice" : m.Alert.Escalates ? $"escalation level {m.Level} of {EscalationPolicy.LastLevel}" : "notification";

    public static string Summary(AlertMessage m) => $"{Headline(m)}: {Condition(m.Alert)}";

    public static string Body(AlertMessage m)
    {
        var a = m.Alert;
        var lines = new List<string>
        {
            Headline(m),
            "",
            $"Rule:      {a.Rule}{(string.IsNullOrEmpty(a.Description) ? "" : " - " + a.Description)}",
            $"Group:     {a.GroupText}",
            $"Condition: {Condition(a)}",
            $"Severity:  {a.Severity.ToName()}",
            $"State:     {a.State.ToName()} ({LevelText(m)})",
            $"Fired:     {Time(a.FiredAt ?? a.StartedAt)}",
        };
        if (a.AcknowledgedAt is { } acked) lines.Add($"Acknowledged: {Time(acked)} by {a.AcknowledgedBy}{(a.AcknowledgeNote is { } note ? $" - {note}" : "")}");
        if (a.ResolvedAt is { } resolved) lines.Add($"Resolved:  {Time(resolved)}{(a.ResolveReason is { } reason ? $" - {reason}" : "")}");
        if (m.Kind == NotificationKind.Trigger)
        {
            lines.Add("");
            lines.Add($"Acknowledge (stops escalation): POST {m.AckUrl} with an operator key.");
        }
        lines.Add($"Alert id:  {a.Id}");
        return string.Join('\n', lines);
    }

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 3), "...");
}
