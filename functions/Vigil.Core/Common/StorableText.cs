using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Vigil.Core;

/// <summary>
/// Text PostgreSQL can store. A text or jsonb value may not hold NUL (U+0000), and everything goes
/// to the server as UTF-8, so a request string that is not valid UTF-8, or that holds an unpaired
/// surrogate (a "\ud800" escape), cannot be stored either. System.Text.Json only notices the latter
/// when the string is read, and then throws; checking a whole document first turns one bad value
/// into an error against its field (or its batch item) instead of a failed request.
/// </summary>
public static class StorableText
{
    public const string NotText = "is not valid UTF-8 text (or holds an unpaired surrogate such as \\ud800)";
    public const string HasNul = "contains a NUL character (\\u0000), which cannot be stored";

    /// <summary>
    /// The first string or property name in <paramref name="element"/> that cannot be stored, with
    /// its path below <paramref name="path"/> ("" for the root); null when every one can. Runs on
    /// every ingested item, so a valid document costs no allocation: text without escapes is checked
    /// as raw UTF-8, and paths are built only for the value found.
    /// </summary>
    public static UnstorableValue? FindIn(JsonElement element, string path = "") =>
        Find(element) is { } found ? new UnstorableValue(Join(path, found.Path), found.Problem) : null;

    /// <summary>The string value of <paramref name="element"/>, or false when it is not decodable text.</summary>
    public static bool TryRead(JsonElement element, out string? text)
    {
        try
        {
            text = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    /// <summary>Why <paramref name="text"/> (from a query string, a path, a header) cannot be stored; null when it can.</summary>
    public static string? Problem(string? text)
    {
        if (text is null) return null;
        if (text.Contains('\0')) return HasNul;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return "holds an unpaired surrogate, which is not text";
            }
        }
        return null;
    }

    /// <summary>Whether <paramref name="text"/> holds a C0 control character or DEL.</summary>
    public static bool HasControl(string text, bool allowLineBreaks = false)
    {
        foreach (var c in text)
        {
            if (c == '\u007f' || (c < ' ' && !(allowLineBreaks && c is '\t' or '\n' or '\r'))) return true;
        }
        return false;
    }

    private static UnstorableValue? Find(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                var problem = IsEscaped(JsonMarshal.GetRawUtf8Value(element), out var rawProblem)
                    ? TryRead(element, out var text) ? Problem(text) : NotText
                    : rawProblem;
                return problem is null ? null : new UnstorableValue("", problem);
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item) is { } inItem) return new UnstorableValue(Join($"[{i}]", inItem.Path), inItem.Problem);
                    i++;
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var nameProblem = IsEscaped(JsonMarshal.GetRawUtf8PropertyName(property), out var rawNameProblem)
                        ? TryReadName(property) is { } name ? Problem(name) : NotText
                        : rawNameProblem;
                    if (nameProblem is not null) return new UnstorableValue("", "has a property name that " + nameProblem);
                    if (Find(property.Value) is { } inValue) return new UnstorableValue(Join(property.Name, inValue.Path), inValue.Problem);
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// Whether raw JSON text holds escapes, and so must be decoded to be judged. Without a backslash
    /// it cannot hold a control character (the reader refuses them unescaped), so it is storable
    /// exactly when it is valid UTF-8: <paramref name="problem"/> says which.
    /// </summary>
    private static bool IsEscaped(ReadOnlySpan<byte> raw, out string? problem)
    {
        problem = null;
        if (raw.IndexOf((byte)'\\') >= 0) return true;
        if (!Utf8.IsValid(raw)) problem = NotText;
        return false;
    }

    private static string? TryReadName(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>"filters" + "bot" is "filters.bot"; "filters.bot" + "[1]" is "filters.bot[1]".</summary>
    private static string Join(string parent, string child) =>
        child.Length == 0 ? parent : parent.Length == 0 ? child : child[0] == '[' ? parent + child : $"{parent}.{child}";
}
