using System.Diagnostics;
using Npgsql;
using Vigil.Core.Health;

namespace Vigil.Postgres;

public sealed class PgStorageHealth(NpgsqlDataSource dataSource) : IStorageHealth
{
    public async Task<StorageHealth> CheckAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await using var command = dataSource.CreateCommand("SELECT coalesce(max(version), 0) FROM schema_version");
            command.CommandTimeout = 3;
            var version = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
            return new StorageHealth(true, watch.Elapsed.TotalMilliseconds, version, null);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return new StorageHealth(false, watch.Elapsed.TotalMilliseconds, null, e.Message);
        }
    }
}
