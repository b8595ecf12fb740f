using System.Globalization;
using Vigil.Core.Notifications;

namespace Vigil.Core.Reviews;

/// <summary>
/// The weekly review said as a notification a person reads: sections of figures, each beside the
/// previous window with its change and a ✅/❌ against its target. Slack shows the sections as Block
/// Kit sections, the e-mail as tables; the generic webhook gets the report itself.
/// </summary>
public static class ReviewMessage
{
    private const string PassMark = "✅";
    private const string FailMark = "❌";
    private const string NoDataMark = "➖";

    public static Notification Build(ReviewReport r)
    {
        var scope = r.TenantId is { } tenant ? $"tenant {tenant}" : "all tenants";
        var period = $"{r.From.UtcDateTime:yyyy-MM-dd HH:mm} to {r.To.UtcDateTime:yyyy-MM-dd HH:mm} UTC";
        var title = $"Weekly review, {scope}: {r.From.UtcDateTime:yyyy-MM-dd} to {r.To.UtcDateTime:yyyy-MM-dd}";
        var verdict = r.Sla.Passed switch { true => $"{PassMark} SLA met", false => $"{FailMark} SLA missed", null => $"{NoDataMark} no SLA data" };
        var summary = $"{title}: {verdict} (TTFT P95 {Ms(r.Sla.TtftP95Ms.Current)}, error rate {Percent(r.Sla.ErrorRate.Current)}, " +
            $"satisfaction {Percent(r.Sla.SatisfactionRate.Current)}); {Count(r.Growth.Sessions.Current)} sessions ({Change(r.Growth.Sessions, Count)})";

        var sections = new List<NotificationSection>
        {
            Table("SLA compliance", ["Check", "This window", "Previous", "Change", "Target", "Result"],
            [
                Row("TTFT P95", r.Sla.TtftP95Ms, Ms),
                Row("Error rate", r.Sla.ErrorRate, Percent),
                Row("Satisfaction", r.Sla.SatisfactionRate, Percent),
                .. r.SlaTargets.Select(t => Row($"{t.Bot}/{t.Operation} P95", t.P95Ms, Ms)),
            ]),
            Table("Growth", ["Figure", "This window", "Previous", "Change"],
            [
                Plain("Sessions", r.Growth.Sessions, Count),
                Plain("Unique users", r.Growth.UniqueUsers, Count),
                Plain("Messages", r.Growth.Messages, Count),
                Plain("Messages per session", r.Growth.MessagesPerSession, Decimal),
            ]),
        };
        if (r.Bots.Count > 0)
        {
            sections.Add(Table("Bots", ["Bot", "Error rate", "Satisfaction", "TTFT P95", "Sessions", "Negative feedback"],
                [.. r.Bots.Select(b => (IReadOnlyList<string>)[b.Bot, Checked(b.ErrorRate, Percent), Checked(b.SatisfactionRate, Percent),
                    Checked(b.TtftP95Ms, Ms), WithChange(b.Sessions, Count), WithChange(b.NegativeFeedback, Count)])]));
        }
        var negative = r.NegativeFeedback.Bots
            .Select(b => (IReadOnlyList<string>)[$"bot {b.Bot}", Count(b.Negative), Count(b.Positive), Percent(b.NegativeRate), Count(b.PreviousNegative)])
            .Concat(r.NegativeFeedback.Tools.Select(t => (IReadOnlyList<string>)[$"tool {t.ToolName}", Count(t.Negative), Count(t.Positive),
                Percent(t.Negative / (double)Math.Max(1, t.Negative + t.Positive)), Count(t.PreviousNegative)]))
            .ToList();
        sections.Add(negative.Count == 0
            ? new NotificationSection("Negative feedback", ["No negative feedback in this window."])
            : Table("Negative feedback", ["Where", "Negative", "Positive", "Negative share", "Previous negative"], negative));
        var m = r.Misrouted.Conversations;
        var misroutedSummary = $"{Count(m.Current)} conversation{(m.Current == 1 ? "" : "s")} went through more than {r.Misrouted.MoreThanBots} bots " +
            $"(previous {Count(m.Previous)}, change {Change(m, Count)})";
        var misroutedRows = r.Misrouted.Top.Select(c => (IReadOnlyList<string>)[c.ConversationId, string.Join(" → ", c.Bots)]).ToList();
        sections.Add(new NotificationSection("Misrouted conversations", [misroutedSummary, .. misroutedRows.Select(row => $"{row[0]}: {row[1]}")])
        {
            Note = misroutedSummary,
            Columns = misroutedRows.Count == 0 ? null : ["Conversation", "Bots in order"],
            Rows = misroutedRows.Count == 0 ? null : misroutedRows,
        });
        if (r.Tools.Count > 0)
        {
            sections.Add(Table("Tool effectiveness", ["Tool", "Calls", "Failure rate", "P95", "Conversations", "Satisfaction"],
                [.. r.Tools.Select(t => (IReadOnlyList<string>)[t.ToolName, WithChange(t.Calls, Count), WithChange(t.FailureRate, Percent),
                    WithChange(t.P95Ms, Ms), Count(t.Conversations.Current), WithChange(t.SatisfactionRate, Percent)])]));
        }
        sections.Add(Table("Incidents", ["Figure", "This window", "Previous", "Change", "Target", "Result"],
        [
            Plain("Incidents", r.Incidents.Count, Count),
            Row("MTTD", r.Incidents.MttdSeconds, Duration),
            Plain("MTTA", r.Incidents.MttaSeconds, Duration),
            Row("MTTR", r.Incidents.MttrSeconds, Duration),
            Plain("Acknowledged late", r.Incidents.AckBreaches, Count),
            .. r.Incidents.ByRule.Select(g => Plain($"rule {g.Key.GetValueOrDefault("rule") ?? "(none)"}", ReviewFigure.Of(g.Figures.Count, null), Count)),
        ]));
        sections.Add(Table("Cost", ["Where", "Cost", "Previous", "Change", "Cache savings"],
        [
            ["Total", Usd(r.Cost.TotalUsd.Current), Usd(r.Cost.TotalUsd.Previous), Change(r.Cost.TotalUsd, Usd), Usd(r.Cost.CacheSavingsUsd.Current)],
            .. r.Cost.ByType.Select(g => (IReadOnlyList<string>)[$"type {g.Name}", Usd(g.CostUsd.Current), Usd(g.CostUsd.Previous), Change(g.CostUsd, Usd), Usd(g.CacheSavingsUsd.Current)]),
            .. r.Cost.ByModel.Select(g => (IReadOnlyList<string>)[$"model {(g.Name.Length == 0 ? "(none)" : g.Name)}", Usd(g.CostUsd.Current), Usd(g.CostUsd.Previous),
                Change(g.CostUsd, Usd), Usd(g.CacheSavingsUsd.Current)]),
        ]));

        var dedup = $"review:{r.TenantId ?? "*"}:{r.To.UtcDateTime:yyyy-MM-ddTHH:mm}";
        return new Notification
        {
            Event = "review",
            Title = title,
            Summary = summary,
            ShortTitle = Text.Truncate(summary, 130),
            Severity = "info",
            Status = verdict,
            Facts =
            [
                new("Window", $"{r.Window}: {period}"),
                new("Compared with", $"{r.Previous.From.UtcDateTime:yyyy-MM-dd HH:mm} to {r.Previous.To.UtcDateTime:yyyy-MM-dd HH:mm} UTC"),
                new("Scope", scope),
            ],
            Sections = sections,
            Incident = IncidentAction.None,
            DedupKey = dedup,
            Timestamp = r.To,
            Group = "review",
            Class = "review",
            Entity = $"review/{r.TenantId ?? "all"}",
            Tags = ["vigil", "review"],
            Payload = new Dictionary<string, object?>
            {
                ["event"] = "review",
                ["summary"] = summary,
                ["tenant_id"] = r.TenantId,
                ["review"] = r,
            },
        };
    }

