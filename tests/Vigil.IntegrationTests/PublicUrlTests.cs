using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.LocalHost;

namespace Vigil.IntegrationTests;

/// <summary>What the local host puts in notification links when Vigil:Alerting:PublicUrl is not set.</summary>
public class PublicUrlTests
{
    [Theory]
    [InlineData("http://127.0.0.1:7072", "http://127.0.0.1:7072")]
    [InlineData("http://0.0.0.0:8080", "http://localhost:8080")]
    [InlineData("http://[::]:7071", "http://localhost:7071")]
    [InlineData("http://+:5000", "http://localhost:5000")]
    [InlineData("http://*:5000", "http://localhost:5000")]
    [InlineData("https://vigil.example.com:443", "https://vigil.example.com")]
    public void The_local_host_links_to_the_address_it_listens_on_with_wildcards_as_localhost(string address, string expected) =>
        Assert.Equal(expected, new ServerPublicUrl(Options(null), new Server(address)).Base);

    [Fact]
    public void An_https_address_is_preferred_and_a_configured_url_wins_over_both()
    {
        var server = new Server("http://localhost:5000", "https://localhost:5001");
        Assert.Equal("https://localhost:5001", new ServerPublicUrl(Options(null), server).Base);
        Assert.Equal("https://alerts.example.com/vigil", new ServerPublicUrl(Options("https://alerts.example.com/vigil/"), server).Base);
    }

    private static IOptionsMonitor<AlertingOptions> Options(string? publicUrl) =>
        new StaticOptionsMonitor(new AlertingOptions { PublicUrl = publicUrl });

    private sealed class StaticOptionsMonitor(AlertingOptions value) : IOptionsMonitor<AlertingOptions>
    {
        public AlertingOptions CurrentValue => value;

        public AlertingOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<AlertingOptions, string?> listener) => null;
    }

    private sealed class Server : IServer
    {
        public Server(params string[] addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var address in addresses) feature.Addresses.Add(address);
            Features.Set<IServerAddressesFeature>(feature);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public void Dispose()
        {
        }

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
