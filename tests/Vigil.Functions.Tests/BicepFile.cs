using System.Text;
using System.Text.RegularExpressions;

namespace Vigil.Functions.Tests;

/// <summary>A parameter declaration: <c>param name type [= default]</c> with its decorators.</summary>
public sealed record BicepParam(string Name, string Type, bool HasDefault, bool Secure, IReadOnlyList<string>? Allowed);

/// <summary>A module use: <c>module symbol 'path' = { params: { ... } }</c>.</summary>
public sealed record BicepModule(string Symbol, string Path, IReadOnlyList<string> PassedParams);

/// <summary>
/// Just enough of a Bicep reader for the checks the compiler would make across files (it is not on
/// this machine): declarations, module uses and the names they pass. Comments are removed first,
/// outside of strings only ('https://...' is not a comment).
/// </summary>
public sealed partial class BicepFile
{
    public BicepFile(string path)
    {
        Path = path;
        Text = StripComments(File.ReadAllText(path));
        Params = ReadParams(Text);
        Outputs = [.. Output().Matches(Text).Select(m => m.Groups[1].Value)];
        Modules = [.. Module().Matches(Text).Select(m => new BicepModule(m.Groups[1].Value, m.Groups[2].Value, BlockKeys(Text, "params", m.Index)))];
        Resources = [.. Resource().Matches(Text).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Index))];
    }

    public string Path { get; }
    public string Text { get; }
    public IReadOnlyDictionary<string, BicepParam> Params { get; }
    public IReadOnlyList<string> Outputs { get; }
    public IReadOnlyList<BicepModule> Modules { get; }

    /// <summary>Symbol, type@version and where it starts.</summary>
    public IReadOnlyList<(string Symbol, string Type, int Index)> Resources { get; }

    /// <summary>The keys of the first <c>key: { ... }</c> object after <paramref name="from"/>, at its top level.</summary>
    public static IReadOnlyList<string> BlockKeys(string text, string key, int from)
    {
        var start = Regex.Match(text[from..], $@"\b{Regex.Escape(key)}\s*:\s*\{{");
        if (!start.Success) return [];
        var body = Balanced(text, from + start.Index + start.Length - 1);
        var keys = new List<string>();
        var depth = 0;
        foreach (var line in body.Split('\n'))
        {
            if (depth == 0 && Key().Match(line) is { Success: true } k) keys.Add(k.Groups[1].Value.Trim('\''));
            depth += line.Count(c => c is '{' or '[' or '(') - line.Count(c => c is '}' or ']' or ')');
        }
        return keys;
    }

    /// <summary>The text between the bracket at <paramref name="open"/> and its match, strings respected.</summary>
    public static string Balanced(string text, int open)
    {
        var depth = 0;
        var inString = false;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\'') inString = !inString;
            if (inString) continue;
            if (c is '{' or '[' or '(') depth++;
            if (c is '}' or ']' or ')' && --depth == 0) return text[(open + 1)..i];
        }
        throw new FormatException($"Unbalanced bracket at {open}.");
    }

    private static Dictionary<string, BicepParam> ReadParams(string text)
    {
        var result = new Dictionary<string, BicepParam>(StringComparer.Ordinal);
        foreach (Match m in Param().Matches(text))
        {
            // Decorators are the lines right above the declaration, back to the previous blank line or statement.
            var before = text[..m.Index];
            var decorators = new StringBuilder();
            var lines = before.Split('\n');
            for (var i = lines.Length - 2; i >= 0 && !string.IsNullOrWhiteSpace(lines[i]) && !StatementStart().IsMatch(lines[i]); i--)
            {
                decorators.Insert(0, lines[i] + "\n");
            }
            var d = decorators.ToString();
            var allowed = AllowedDecorator().Match(d) is { Success: true } a
                ? a.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => v.Trim('\'')).ToList()
                : null;
            result[m.Groups[1].Value] = new BicepParam(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Success, d.Contains("@secure()", StringComparison.Ordinal), allowed);
        }
        return result;
    }

    private static string StripComments(string text)
    {
        var sb = new StringBuilder(text.Length);
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!inString && c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n') i++;
                if (i < text.Length) sb.Append('\n');
                continue;
            }
            if (c == '\'' && !(inString && i > 0 && text[i - 1] == '\\')) inString = !inString;
            if (c == '\n') inString = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"^param\s+(\w+)\s+(\w+)(\s*=.*)?$", RegexOptions.Multiline)]
    private static partial Regex Param();

    [GeneratedRegex(@"^output\s+(\w+)\s", RegexOptions.Multiline)]
    private static partial Regex Output();

    [GeneratedRegex(@"^module\s+(\w+)\s+'([^']+)'\s*=", RegexOptions.Multiline)]
    private static partial Regex Module();

    [GeneratedRegex(@"^\s*resource\s+(\w+)\s+'([^']+)'", RegexOptions.Multiline)]
    private static partial Regex Resource();

    [GeneratedRegex(@"^\s*('[^']+'|\w+)\s*:")]
    private static partial Regex Key();

    [GeneratedRegex(@"^(param |var |resource |module |output |targetScope|\}|\])")]
    private static partial Regex StatementStart();

    [GeneratedRegex(@"@allowed\(\s*\[([^\]]*)\]\s*\)", RegexOptions.Singleline)]
    private static partial Regex AllowedDecorator();
}
