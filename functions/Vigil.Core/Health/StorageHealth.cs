namespace Vigil.Core.Health;

public sealed record StorageHealth(bool Reachable, double LatencyMs, int? SchemaVersion, string? Error);

public interface IStorageHealth
{
    Task<StorageHealth> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>Applies schema migrations once, whoever else is starting at the same time.</summary>
public interface IDatabaseMigrator
{
    /// <summary>The schema version this code expects.</summary>
    int LatestVersion { get; }

    Task<int> MigrateAsync(CancellationToken cancellationToken);
}

/// <summary>
/// One service in <c>/api/health/detailed</c>. Status is healthy, off (not configured, by choice),
/// degraded or unhealthy; only degraded and unhealthy lower the overall status, and only the database
/// makes Vigil unhealthy, because without it nothing works.
/// </summary>
public sealed record ServiceHealth(string Name, string Status, IReadOnlyDictionary<string, object?> Details);

/// <summary>Contributes services to <c>/api/health/detailed</c> (notification channels, escalation...).</summary>
public interface IHealthContributor
{
    Task<IReadOnlyList<ServiceHealth>> CheckAsync(CancellationToken cancellationToken);
}
