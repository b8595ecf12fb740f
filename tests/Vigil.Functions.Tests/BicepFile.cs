using System.Text.Json;

namespace Vigil.Functions.Tests;

/// <summary>
/// A .bicep file of infra-bicep/ as the Bicep compiler compiled it in the build (Vigil.Infrastructure.csproj
/// writes the ARM JSON of every one to infra-bicep/bin/arm/): what the compiler cannot check is read here.
/// </summary>
internal sealed class BicepFile
{
    public static string Infra { get; } = Path.Combine(FunctionsApp.Root, "infra-bicep");

    public static string Compiled { get; } = Path.Combine(Infra, "bin", "arm");

    private BicepFile(string source, JsonElement template)
    {
        Source = source;
        Template = template;
    }

    /// <summary>The .bicep file's path relative to infra-bicep/, e.g. <c>modules/storage.bicep</c>.</summary>
    public string Source { get; }

    public JsonElement Template { get; }

    public JsonElement Parameters => Template.GetProperty("parameters");

    /// <summary>The compiler's hash of the template, also on the copy of a module that main.bicep embeds.</summary>
    public string TemplateHash => Hash(Template);

    /// <summary>The .bicep files, as paths relative to infra-bicep/.</summary>
    public static IEnumerable<string> Sources() => Files("*.bicep");

    /// <summary>The files of infra-bicep/ that match <paramref name="pattern"/>, build output excluded.</summary>
    public static IEnumerable<string> Files(string pattern) =>
        Directory.GetFiles(Infra, pattern, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Infra, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    public static BicepFile Load(string path)
    {
        var source = Path.Combine(Infra, path);
        var json = Path.Combine(Compiled, Path.ChangeExtension(path, ".json"));
        // Tests run with --no-build too: old ARM JSON would test yesterday's templates.
        if (!File.Exists(json) || File.GetLastWriteTimeUtc(json) < File.GetLastWriteTimeUtc(source))
        {
            throw new InvalidOperationException(
                $"{json} is missing or older than {path}: build Serverless.sln (Vigil.Infrastructure compiles the templates).");
        }
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        return new BicepFile(path, document.RootElement.Clone());
    }

    public static string Hash(JsonElement template) =>
        template.GetProperty("metadata").GetProperty("_generator").GetProperty("templateHash").GetString()!;

    /// <summary>
    /// Resources by symbolic name: languageVersion 2.0 (which user-defined types bring) keys them by it,
    /// 1.0 lists them with their names.
    /// </summary>
    public IEnumerable<(string Symbol, JsonElement Resource)> Resources()
    {
        var resources = Template.GetProperty("resources");
        return resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(p => (p.Name, p.Value))
            : resources.EnumerateArray().Select(r => (r.GetProperty("name").GetString()!, r));
    }

    public IEnumerable<(string Symbol, JsonElement Resource)> OfType(string type) =>
        Resources().Where(r => r.Resource.GetProperty("type").GetString() == type);

    /// <summary>The one resource of <paramref name="type"/> that the template deploys (not one it only reads).</summary>
    public JsonElement Single(string type) =>
        OfType(type).Single(r => !(r.Resource.TryGetProperty("existing", out var e) && e.GetBoolean())).Resource;

    /// <summary>An ARM expression without its brackets: <c>[parameters('x')]</c> is <c>parameters('x')</c>.</summary>
    public static string Expression(JsonElement value) => value.GetString()!.TrimStart('[').TrimEnd(']');
}
