using System.Globalization;
using System.Net;
using System.Text;

namespace Vigil.DemoInbox;

/// <summary>GET / for a browser: the recent notifications, newest first, refreshed every 5 seconds.</summary>
internal static class InboxPage
{
    public static string Render(Inbox inbox, string smtp)
    {
        var levels = inbox.CountByLevel();
        var html = new StringBuilder("""
            <!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
            <title>Vigil demo inbox</title><style>
            body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}
            td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
            .l1{background:#fff6d5}.l2{background:#f6e1ff}.l3{background:#ffd9d9}.resolve{background:#ddf5dd}
            code{font-size:12px}</style></head><body>
            <h1>Vigil demo inbox</h1>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<p>{inbox.Total} notifications received; escalation levels so far: ")
            .Append(string.Join(", ", Enumerable.Range(1, 3).Select(l => $"level {l}: {levels.GetValueOrDefault(l)}")))
            .Append(CultureInfo.InvariantCulture, $". Receivers: Slack <code>POST {Receivers.SlackPath}</code>, webhook <code>POST {Receivers.WebhookPath}</code>, ")
            .Append(CultureInfo.InvariantCulture, $"PagerDuty <code>POST /v2/enqueue</code>, Opsgenie <code>POST /v2/alerts…</code>, SMTP {Encode(smtp)}. ")
            .Append("The same as JSON: <a href=\"/notifications\">/notifications</a>.</p>")
            .Append("<table><tr><th>received (UTC)</th><th>what</th><th>channel</th><th>severity</th><th>rule</th><th>group</th><th>summary</th></tr>");
        foreach (var n in inbox.Recent().Reverse())
        {
            var what = n.Kind == "trigger" && n.Level is { } level ? $"level {level}" : n.Kind;
            var css = n.Kind == "trigger" && n.Level is { } l ? $"l{l}" : n.Kind;
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{css}\"><td>{n.ReceivedAt:HH:mm:ss}</td><td>{Encode(what)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{Encode(n.Channel)}</td><td>{Encode(n.Severity)}</td><td>{Encode(n.Rule)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{Encode(n.Group)}</td><td>{Encode(n.Summary)}")
                .Append(n.Note is null ? "" : $" <em>({Encode(n.Note)})</em>")
                .Append(CultureInfo.InvariantCulture, $"<details><summary>payload</summary><pre>{Encode(n.Payload)}</pre></details></td></tr>");
        }
        return html.Append("</table></body></html>").ToString();
    }

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");
}
