using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>
/// The local host, in process, on a schema of its own in the real PostgreSQL. Timers are off: tests
/// run timer functions through the admin API, as an operator would.
/// </summary>
public sealed class VigilApp : IAsyncDisposable
{
    private readonly Factory _factory;

    private readonly bool _ownsSchema;

    private VigilApp(Factory factory, string connectionString, string schema, string adminKey, bool ownsSchema)
    {
        _factory = factory;
        _ownsSchema = ownsSchema;
        ConnectionString = connectionString;
        Schema = schema;
        AdminKey = adminKey;
    }

    public string ConnectionString { get; }
    public string Schema { get; }
    public string AdminKey { get; }
    public IServiceProvider Services => _factory.Services;

    public static async Task<VigilApp> StartAsync(
        IDictionary<string, string?>? settings = null,
        TimeProvider? time = null,
        string? baseConnectionString = null,
        string? connectionString = null,
        Action<IServiceCollection>? services = null,
        string? adminKey = null)
    {
        string schema;
        var ownsSchema = connectionString is null;
        if (connectionString is null)
        {
            connectionString = TestPostgres.NewSchema(out schema, baseConnectionString);
        }
        else
        {
            schema = new NpgsqlConnectionStringBuilder(connectionString).SearchPath!;
        }
        adminKey ??= "admin-" + Guid.NewGuid().ToString("N");
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["VIGIL_ADMIN_KEY"] = adminKey,
            ["Vigil:LocalHost:TimersEnabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Vigil"] = "Warning",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        var factory = new Factory(all, time, services);
        var app = new VigilApp(factory, connectionString, schema, adminKey, ownsSchema);
        // Building the server runs start-up (migrations, admin key) before any request.
        _ = factory.Server;
        await Task.CompletedTask;
        return app;
    }

    public HttpClient Client(string? key = null)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public HttpClient AdminClient() => Client(AdminKey);

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async Task<string> CreateKeyAsync(string role, string? tenant = null)
    {
        using var client = AdminClient();
        var response = await client.PostAsync("/api/keys", Json(JsonSerializer.Serialize(new { name = $"{role} key", role, tenant_id = tenant })));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("key").GetString()!;
    }

    public async Task<JsonElement> RunFunctionAsync(string name)
    {
        using var client = AdminClient();
        var response = await client.PostAsync($"/admin/functions/{name}", Json("{}"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"{name} answered {(int)response.StatusCode}: {body}");
        return body;
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var a in args) command.Parameters.Add(new NpgsqlParameter { Value = a });
        var value = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql, params object[] args)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var a in args) command.Parameters.Add(new NpgsqlParameter { Value = a });
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        // A schema passed in is shared (two hosts, or a restart): its creator keeps it.
        if (!_ownsSchema) return;
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The server may be down on purpose (outage tests); the throwaway cluster goes anyway.
        }
    }

    private sealed class Factory(IDictionary<string, string?> settings, TimeProvider? time, Action<IServiceCollection>? services) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            builder.ConfigureTestServices(s =>
            {
                if (time is not null) s.Replace(ServiceDescriptor.Singleton(time));
                services?.Invoke(s);
            });
        }
    }
}
