using Npgsql;
using Vigil.Core;
using Vigil.Core.Metrics;

namespace Vigil.Postgres;

/// <summary>Table sla_targets. A target is (tenant_id, bot, operation); every statement carries the scope.</summary>
public sealed class PgSlaTargetStore(NpgsqlDataSource dataSource) : ISlaTargetStore
{
    public Task<IReadOnlyList<SlaTarget>> ListAsync(TenantScope scope, CancellationToken cancellationToken) =>
        PgCall.Run<IReadOnlyList<SlaTarget>>(async () =>
        {
            await using var command = dataSource.CreateCommand($"""
                SELECT tenant_id, bot, operation, p50_ms, p95_ms, p99_ms, event_types, updated_at FROM sla_targets
                WHERE {PgScope.Condition("tenant_id", 1)} ORDER BY tenant_id NULLS FIRST, bot, operation
                """);
            PgScope.Add(command.Parameters, scope);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var targets = new List<SlaTarget>();
            while (await reader.ReadAsync(cancellationToken))
            {
                targets.Add(new SlaTarget(PgScope.ReadTenant(reader, 0), reader.GetString(1), reader.GetString(2), reader.GetDouble(3), reader.GetDouble(4),
                    reader.GetDouble(5), reader.GetFieldValue<string[]>(6), reader.GetFieldValue<DateTimeOffset>(7)));
            }
            return targets;
        });

    public Task<bool> UpsertAsync(SlaTarget target, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sla_targets (tenant_id, bot, operation, p50_ms, p95_ms, p99_ms, event_types, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT ON CONSTRAINT sla_targets_scope_bot_operation DO UPDATE SET p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms,
                p99_ms = excluded.p99_ms, event_types = excluded.event_types, updated_at = excluded.updated_at
            RETURNING xmax = 0
            """);
        command.Parameters.Add(PgScope.Tenant(target.TenantId));
        command.Parameters.Add(new() { Value = target.Bot });
        command.Parameters.Add(new() { Value = target.Operation });
        command.Parameters.Add(new() { Value = target.P50Ms });
        command.Parameters.Add(new() { Value = target.P95Ms });
        command.Parameters.Add(new() { Value = target.P99Ms });
        command.Parameters.Add(new() { Value = target.EventTypes.ToArray() });
        command.Parameters.Add(new() { Value = target.UpdatedAt });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    });

    public Task<bool> DeleteAsync(string? tenantId, string bot, string operation, CancellationToken cancellationToken) =>
        PgCall.Run(async () =>
        {
            await using var command = dataSource.CreateCommand(
                "DELETE FROM sla_targets WHERE tenant_id IS NOT DISTINCT FROM $1 AND bot = $2 AND operation = $3");
            command.Parameters.Add(PgScope.Tenant(tenantId));
            command.Parameters.Add(new() { Value = bot });
            command.Parameters.Add(new() { Value = operation });
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        });
}
