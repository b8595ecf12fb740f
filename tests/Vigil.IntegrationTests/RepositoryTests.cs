using System.Text.RegularExpressions;
using Vigil.Api;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>Keeps the documents and entry points of the repository in step with the code.</summary>
public partial class RepositoryTests
{
    private static readonly string Root = PrivateCluster.RepositoryRoot();

    [Fact]
    public void Every_contract_route_is_described_in_the_openapi_document()
    {
        var openApi = File.ReadAllText(Path.Combine(Root, "docs", "openapi.yaml"));
        var documented = PathLine().Matches(openApi).Select(m => m.Groups[1].Value).ToHashSet();
        var missing = ApiRoutes.All.Select(r => r.Template).Distinct().Where(t => !documented.Contains(t)).ToList();
        Assert.True(missing.Count == 0, "Not in docs/openapi.yaml: " + string.Join(", ", missing));
        foreach (var route in ApiRoutes.All)
        {
            var section = openApi[openApi.IndexOf($"\n  {route.Template}:", StringComparison.Ordinal)..];
            var next = PathLine().Match(section, 2);
            var body = next.Success ? section[..next.Index] : section;
            Assert.Contains($"    {route.Method.ToLowerInvariant()}:", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Ci_runs_the_test_command_the_readme_opens_with()
    {
        Assert.Contains("./test", File.ReadAllText(Path.Combine(Root, ".ci", "run")), StringComparison.Ordinal);
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var firstCommands = readme[..readme.IndexOf("```", readme.IndexOf("```sh", StringComparison.Ordinal) + 5, StringComparison.Ordinal)];
        Assert.Contains("./run", firstCommands, StringComparison.Ordinal);
        Assert.Contains("./test", firstCommands, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^  (/[^:\s]*):\s*$", RegexOptions.Multiline)]
    private static partial Regex PathLine();
}
