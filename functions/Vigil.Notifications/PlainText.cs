using Vigil.Core.Notifications;

namespace Vigil.Notifications;

/// <summary>A notification as plain text: the title, aligned facts, sections and links, for mail and incident descriptions.</summary>
internal static class PlainText
{
    public static string Body(Notification n)
    {
        var lines = new List<string> { n.Title, "" };
        foreach (var fact in n.Facts) lines.Add($"{fact.Name}: {fact.Value}");
        if (n.Status is { } status) lines.Add($"Status: {status}");
        var mentioned = n.Recipients.Select(r => r.Name).ToList();
        if (mentioned.Count > 0) lines.Add($"For: {string.Join(", ", mentioned)}");
        foreach (var section in n.Sections)
        {
            lines.Add("");
            lines.Add(section.Heading);
            lines.Add(new string('-', Math.Min(section.Heading.Length, 72)));
            lines.AddRange(section.Lines);
        }
        if (n.Links.Count > 0)
        {
            lines.Add("");
            foreach (var link in n.Links) lines.Add($"{link.Label}: {link.Url}");
        }
        return string.Join('\n', lines);
    }
}
