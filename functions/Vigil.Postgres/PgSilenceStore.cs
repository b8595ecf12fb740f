using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Vigil.Core;
using Vigil.Core.Silences;

namespace Vigil.Postgres;

/// <summary>Table silences. Matchers are jsonb [{name, op, value}], read and written whole.</summary>
public sealed class PgSilenceStore(NpgsqlDataSource dataSource) : ISilenceStore
{
    private const string Columns = "id, tenant_id, matchers::text, starts_at, ends_at, created_by, comment, created_at, expired_at";

    private sealed record MatcherRow(string Name, string Op, string Value);

    public Task CreateAsync(Silence silence, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO silences (id, tenant_id, matchers, starts_at, ends_at, created_by, comment, created_at)
            VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8)
            """);
        var p = command.Parameters;
        p.Add(new() { Value = silence.Id });
        p.Add(PgScope.Tenant(silence.TenantId));
        p.Add(new() { Value = JsonSerializer.Serialize(silence.Matchers.Select(m => new MatcherRow(m.Name, m.Operator.ToSymbol(), m.Value)), PgJson.Options) });
        p.Add(new() { Value = silence.StartsAt });
        p.Add(new() { Value = silence.EndsAt });
        p.Add(new() { Value = silence.CreatedBy });
        p.Add(new() { Value = (object?)silence.Comment ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new() { Value = silence.CreatedAt });
        await command.ExecuteNonQueryAsync(cancellationToken);
    });

    public Task<IReadOnlyList<Silence>> ListAsync(TenantScope scope, bool activeOnly, DateTimeOffset now, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<Silence>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM silences
            WHERE {PgScope.Condition("tenant_id", 1)}
              AND (NOT $4 OR (starts_at <= $5 AND ends_at > $5 AND (expired_at IS NULL OR expired_at > $5)))
            ORDER BY created_at DESC, id LIMIT 1000
            """);
        PgScope.Add(command.Parameters, scope);
        command.Parameters.Add(new() { Value = activeOnly });
        command.Parameters.Add(new() { Value = now });
        return await ReadAllAsync(command, cancellationToken);
    });

    public Task<Silence?> GetAsync(Guid id, TenantScope scope, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM silences WHERE id = $4 AND {PgScope.Condition("tenant_id", 1)}");
        PgScope.Add(command.Parameters, scope);
        command.Parameters.Add(new() { Value = id });
        return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
    });

    public async Task<Silence?> ExpireAsync(Guid id, TenantScope scope, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await PgCall.Run(async () =>
        {
            // Expiring twice keeps the first time; one that already ended keeps its end.
            await using var command = dataSource.CreateCommand($"""
                UPDATE silences SET expired_at = $5
                WHERE id = $4 AND {PgScope.Condition("tenant_id", 1)} AND expired_at IS NULL AND ends_at > $5
                """);
            PgScope.Add(command.Parameters, scope);
            command.Parameters.Add(new() { Value = id });
            command.Parameters.Add(new() { Value = at });
            await command.ExecuteNonQueryAsync(cancellationToken);
        });
        return await GetAsync(id, scope, cancellationToken);
    }

    public Task<IReadOnlyList<Silence>> ActiveAsync(DateTimeOffset at, string? alertTenant, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<Silence>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM silences
            WHERE starts_at <= $1 AND ends_at > $1 AND (expired_at IS NULL OR expired_at > $1)
              AND (tenant_id IS NULL OR tenant_id = $2)
            """);
        command.Parameters.Add(new() { Value = at });
        command.Parameters.Add(PgScope.Tenant(alertTenant));
        return await ReadAllAsync(command, cancellationToken);
    });

    private static async Task<IReadOnlyList<Silence>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<Silence>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var rows = JsonSerializer.Deserialize<MatcherRow[]>(r.GetString(2), PgJson.Options)!;
            var matchers = new List<SilenceMatcher>();
            foreach (var row in rows)
            {
                // Stored matchers were valid when made; one that no longer compiles mutes nothing rather than everything.
                if (MatchOperators.TryParse(row.Op, out var op) && SilenceMatcher.TryCreate(row.Name, op, row.Value, out var m, out _)) matchers.Add(m);
                else matchers.Add(Never(row.Name));
            }
            list.Add(new Silence(
                r.GetGuid(0),
                PgScope.ReadTenant(r, 1),
                matchers,
                r.GetFieldValue<DateTimeOffset>(3),
                r.GetFieldValue<DateTimeOffset>(4),
                r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6),
                r.GetFieldValue<DateTimeOffset>(7),
                r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8)));
        }
        return list;
    }

    private static SilenceMatcher Never(string name)
    {
        SilenceMatcher.TryCreate(name, MatchOperator.Regex, "(?!)", out var m, out _);
        return m;
    }
}
