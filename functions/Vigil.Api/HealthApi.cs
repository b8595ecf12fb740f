using System.Reflection;
using Microsoft.AspNetCore.Http;
using Vigil.Core.Auth;
using Vigil.Core.Health;

namespace Vigil.Api;

/// <summary><c>GET /api/health</c> (anonymous) and <c>GET /api/health/detailed</c> (read).</summary>
public sealed class HealthApi(ApiGate gate, IStorageHealth storage, IEnumerable<IHealthContributor> contributors, IDatabaseMigrator migrator, TimeProvider time)
{
    public static readonly string Version =
        typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public Task<IResult> GetAsync(HttpContext context) => gate.RunAsync(context, null, async (_, cancellationToken) =>
    {
        var database = await storage.CheckAsync(cancellationToken);
        var status = DatabaseStatus(database);
        return ApiResults.Json(new HealthBody(status, Version, time.GetUtcNow()), StatusFor(status));
    });

    public Task<IResult> GetDetailedAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (_, cancellationToken) =>
    {
        var database = await storage.CheckAsync(cancellationToken);
        var status = DatabaseStatus(database);
        var services = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["database"] = new Dictionary<string, object?>
            {
                ["status"] = status,
                ["latency_ms"] = Math.Round(database.LatencyMs, 2),
                ["schema_version"] = database.SchemaVersion,
                ["expected_schema_version"] = migrator.LatestVersion,
                ["error"] = database.Error,
            },
        };
        foreach (var contributor in contributors)
        {
            foreach (var health in await contributor.CheckAsync(cancellationToken))
            {
                var entry = new Dictionary<string, object?>(health.Details) { ["status"] = health.Status };
                services[health.Name] = entry;
                if (health.Status is "degraded" or "unhealthy" && status == "healthy") status = "degraded";
            }
        }
        return ApiResults.Json(new DetailedHealthBody(status, Version, time.GetUtcNow(), services), StatusFor(status));
    });

    private string DatabaseStatus(StorageHealth database) =>
        !database.Reachable ? "unhealthy" : database.SchemaVersion < migrator.LatestVersion ? "degraded" : "healthy";

    private static int StatusFor(string status) => status == "unhealthy" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;

    private sealed record HealthBody(string Status, string Version, DateTimeOffset Timestamp);

    private sealed record DetailedHealthBody(string Status, string Version, DateTimeOffset Timestamp, IReadOnlyDictionary<string, object?> Services);
}