    /// <summary>"1,234 ms" / "n/a".</summary>
    public static string Ms(double? value) => value is { } v ? Text.Number(Math.Round(v)) + " ms" : "n/a";

    public static string Percent(double? value) => value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    public static string Count(double? value) => value is { } v ? v.ToString("#,##0", CultureInfo.InvariantCulture) : "n/a";

    private static string Duration(double? seconds) => seconds is { } v
        ? v < 120 ? $"{Math.Round(v):0} s" : v < 7200 ? $"{v / 60:0.#} min" : $"{v / 3600:0.#} h"
        : "n/a";

    private static string Decimal(double? value) => value is { } v ? v.ToString("#,##0.0#", CultureInfo.InvariantCulture) : "n/a";

    private static string Usd(double? value) => value is { } v ? Text.Usd((decimal)v) : "n/a";

    /// <summary>"+12.5%" (relative), or the absolute change when the previous value was 0; "n/a" without both values.</summary>
    public static string Change(ReviewFigure f, Func<double?, string> format)
    {
        if (f.Change is not { } change) return "n/a";
        if (f.ChangeRatio is { } ratio) return (ratio >= 0 ? "+" : "") + (ratio * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        return (change >= 0 ? "+" : "−") + format(Math.Abs(change));
    }

    private static string Mark(bool? pass) => pass switch { true => PassMark, false => FailMark, null => NoDataMark };

    private static string Target(ReviewFigure f, Func<double?, string> format) => $"{f.Comparison} {format(f.Target)}";

    private static IReadOnlyList<string> Row(string name, ReviewFigure f, Func<double?, string> format) =>
        [name, format(f.Current), format(f.Previous), Change(f, format), Target(f, format), Mark(f.Pass)];

    private static IReadOnlyList<string> Plain(string name, ReviewFigure f, Func<double?, string> format) =>
        [name, format(f.Current), format(f.Previous), Change(f, format)];

    private static string Checked(ReviewFigure f, Func<double?, string> format) => $"{Mark(f.Pass)} {format(f.Current)}";

    private static string WithChange(ReviewFigure f, Func<double?, string> format) => $"{format(f.Current)} ({Change(f, format)})";

    /// <summary>A section whose lines say each row in words, "Label: a · b · c", and whose table the e-mail shows.</summary>
    private static NotificationSection Table(string heading, IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<string>> rows) =>
        new(heading, [.. rows.Select(row => Line(columns, row))]) { Columns = columns, Rows = rows };

    private static string Line(IReadOnlyList<string> columns, IReadOnlyList<string> row)
    {
        // The result mark leads, so a chat reader sees pass/fail first. A row without a target (MTTA beside
        // MTTD and MTTR) is shorter than the columns and has no mark: its last cell is its change.
        var marked = columns[^1] == "Result" && row.Count == columns.Count;
        var mark = marked ? row[^1] + " " : "";
        var cells = row.Skip(1).Take(marked ? row.Count - 2 : row.Count - 1)
            .Select((cell, i) => $"{columns[i + 1].ToLowerInvariant()} {cell}");
        return $"{mark}{row[0]}: {string.Join(" · ", cells)}";
    }
}
