using System.Reflection;
using System.Text.Json;

namespace Vigil.Functions.Tests;

/// <summary>One binding of a function, as the worker SDK wrote it into functions.metadata.</summary>
internal sealed record MetadataBinding(string Name, string Type, string Direction, JsonElement Json)
{
    public string? Text(string property) => Json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public bool? Flag(string property) => Json.TryGetProperty(property, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    public IReadOnlyList<string> List(string property) =>
        Json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(v => v.GetString()!)] : [];
}

/// <summary>One function as the Functions host will index it.</summary>
internal sealed record MetadataFunction(string Name, string EntryPoint, IReadOnlyList<MetadataBinding> Bindings)
{
    public MetadataBinding? Trigger => Bindings.SingleOrDefault(b => b.Type.EndsWith("Trigger", StringComparison.Ordinal));
}

/// <summary>
/// The functions.metadata the real worker SDK generated when it built the app: what the Functions
/// host reads to know the app's functions, triggers and bindings, so it is the contract to check.
/// </summary>
internal static class GeneratedMetadata
{
    public static string AppOutput { get; } = typeof(GeneratedMetadata).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FunctionsAppOutput").Value!;

    public static IReadOnlyList<MetadataFunction> Functions { get; } = Read(Path.Combine(AppOutput, "functions.metadata"));

    public static IReadOnlyList<MetadataFunction> Read(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return [.. json.RootElement.EnumerateArray().Select(f => new MetadataFunction(
            f.GetProperty("name").GetString()!,
            f.GetProperty("entryPoint").GetString()!,
            [.. f.GetProperty("bindings").EnumerateArray().Select(b => new MetadataBinding(
                b.GetProperty("name").GetString()!, b.GetProperty("type").GetString()!, b.GetProperty("direction").GetString()!, b.Clone()))]))];
    }
}
