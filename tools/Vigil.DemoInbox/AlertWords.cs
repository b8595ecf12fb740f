using System.Text.RegularExpressions;

namespace Vigil.DemoInbox;

/// <summary>
/// Reads the words Vigil's notifications use ("[CRITICAL] high_error_rate (bot=buyer_bot): ... -
/// escalation level 2 of 3", "RESOLVED ...") out of the text channels, where they are the only
/// structure there is (Slack, Opsgenie's description, e-mail).
/// </summary>
internal static partial class AlertWords
{
    public static AlertReading Read(string text)
    {
        var headline = Headline().Match(text);
        var kind = headline.Groups["kind"].Value switch
        {
            "RESOLVED" => "resolve",
            "ACKNOWLEDGED" => "acknowledge",
            _ => headline.Success ? "trigger" : "unreadable",
        };
        var severity = headline.Groups["severity"].Success ? headline.Groups["severity"].Value.ToLowerInvariant() : null;
        if (severity is null && SeverityLine().Match(text) is { Success: true } line) severity = line.Groups[1].Value.ToLowerInvariant();
        var level = Level().Match(text) is { Success: true } l ? int.Parse(l.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        var id = AlertId().Match(text) is { Success: true } i ? i.Groups[1].Value : null;
        return new AlertReading(kind, severity, headline.Success ? headline.Groups["rule"].Value : null,
            headline.Success ? headline.Groups["group"].Value : null, level, id);
    }

    /// <summary>"error_rate = 0.19 (threshold > 0.05, 5m window)", or null.</summary>
    public static string? Condition(string text) => ConditionText().Match(text) is { Success: true } m ? m.Value : null;

    [GeneratedRegex(@"(?:\[(?<severity>CRITICAL|WARNING|INFO)\]|(?<kind>RESOLVED|ACKNOWLEDGED)) (?<rule>[\w.:-]+) \((?<group>[^)]*)\)")]
    private static partial Regex Headline();

    [GeneratedRegex(@"Severity:\*?\s+(\w+)")]
    private static partial Regex SeverityLine();

    [GeneratedRegex(@"escalation level (\d) of \d")]
    private static partial Regex Level();

    [GeneratedRegex(@"(?:Alert id:\s+|alert `)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")]
    private static partial Regex AlertId();

    [GeneratedRegex(@"[\w.]+ = \S+ \(threshold [^)]*window\)")]
    private static partial Regex ConditionText();
}
