using System.Text;
using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Notifications;

namespace Vigil.Notifications;

/// <summary>
/// Slack incoming webhook: a header, the facts, an @-mention of the people it is for (their Slack
/// user ids), an Acknowledge button that opens the acknowledge page, and any longer sections.
/// </summary>
public sealed class SlackChannel(IHttpClientFactory http, IOptionsMonitor<ChannelOptions> options) : HttpChannel(http)
{
    public override string Name => Channels.Slack;

    public override string? OffReason => string.IsNullOrWhiteSpace(options.CurrentValue.Slack.WebhookUrl) ? "Vigil:Channels:Slack:WebhookUrl is not set" : null;

    public override Task SendAsync(Notification n, CancellationToken cancellationToken)
    {
        var icon = n.Event switch
        {
            "resolve" => ":white_check_mark:",
            "acknowledge" => ":eyes:",
            "budget_threshold" => ":moneybag:",
            "review" => ":bar_chart:",
            _ => n.Severity == "critical" ? ":rotating_light:" : n.Severity == "warning" ? ":warning:" : ":information_source:",
        };
        var blocks = new List<object>
        {
            new { type = "header", text = new { type = "plain_text", text = Text.Truncate(n.Title, 150) } },
        };
        if (n.Facts.Count > 0)
        {
            var facts = new StringBuilder();
            foreach (var fact in n.Facts) facts.Append('*').Append(Escape(fact.Name)).Append(":* ").Append(Escape(fact.Value)).Append('\n');
            if (n.Status is { } status) facts.Append("*Status:* ").Append(Escape(status));
            blocks.Add(Section(facts.ToString().TrimEnd('\n')));
        }
        var mentions = n.Recipients.Where(r => r.SlackUserId is not null).Select(r => $"<@{r.SlackUserId}>").ToList();
        if (mentions.Count > 0) blocks.Add(Section("For " + string.Join(" ", mentions)));
        foreach (var section in n.Sections)
        {
            // Slack's section text is limited to 3,000 characters.
            blocks.Add(Section(Text.Truncate($"*{Escape(section.Heading)}*\n" + string.Join('\n', section.Lines.Select(Escape)), 3000)));
        }
        if (n.Action is { } action)
        {
            blocks.Add(new { type = "actions", elements = new[] { new { type = "button", style = "primary", text = new { type = "plain_text", text = action.Label }, url = action.Url } } });
        }
        var other = n.Links.Where(l => !l.IsAction).ToList();
        if (other.Count > 0)
        {
            blocks.Add(new { type = "context", elements = other.Select(l => new { type = "mrkdwn", text = $"{Escape(l.Label)} `{l.Url}`" }).ToArray() });
        }
        var text = $"{icon} {Escape(n.Summary)}{(n.Status is { } s ? " - " + Escape(s) : "")}{(mentions.Count > 0 ? " " + string.Join(" ", mentions) : "")}";
        return PostAsync(options.CurrentValue.Slack.WebhookUrl!, Serialize(new { text, blocks }), null, cancellationToken);
    }

    private static object Section(string markdown) => new { type = "section", text = new { type = "mrkdwn", text = markdown } };

    /// <summary>Slack reads &amp;, &lt; and &gt; as markup.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
