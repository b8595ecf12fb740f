using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Hosting;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.Functions.Tests;

/// <summary>The Functions app as its Program.cs composes it, and the files it ships with.</summary>
internal static class FunctionsApp
{
    public static string Root { get; } = PrivateCluster.RepositoryRoot();

    /// <summary>The services Program.cs registers, over <paramref name="configuration"/>; <paramref name="first"/> runs before them (to replace a TryAdd default such as the clock).</summary>
    public static ServiceProvider Services(IConfiguration configuration, Action<IServiceCollection>? first = null, ServiceProviderOptions? options = null)
    {
        var services = new ServiceCollection().AddLogging();
        first?.Invoke(services);
        services.AddVigil(configuration).AddVigilFunctions(configuration);
        return services.BuildServiceProvider(options ?? new ServiceProviderOptions());
    }

    /// <summary>Settings with only the required connection string, for tests that never reach the database.</summary>
    public static IConfiguration MinimalConfiguration() =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = "Host=unused" }).Build();

    /// <summary>The <c>Values</c> of local.settings.sample.json.</summary>
    public static Dictionary<string, string?> SampleValues()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")));
        return json.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
    }
}
