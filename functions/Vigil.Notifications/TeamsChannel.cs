using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Notifications;

namespace Vigil.Notifications;

/// <summary>
/// Microsoft Teams through an incoming webhook or a Workflows "post to a channel when a webhook
/// request is received" flow: a message with one Adaptive Card (schema 1.4, what Teams renders)
/// holding the title, the facts as a FactSet, mentions of the people it is for (by UPN), longer
/// sections, and an Acknowledge action that opens the acknowledge page.
/// </summary>
public sealed class TeamsChannel(IHttpClientFactory http, IOptionsMonitor<ChannelOptions> options) : HttpChannel(http)
{
    public const string CardContentType = "application/vnd.microsoft.card.adaptive";

    public override string Name => Channels.Teams;

    public override string? OffReason => string.IsNullOrWhiteSpace(options.CurrentValue.Teams.WebhookUrl) ? "Vigil:Channels:Teams:WebhookUrl is not set" : null;

    public override Task SendAsync(Notification n, CancellationToken cancellationToken) =>
        PostAsync(options.CurrentValue.Teams.WebhookUrl!, Serialize(Message(n)), null, cancellationToken);

    /// <summary>The message body Teams expects: an attachment whose content is the card.</summary>
    public static Dictionary<string, object?> Message(Notification n) => new()
    {
        ["type"] = "message",
        ["attachments"] = new object[]
        {
            new Dictionary<string, object?> { ["contentType"] = CardContentType, ["contentUrl"] = null, ["content"] = Card(n) },
        },
    };

    public static Dictionary<string, object?> Card(Notification n)
    {
        var body = new List<object>
        {
            new Dictionary<string, object?>
            {
                ["type"] = "TextBlock", ["text"] = n.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true,
                ["color"] = n.Event is "resolve" ? "Good" : n.Severity switch { "critical" => "Attention", "warning" => "Warning", _ => "Default" },
            },
        };
        if (n.Status is { } status) body.Add(new Dictionary<string, object?> { ["type"] = "TextBlock", ["text"] = status, ["isSubtle"] = true, ["spacing"] = "None", ["wrap"] = true });
        if (n.Facts.Count > 0)
        {
            body.Add(new Dictionary<string, object?>
            {
                ["type"] = "FactSet",
                ["facts"] = n.Facts.Select(f => new Dictionary<string, object?> { ["title"] = f.Name, ["value"] = f.Value }).ToArray(),
            });
        }
        var mentioned = n.Recipients.Where(r => r.TeamsUpn is not null).ToList();
        if (mentioned.Count > 0)
        {
            body.Add(new Dictionary<string, object?>
            {
                ["type"] = "TextBlock", ["wrap"] = true,
                ["text"] = "For " + string.Join(" ", mentioned.Select(r => $"<at>{r.Name}</at>")),
            });
        }
        foreach (var section in n.Sections)
        {
            body.Add(new Dictionary<string, object?> { ["type"] = "TextBlock", ["text"] = section.Heading, ["weight"] = "Bolder", ["wrap"] = true, ["separator"] = true });
            body.Add(new Dictionary<string, object?> { ["type"] = "TextBlock", ["text"] = string.Join("\n\n", section.Lines), ["wrap"] = true });
        }
        var card = new Dictionary<string, object?>
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
            // Only pages open from a card; an API URL that needs a POST and a key is a fact, not a button.
            ["actions"] = n.Links.Where(l => l.IsAction)
                .Select(l => new Dictionary<string, object?> { ["type"] = "Action.OpenUrl", ["title"] = l.Label, ["url"] = l.Url }).ToArray(),
        };
        if (mentioned.Count > 0)
        {
            card["msteams"] = new Dictionary<string, object?>
            {
                ["width"] = "Full",
                ["entities"] = mentioned.Select(r => new Dictionary<string, object?>
                {
                    ["type"] = "mention",
                    ["text"] = $"<at>{r.Name}</at>",
                    ["mentioned"] = new Dictionary<string, object?> { ["id"] = r.TeamsUpn, ["name"] = r.Name },
                }).ToArray(),
            };
        }
        return card;
    }
}
