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
