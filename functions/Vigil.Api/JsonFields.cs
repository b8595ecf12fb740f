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

    public static void RejectUnknown(JsonElement body, FieldErrors errors, params string[] known)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0) errors.Add(property.Name, $"unknown field '{property.Name}'.");
        }
    }
}
