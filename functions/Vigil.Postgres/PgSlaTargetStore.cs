using Npgsql;
using Vigil.Core.Metrics;

namespace Vigil.Postgres;

public sealed class PgSlaTargetStore(NpgsqlDataSource dataSource) : ISlaTargetStore
{
    public Task<IReadOnlyList<SlaTarget>> ListAsync(CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<SlaTarget>>(async () =>
    {
        await using var command = dataSource.CreateCommand("SELECT bot, operation, p50_ms, p95_ms, p99_ms, updated_at FROM sla_targets ORDER BY bot, operation");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var targets = new List<SlaTarget>();
        while (await reader.ReadAsync(cancellationToken))
        {
            targets.Add(new SlaTarget(reader.GetString(0), reader.GetString(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return targets;
    });

    public Task<bool> UpsertAsync(SlaTarget target, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sla_targets (bot, operation, p50_ms, p95_ms, p99_ms, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (bot, operation) DO UPDATE SET p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms,
                p99_ms = excluded.p99_ms, updated_at = excluded.updated_at
            RETURNING xmax = 0
            """);
        command.Parameters.Add(new() { Value = target.Bot });
        command.Parameters.Add(new() { Value = target.Operation });
        command.Parameters.Add(new() { Value = target.P50Ms });
        command.Parameters.Add(new() { Value = target.P95Ms });
        command.Parameters.Add(new() { Value = target.P99Ms });
        command.Parameters.Add(new() { Value = target.UpdatedAt });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    });

    public Task<bool> DeleteAsync(string bot, string operation, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("DELETE FROM sla_targets WHERE bot = $1 AND operation = $2");
        command.Parameters.Add(new() { Value = bot });
        command.Parameters.Add(new() { Value = operation });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    });
}
