using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Core.Alerts;

namespace Vigil.Functions.Tests;

/// <summary>Where the Functions app's notifications link when Vigil:Alerting:PublicUrl is not set.</summary>
public class SitePublicUrlTests
{
    [Theory]
    [InlineData("vigil-api-x7.azurewebsites.net", "https://vigil-api-x7.azurewebsites.net")]
    [InlineData("localhost:7071", "http://localhost:7071")]
    [InlineData(null, "http://localhost:7071")]
    public void Ack_links_use_the_sites_host_name_as_azure_and_core_tools_set_it(string? hostName, string expected)
    {
        using var services = FunctionsApp.Services(Configuration(("WEBSITE_HOSTNAME", hostName)));
        var id = Guid.NewGuid();
        Assert.Equal($"{expected}/api/alerts/{id}/ack", services.GetRequiredService<EscalationService>().AckUrl(id));
    }

    [Fact]
    public void A_configured_public_url_wins_over_the_sites_host_name()
    {
        using var services = FunctionsApp.Services(Configuration(("WEBSITE_HOSTNAME", "vigil.azurewebsites.net"), ("Vigil:Alerting:PublicUrl", "https://alerts.example.com")));
        var id = Guid.NewGuid();
        Assert.Equal($"https://alerts.example.com/api/alerts/{id}/ack", services.GetRequiredService<EscalationService>().AckUrl(id));
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(
            settings.Select(s => KeyValuePair.Create(s.Key, s.Value)).Append(KeyValuePair.Create("ConnectionStrings:Postgres", (string?)"Host=unused"))).Build();
}
