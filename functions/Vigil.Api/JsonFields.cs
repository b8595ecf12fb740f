using System.Text.Json;

namespace Vigil.Api;

/// <summary>Reading fields of small request documents with clear, per-field messages.</summary>
public static class JsonFields
{
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
        var text = value.GetString()!.Trim();
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
        return number;
    }

    public static void RejectUnknown(JsonElement body, FieldErrors errors, params string[] known)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0) errors.Add(property.Name, $"unknown field '{property.Name}'.");
        }
    }
}
