using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Vigil.Api;
using Vigil.Hosting;

namespace Vigil.Bench;

/// <summary>The Vigil API on a real Kestrel socket, as the local host runs it, on a schema of its own.</summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchHost(WebApplication app, string url, string adminKey, string connectionString)
    {
        _app = app;
        Url = url;
        AdminKey = adminKey;
        ConnectionString = connectionString;
    }

    public string Url { get; }
    public string AdminKey { get; }
    public string ConnectionString { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<BenchHost> StartAsync(string baseConnectionString, string schema, Action<IServiceCollection>? replace = null, IDictionary<string, string?>? settings = null)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(baseConnectionString) { SearchPath = schema, MaxPoolSize = 64 }.ConnectionString;
        await using (var dataSource = NpgsqlDataSource.Create(baseConnectionString))
        await using (var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        {
            await drop.ExecuteNonQueryAsync();
        }
        var port = FreePort();
        var adminKey = "bench-admin-" + Guid.NewGuid().ToString("N");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["VIGIL_ADMIN_KEY"] = adminKey,
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddVigil(builder.Configuration);
        replace?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapVigilApi();
        await app.StartAsync();
        return new BenchHost(app, $"http://127.0.0.1:{port}", adminKey, connectionString);
    }

    public static void Replace<TService, TImplementation>(IServiceCollection services)
        where TService : class
        where TImplementation : class, TService =>
        services.Replace(ServiceDescriptor.Singleton<TService, TImplementation>());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
