using System.Text.RegularExpressions;

namespace Vigil.Core.Tests;

/// <summary>
/// The repository's docs/ as a test reads them: tests that hold a documented default (a word list, a price
/// table) to the code read it from the page a user reads, so the page cannot drift from the behaviour.
/// </summary>
internal static partial class RepositoryDocs
{
    public static string Read(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", name);
            if (File.Exists(path)) return File.ReadAllText(path);
        }
        throw new FileNotFoundException($"docs/{name} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>The backticked words of the bullet "- **<paramref name="title"/> (n):** `a`, `b`, …"; checks n.</summary>
    public static IReadOnlyList<string> WordList(string doc, string title)
    {
        var line = doc.Split('\n').Single(l => l.StartsWith($"- **{title} (", StringComparison.Ordinal));
        var words = Backticked().Matches(line).Select(m => m.Groups[1].Value).ToList();
        var count = int.Parse(CountOf().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (words.Count != count) throw new InvalidDataException($"'{title}' says {count} words and lists {words.Count}");
        return words;
    }

    /// <summary>The rows of the first markdown table after the heading <paramref name="heading"/>, cells trimmed of spaces and backticks.</summary>
    public static IReadOnlyList<string[]> Table(string doc, string heading)
    {
        var lines = doc.Split('\n').SkipWhile(l => l.Trim() != heading).Skip(1)
            .SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).ToList();
        return [.. lines.Skip(2).Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim().Trim('`')).ToArray())];
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"\((\d+)\):")]
    private static partial Regex CountOf();
}
