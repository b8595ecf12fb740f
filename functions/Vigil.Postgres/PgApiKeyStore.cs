using Npgsql;
using Vigil.Core;
using Vigil.Core.Auth;

namespace Vigil.Postgres;

/// <summary>Table api_keys. A key's tenant_id is its binding (null: unbound); listing and revoking carry the caller's scope.</summary>
public sealed class PgApiKeyStore(NpgsqlDataSource dataSource) : IApiKeyStore
{
    private const string Columns = "id, name, role, tenant_id, created_at, created_by, revoked_at, key_hash";

    public Task<StoredApiKey?> FindAsync(string id, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM api_keys WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new StoredApiKey(Read(reader), (byte[])reader[7]) : null;
    });

    public Task InsertAsync(StoredApiKey key, CancellationToken cancellationToken) =>
        Write("INSERT INTO api_keys (id, name, role, tenant_id, created_at, created_by, revoked_at, key_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", key, cancellationToken);

    public Task UpsertAsync(StoredApiKey key, CancellationToken cancellationToken) =>
        Write("""
            INSERT INTO api_keys (id, name, role, tenant_id, created_at, created_by, revoked_at, key_hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, tenant_id = excluded.tenant_id,
                key_hash = excluded.key_hash, revoked_at = NULL,
                created_at = CASE WHEN api_keys.key_hash = excluded.key_hash THEN api_keys.created_at ELSE excluded.created_at END
            """, key, cancellationToken);

    public Task<bool> RevokeAsync(string id, TenantScope scope, DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand($"UPDATE api_keys SET revoked_at = coalesce(revoked_at, $5) WHERE id = $4 AND {PgScope.Condition("tenant_id", 1)}");
        PgScope.Add(command.Parameters, scope);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = at });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    });

    public Task<IReadOnlyList<ApiKey>> ListAsync(TenantScope scope, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<ApiKey>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM api_keys WHERE {PgScope.Condition("tenant_id", 1)} ORDER BY created_at, id");
        PgScope.Add(command.Parameters, scope);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKey>();
        while (await reader.ReadAsync(cancellationToken)) keys.Add(Read(reader));
        return keys;
    });

    private Task Write(string sql, StoredApiKey stored, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        var k = stored.Key;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new() { Value = k.Id });
        command.Parameters.Add(new() { Value = k.Name });
        command.Parameters.Add(new() { Value = k.Role.ToName() });
        command.Parameters.Add(new() { Value = (object?)k.TenantId ?? DBNull.Value });
        command.Parameters.Add(new() { Value = k.CreatedAt });
        command.Parameters.Add(new() { Value = (object?)k.CreatedBy ?? DBNull.Value });
        command.Parameters.Add(new() { Value = (object?)k.RevokedAt ?? DBNull.Value });
        command.Parameters.Add(new() { Value = stored.Hash });
        await command.ExecuteNonQueryAsync(cancellationToken);
    });

    private static ApiKey Read(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        ApiRoles.TryParse(r.GetString(2), out var role) ? role : throw new InvalidDataException($"Unknown role '{r.GetString(2)}' in api_keys."),
        r.IsDBNull(3) ? null : r.GetString(3),
        r.GetFieldValue<DateTimeOffset>(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6));
}
