using System.Text.Json;

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
    /// its path below <paramref name="path"/> ("" for the root); null when every one can.
    /// </summary>
    public static UnstorableValue? FindIn(JsonElement element, string path = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Check(element, path);
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindIn(item, $"{path}[{i++}]") is { } inItem) return inItem;
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return new UnstorableValue(path, "has a property name that " + NotText);
                    }
                    if (name.Contains('\0')) return new UnstorableValue(path, "has a property name that " + HasNul);
                    if (FindIn(property.Value, path.Length == 0 ? name : $"{path}.{name}") is { } inValue) return inValue;
                }
                return null;
            default:
                return null;
        }
    }

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

    private static UnstorableValue? Check(JsonElement element, string path)
    {
        if (!TryRead(element, out var text)) return new UnstorableValue(path, NotText);
        return Problem(text) is { } problem ? new UnstorableValue(path, problem) : null;
    }
}
