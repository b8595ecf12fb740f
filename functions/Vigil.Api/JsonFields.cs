using System.Globalization;
using System.Text.Json;
using Vigil.Core;

namespace Vigil.Api;

/// <summary>
/// Reading fields of small request documents with clear, per-field messages. Every value read here
/// fits the column it goes to: text without NUL or control characters (line breaks are allowed in
/// free text), numbers within <see cref="MaxNumber"/> and, when not zero, no smaller than
/// <see cref="Resolution"/>, the unit of the numeric(20,6) money columns.
/// </summary>
public static class JsonFields
{
    /// <summary>Far beyond any cost, amount or latency the API keeps; numeric(20,6) holds up to 10^14.</summary>
    public const double MaxNumber = 1e12;

    /// <summary>Money columns keep six decimals: a smaller positive value would be stored as 0.</summary>
    public const double Resolution = 0.000001;

    public static string? String(JsonElement body, string name, FieldErrors errors, bool required, int maxLength)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) errors.Add(name, $"{name} is required.");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(name, $"{name} must be a string.");
            return null;
        }
        if (!StorableText.TryRead(value, out var read) || StorableText.Problem(read) is not null)
        {
            errors.Add(name, $"{name} must be text without NUL characters, in valid UTF-8.");
            return null;
        }
        var text = read!.Trim();
        if (text.Length == 0)
        {
            errors.Add(name, $"{name} must not be empty.");
            return null;
        }
        if (text.Length > maxLength)
        {
            errors.Add(name, $"{name} must be at most {maxLength} characters.");
            return null;
        }
        if (StorableText.HasControl(text, allowLineBreaks: true))
        {
            errors.Add(name, $"{name} must not contain control characters (other than tabs and line breaks).");
            return null;
        }
        return text;
    }

    public static double? PositiveNumber(JsonElement body, string name, FieldErrors errors, bool required = true, bool allowZero = false)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) errors.Add(name, $"{name} is required.");
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            errors.Add(name, $"{name} must be a number.");
            return null;
        }
        if (number < 0 || (!allowZero && number == 0))
        {
            errors.Add(name, allowZero ? $"{name} must be 0 or more." : $"{name} must be greater than 0.");
            return null;
        }
        if (number > MaxNumber)
        {
            errors.Add(name, $"{name} must be at most {MaxNumber.ToString("N0", CultureInfo.InvariantCulture)}.");
            return null;
        }
        if (number is > 0 and < Resolution)
        {
            var least = Resolution.ToString("0.######", CultureInfo.InvariantCulture);
            errors.Add(name, $"{name} must be {(allowZero ? "0 or " : "")}at least {least}.");
            return null;
        }
        // -0 is 0: PostgreSQL would keep the sign of a double.
        return number == 0 ? 0 : number;
    }

    /// <summary>An array of short strings (absent or null: empty), each checked like <see cref="String"/>, duplicates dropped.</summary>
    public static IReadOnlyList<string> Strings(JsonElement body, string name, FieldErrors errors, int maxItems, int maxLength, string? field = null)
    {
        field ??= name;
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(field, $"{name} must be an array of strings.");
            return [];
        }
        if (value.GetArrayLength() > maxItems)
        {
            errors.Add(field, $"{name} has at most {maxItems} items.");
            return [];
        }
        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !StorableText.TryRead(item, out var read) || StorableText.Problem(read) is not null
                || read!.Trim() is not { Length: > 0 } text || text.Length > maxLength || StorableText.HasControl(text, allowLineBreaks: false))
            {
                errors.Add(field, $"each item of {name} must be a non-empty string of at most {maxLength} characters without control characters.");
                return [];
            }
            if (!list.Contains(text)) list.Add(text);
        }
        return list;
    }

    /// <summary>An RFC 3339 date-time with its offset ("2026-03-29T09:00:00+02:00", "…Z").</summary>
    public static DateTimeOffset? Timestamp(JsonElement body, string name, FieldErrors errors, bool required, string? field = null)
    {
        field ??= name;
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) errors.Add(field, $"{name} is required.");
            return null;
        }
        if (value.ValueKind == JsonValueKind.String && TryParseTimestamp(value.GetString(), out var at)) return at;
        errors.Add(field, $"{name} must be an RFC 3339 date-time with an offset, such as \"2026-03-29T09:00:00Z\".");
        return null;
    }

    public static bool TryParseTimestamp(string? text, out DateTimeOffset at)
    {
        at = default;
        // An offset is required: a bare local time means different instants to different readers.
        // Kept as the instant, in UTC, as PostgreSQL stores it.
        if (text is not { Length: >= 20 and <= 40 } || text[10] is not ('T' or 't' or ' ')
            || !(text[^1] is 'Z' or 'z' || text[^6] is '+' or '-')
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            || parsed.Year is < 1970 or > 9998) return false;
        at = parsed.ToUniversalTime();
        return true;
    }

    public static void RejectUnknown(JsonElement body, FieldErrors errors, params string[] known)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0) errors.Add(property.Name, $"unknown field '{property.Name}'.");
        }
    }
}
