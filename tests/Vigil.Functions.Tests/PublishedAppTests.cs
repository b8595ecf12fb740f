using System.Diagnostics;
using System.Text.Json;

namespace Vigil.Functions.Tests;

/// <summary>What <c>dotnet publish</c> produces is what Azure runs (azd and the CLI deploy this folder).</summary>
public sealed class PublishedAppTests
{
    [Fact]
    public async Task The_published_app_holds_host_json_the_metadata_and_the_durable_extension_and_no_local_settings()
    {
        var project = Path.Combine(FunctionsApp.Root, "functions", "Vigil.Functions");
        var localSettings = Path.Combine(project, "local.settings.json");
        // A developer's local.settings.json (secrets, local connection strings) must never ship;
        // make sure there is one to leave out.
        var createdLocalSettings = !File.Exists(localSettings);
        if (createdLocalSettings) File.Copy(Path.Combine(FunctionsApp.Root, "local.settings.sample.json"), localSettings);
        var output = Directory.CreateTempSubdirectory("vigil-publish-").FullName;
        try
        {
            await PublishAsync(project, output);

            Assert.True(File.Exists(Path.Combine(output, "host.json")));
            Assert.True(File.Exists(Path.Combine(output, "Vigil.Functions.dll")));
            Assert.False(File.Exists(Path.Combine(output, "local.settings.json")), "local.settings.json was published");
            Assert.Equal(GeneratedMetadata.Functions.Select(f => f.Name).Order(),
                GeneratedMetadata.Read(Path.Combine(output, "functions.metadata")).Select(f => f.Name).Order());

            using var worker = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "worker.config.json")));
            Assert.Equal("dotnet-isolated", worker.RootElement.GetProperty("description").GetProperty("language").GetString());

            // The host loads the Durable extension from the worker's .azurefunctions folder.
            using var extensions = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "extensions.json")));
            var durable = Assert.Single(extensions.RootElement.GetProperty("extensions").EnumerateArray(), e => e.GetProperty("name").GetString() == "DurableTask");
            var hintPath = durable.GetProperty("hintPath").GetString()!;
            Assert.StartsWith("./.azurefunctions/", hintPath, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(output, hintPath)), $"{hintPath} is missing from the published app");
        }
        finally
        {
            if (createdLocalSettings) File.Delete(localSettings);
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>Publishes what the test run built (no rebuild: the binaries the other tests loaded stay as they are).</summary>
    private static async Task PublishAsync(string project, string output)
    {
        var configuration = new DirectoryInfo(GeneratedMetadata.AppOutput).Parent!.Name;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "publish", project, "-c", configuration, "--no-build", "-o", output, "-nologo", "-v", "quiet" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(process.ExitCode == 0, $"dotnet publish failed:\n{await stdout}\n{await stderr}");
    }
}
