using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vigil.Core.Health;

namespace Vigil.Postgres;

/// <summary>
/// Applies the embedded migrations (Migrations/NNNN_name.sql) in order, each in its own
/// transaction, recorded in <c>schema_version</c>. A session advisory lock makes two hosts starting
/// together take turns: the second finds everything applied. A migration edited after it was applied
/// stops start-up, because the database no longer matches the code.
/// </summary>
public sealed partial class PgMigrator(NpgsqlDataSource dataSource, ILogger<PgMigrator> logger) : IDatabaseMigrator
{
    private static readonly IReadOnlyList<Migration> All = LoadMigrations();

    public int LatestVersion => All[^1].Version;

    public Task<int> MigrateAsync(CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await EnsureSchemaAsync(connection, cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(hashtextextended('vigil.migrations.' || current_schema(), 0))", cancellationToken);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_version (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, cancellationToken);
            var applied = new Dictionary<int, string>();
            await using (var read = new NpgsqlCommand("SELECT version, checksum FROM schema_version", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken)) applied[reader.GetInt32(0)] = reader.GetString(1);
            }
            foreach (var migration in All)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
                    {
                        throw new InvalidOperationException($"Migration {migration.Version} ({migration.Name}) changed after it was applied; restore it and add a new migration instead.");
                    }
                    continue;
                }
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                await using (var apply = new NpgsqlCommand(migration.Sql, connection, tx))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }
                await using (var record = new NpgsqlCommand("INSERT INTO schema_version (version, name, checksum) VALUES ($1, $2, $3)", connection, tx))
                {
                    record.Parameters.Add(new() { Value = migration.Version });
                    record.Parameters.Add(new() { Value = migration.Name });
                    record.Parameters.Add(new() { Value = migration.Checksum });
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }
                await tx.CommitAsync(cancellationToken);
                LogApplied(logger, migration.Version, migration.Name);
            }
            // Prepare the days the ingest window can reach, so early events do not land in the default partition.
            await ExecuteAsync(connection, "SELECT vigil_ensure_event_partitions(now() - interval '9 days', now() + interval '7 days')", cancellationToken);
            return LatestVersion;
        }
        finally
        {
            // A broken connection has already released its session lock; only a live one needs this.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, "SELECT pg_advisory_unlock(hashtextextended('vigil.migrations.' || current_schema(), 0))", CancellationToken.None);
            }
        }
    });

    /// <summary>A connection string with a search path names the schema Vigil lives in; create it if missing.</summary>
    private static async Task EnsureSchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var searchPath = new NpgsqlConnectionStringBuilder(connection.ConnectionString).SearchPath;
        var schema = searchPath?.Split(',')[0].Trim().Trim('"');
        if (string.IsNullOrEmpty(schema) || schema == "public" || schema.StartsWith('$')) return;
        await using var command = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS \"{schema.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Two hosts created it at the same moment: it exists, which is all we need.
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<Migration> LoadMigrations()
    {
        var assembly = typeof(PgMigrator).Assembly;
        const string prefix = "Vigil.Postgres.Migrations.";
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var file = resource[prefix.Length..^".sql".Length];
            var version = int.Parse(file[..4], System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sql = reader.ReadToEnd();
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));
            list.Add(new Migration(version, file[5..], sql, checksum));
        }
        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Version != i + 1) throw new InvalidOperationException($"Migrations must be numbered 1, 2, 3… without gaps; found {list[i].Version} at position {i + 1}.");
        }
        return list;
    }

    private sealed record Migration(int Version, string Name, string Sql, string Checksum);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Applied migration {Version} ({Name})")]
    private static partial void LogApplied(ILogger logger, int version, string name);
}
