using System.Text;
using static System.Net.WebUtility;
using Vigil.Core.Notifications;

namespace Vigil.Notifications;

/// <summary>A notification as a small, self-contained HTML mail (inline styles only: mail clients drop style sheets).</summary>
internal static class HtmlText
{
    public static string Body(Notification n)
    {
        var colour = n.Event == "resolve" ? "#1a7f37" : n.Severity switch { "critical" => "#cf222e", "warning" => "#9a6700", _ => "#0969da" };
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html><body style=\"font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328\">")
            .Append("<h2 style=\"color:").Append(colour).Append("\">").Append(HtmlEncode(n.Title)).Append("</h2>");
        if (n.Status is { } status) html.Append("<p style=\"color:#59636e\">").Append(HtmlEncode(status)).Append("</p>");
        if (n.Facts.Count > 0)
        {
            html.Append("<table style=\"border-collapse:collapse\">");
            foreach (var fact in n.Facts)
            {
                html.Append("<tr><th style=\"text-align:left;padding:2px 12px 2px 0;vertical-align:top\">").Append(HtmlEncode(fact.Name))
                    .Append("</th><td style=\"padding:2px 0\">").Append(HtmlEncode(fact.Value)).Append("</td></tr>");
            }
            html.Append("</table>");
        }
        foreach (var section in n.Sections)
        {
            html.Append("<h3>").Append(HtmlEncode(section.Heading)).Append("</h3>");
            if (section is { Columns: { } columns, Rows: { } rows })
            {
                if (section.Note is { } note) html.Append("<p>").Append(HtmlEncode(note)).Append("</p>");
                html.Append("<table style=\"border-collapse:collapse\"><tr>");
                foreach (var column in columns) html.Append("<th style=\"text-align:left;padding:4px 10px;border-bottom:1px solid #d1d9e0\">").Append(HtmlEncode(column)).Append("</th>");
                html.Append("</tr>");
                foreach (var row in rows)
                {
                    html.Append("<tr>");
                    foreach (var cell in row) html.Append("<td style=\"padding:4px 10px;border-bottom:1px solid #eff2f5\">").Append(HtmlEncode(cell)).Append("</td>");
                    html.Append("</tr>");
                }
                html.Append("</table>");
                continue;
            }
            html.Append("<ul>");
            foreach (var line in section.Lines) html.Append("<li>").Append(HtmlEncode(line)).Append("</li>");
            html.Append("</ul>");
        }
        if (n.Action is { } action)
        {
            html.Append("<p><a href=\"").Append(HtmlEncode(action.Url)).Append("\" style=\"display:inline-block;padding:8px 16px;background:")
                .Append(colour).Append(";color:#ffffff;text-decoration:none;border-radius:6px\">").Append(HtmlEncode(action.Label)).Append("</a></p>");
        }
        foreach (var link in n.Links.Where(l => !l.IsAction))
        {
            html.Append("<p style=\"color:#59636e;font-size:small\">").Append(HtmlEncode(link.Label)).Append(": <code>").Append(HtmlEncode(link.Url)).Append("</code></p>");
        }
        return html.Append("</body></html>").ToString();
    }
}
