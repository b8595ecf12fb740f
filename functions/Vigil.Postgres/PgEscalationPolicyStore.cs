using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Vigil.Core;
using Vigil.Core.Alerts;

namespace Vigil.Postgres;

/// <summary>Table escalation_policies. A policy is (tenant_id, name); every statement carries the scope.</summary>
public sealed class PgEscalationPolicyStore(NpgsqlDataSource dataSource) : IEscalationPolicyStore
{
    private const string Columns = "tenant_id, name, description, levels::text, repeat, repeat_interval_seconds, managed, created_at, updated_at";

    private sealed record LevelRow(long AfterSeconds, string[] Channels, string[] Notify);

    public Task<IReadOnlyList<EscalationPolicy>> ListAsync(TenantScope scope, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<EscalationPolicy>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM escalation_policies WHERE {PgScope.Condition("tenant_id", 1)} ORDER BY tenant_id NULLS FIRST, name");
        PgScope.Add(command.Parameters, scope);
        return await ReadAllAsync(command, cancellationToken);
    });

    public Task<EscalationPolicy?> GetAsync(string? tenantId, string name, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM escalation_policies WHERE tenant_id IS NOT DISTINCT FROM $1 AND name = $2");
        command.Parameters.Add(PgScope.Tenant(tenantId));
        command.Parameters.Add(new() { Value = name });
        return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
    });

    public Task<bool> UpsertAsync(EscalationPolicy policy, CancellationToken cancellationToken) => WriteAsync(policy, onlyIfManaged: false, cancellationToken);

    public async Task SyncManagedDefaultAsync(EscalationPolicy policy, CancellationToken cancellationToken) => await WriteAsync(policy, onlyIfManaged: true, cancellationToken);

    public Task<(bool Deleted, IReadOnlyList<string> UsedBy)> DeleteAsync(string? tenantId, string name, CancellationToken cancellationToken) => PgCall.Run<(bool, IReadOnlyList<string>)>(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        // A rule uses a policy of its own scope, or a global one when its scope has none of that name.
        var usedBy = new List<string>();
        await using (var rules = new NpgsqlCommand("""
            SELECT coalesce(r.tenant_id || '/', '') || r.name FROM alert_rules r
            WHERE r.escalation_policy = $2
              AND (r.tenant_id IS NOT DISTINCT FROM $1
                   OR ($1 IS NULL AND NOT EXISTS (SELECT 1 FROM escalation_policies p WHERE p.tenant_id = r.tenant_id AND p.name = $2)))
            ORDER BY 1 FOR SHARE OF r
            """, connection, tx))
        {
            rules.Parameters.Add(PgScope.Tenant(tenantId));
            rules.Parameters.Add(new() { Value = name });
            await using var reader = await rules.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) usedBy.Add(reader.GetString(0));
        }
        if (usedBy.Count > 0) return (false, usedBy);
        await using var delete = new NpgsqlCommand("DELETE FROM escalation_policies WHERE tenant_id IS NOT DISTINCT FROM $1 AND name = $2", connection, tx);
        delete.Parameters.Add(PgScope.Tenant(tenantId));
        delete.Parameters.Add(new() { Value = name });
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
        await tx.CommitAsync(cancellationToken);
        return (deleted, []);
    });

    private Task<bool> WriteAsync(EscalationPolicy policy, bool onlyIfManaged, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO escalation_policies (tenant_id, name, description, levels, repeat, repeat_interval_seconds, managed, created_at, updated_at)
            VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $8)
            ON CONFLICT ON CONSTRAINT escalation_policies_scope_name DO UPDATE SET description = excluded.description, levels = excluded.levels,
                repeat = excluded.repeat, repeat_interval_seconds = excluded.repeat_interval_seconds, managed = excluded.managed, updated_at = excluded.updated_at
            {(onlyIfManaged ? "WHERE escalation_policies.managed" : "")}
            RETURNING xmax = 0
            """);
        var p = command.Parameters;
        p.Add(PgScope.Tenant(policy.TenantId));
        p.Add(new() { Value = policy.Name });
        p.Add(new() { Value = policy.Description });
        p.Add(new() { Value = JsonSerializer.Serialize(policy.Levels.Select(l => new LevelRow((long)l.After.TotalSeconds, [.. l.Channels], [.. l.Notify.Select(n => n.ToString())])), PgJson.Options) });
        p.Add(new() { Value = policy.Repeat });
        p.Add(new() { Value = policy.RepeatInterval is { } i ? (int)i.TotalSeconds : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        p.Add(new() { Value = policy.ManagedBySettings });
        p.Add(new() { Value = policy.UpdatedAt });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    });

    private static async Task<IReadOnlyList<EscalationPolicy>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<EscalationPolicy>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var levels = JsonSerializer.Deserialize<LevelRow[]>(r.GetString(3), PgJson.Options)!;
            list.Add(new EscalationPolicy
            {
                TenantId = PgScope.ReadTenant(r, 0),
                Name = r.GetString(1),
                Description = r.GetString(2),
                Levels = [.. levels.Select(l => new EscalationLevel(TimeSpan.FromSeconds(l.AfterSeconds), l.Channels,
                    [.. l.Notify.Select(n => NotifyTarget.TryParse(n, out var t, out _) ? t : default).Where(t => t.Name is not null)]))],
                Repeat = r.GetInt32(4),
                RepeatInterval = r.IsDBNull(5) ? null : TimeSpan.FromSeconds(r.GetInt32(5)),
                ManagedBySettings = r.GetBoolean(6),
                CreatedAt = r.GetFieldValue<DateTimeOffset>(7),
                UpdatedAt = r.GetFieldValue<DateTimeOffset>(8),
            });
        }
        return list;
    }
}
