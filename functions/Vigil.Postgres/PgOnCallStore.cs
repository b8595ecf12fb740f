using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Vigil.Core;
using Vigil.Core.OnCall;

namespace Vigil.Postgres;

/// <summary>Tables people and oncall_schedules, each addressed by (tenant_id, id or name); every statement carries the scope.</summary>
public sealed class PgOnCallStore(NpgsqlDataSource dataSource) : IOnCallStore
{
    private const string PersonColumns = "tenant_id, id, name, email, slack_user_id, teams_upn, phone, created_at, updated_at";

    private const string ScheduleColumns = "tenant_id, name, timezone, rotation, handoff, participants, overrides::text, start_at, created_at, updated_at";

    private sealed record OverrideRow(string Person, DateTimeOffset From, DateTimeOffset To);

    public Task<IReadOnlyList<Person>> ListPeopleAsync(TenantScope scope, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<Person>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {PersonColumns} FROM people WHERE {PgScope.Condition("tenant_id", 1)} ORDER BY tenant_id NULLS FIRST, id");
        PgScope.Add(command.Parameters, scope);
        return await ReadPeopleAsync(command, cancellationToken);
    });

    public Task<Person?> GetPersonAsync(string? tenantId, string id, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {PersonColumns} FROM people WHERE tenant_id IS NOT DISTINCT FROM $1 AND id = $2");
        command.Parameters.Add(PgScope.Tenant(tenantId));
        command.Parameters.Add(new() { Value = id });
        return (await ReadPeopleAsync(command, cancellationToken)).FirstOrDefault();
    });

    public Task<bool> UpsertPersonAsync(Person person, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO people (tenant_id, id, name, email, slack_user_id, teams_upn, phone, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
            ON CONFLICT ON CONSTRAINT people_scope_id DO UPDATE SET name = excluded.name, email = excluded.email,
                slack_user_id = excluded.slack_user_id, teams_upn = excluded.teams_upn, phone = excluded.phone, updated_at = excluded.updated_at
            RETURNING xmax = 0
            """);
        var p = command.Parameters;
        p.Add(PgScope.Tenant(person.TenantId));
        p.Add(new() { Value = person.Id });
        p.Add(new() { Value = person.Name });
        p.Add(Text(person.Email));
        p.Add(Text(person.SlackUserId));
        p.Add(Text(person.TeamsUpn));
        p.Add(Text(person.Phone));
        p.Add(new() { Value = person.UpdatedAt });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    });

    public Task<(bool Deleted, IReadOnlyList<string> UsedBy)> DeletePersonAsync(string? tenantId, string id, CancellationToken cancellationToken) => PgCall.Run<(bool, IReadOnlyList<string>)>(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        // Schedules of the same scope name people by id; a global person may also be named by a tenant's schedule.
        var usedBy = new List<string>();
        await using (var schedules = new NpgsqlCommand("""
            SELECT coalesce(tenant_id || '/', '') || name FROM oncall_schedules
            WHERE ($1::text IS NULL OR tenant_id IS NOT DISTINCT FROM $1)
              AND ($2 = ANY (participants) OR overrides @> jsonb_build_array(jsonb_build_object('person', $2::text)))
            ORDER BY 1 FOR SHARE
            """, connection, tx))
        {
            schedules.Parameters.Add(PgScope.Tenant(tenantId));
            schedules.Parameters.Add(new() { Value = id });
            await using var reader = await schedules.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) usedBy.Add(reader.GetString(0));
        }
        if (usedBy.Count > 0) return (false, usedBy);
        await using var delete = new NpgsqlCommand("DELETE FROM people WHERE tenant_id IS NOT DISTINCT FROM $1 AND id = $2", connection, tx);
        delete.Parameters.Add(PgScope.Tenant(tenantId));
        delete.Parameters.Add(new() { Value = id });
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
        await tx.CommitAsync(cancellationToken);
        return (deleted, []);
    });

    public Task<IReadOnlyList<OnCallSchedule>> ListSchedulesAsync(TenantScope scope, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<OnCallSchedule>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {ScheduleColumns} FROM oncall_schedules WHERE {PgScope.Condition("tenant_id", 1)} ORDER BY tenant_id NULLS FIRST, name");
        PgScope.Add(command.Parameters, scope);
        return await ReadSchedulesAsync(command, cancellationToken);
    });

    public Task<OnCallSchedule?> GetScheduleAsync(string? tenantId, string name, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {ScheduleColumns} FROM oncall_schedules WHERE tenant_id IS NOT DISTINCT FROM $1 AND name = $2");
        command.Parameters.Add(PgScope.Tenant(tenantId));
        command.Parameters.Add(new() { Value = name });
        return (await ReadSchedulesAsync(command, cancellationToken)).FirstOrDefault();
    });

    public Task<bool> UpsertScheduleAsync(OnCallSchedule schedule, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        // A replace keeps the rotation's start: editing participants must not reshuffle who is on call.
        await using var command = dataSource.CreateCommand("""
            INSERT INTO oncall_schedules (tenant_id, name, timezone, rotation, handoff, participants, overrides, start_at, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $9)
            ON CONFLICT ON CONSTRAINT oncall_schedules_scope_name DO UPDATE SET timezone = excluded.timezone, rotation = excluded.rotation,
                handoff = excluded.handoff, participants = excluded.participants, overrides = excluded.overrides,
                start_at = CASE WHEN $10 THEN excluded.start_at ELSE oncall_schedules.start_at END, updated_at = excluded.updated_at
            RETURNING xmax = 0
            """);
        var p = command.Parameters;
        p.Add(PgScope.Tenant(schedule.TenantId));
        p.Add(new() { Value = schedule.Name });
        p.Add(new() { Value = schedule.TimeZone.Id });
        p.Add(new() { Value = schedule.Rotation.ToName() });
        p.Add(new() { Value = schedule.Handoff.ToString() });
        p.Add(new() { Value = schedule.Participants.ToArray() });
        p.Add(new() { Value = JsonSerializer.Serialize(schedule.Overrides.Select(o => new OverrideRow(o.Person, o.From, o.To)), PgJson.Options) });
        p.Add(new() { Value = schedule.Start });
        p.Add(new() { Value = schedule.UpdatedAt });
        p.Add(new() { Value = schedule.StartGiven });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    });

    public Task<bool> DeleteScheduleAsync(string? tenantId, string name, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("DELETE FROM oncall_schedules WHERE tenant_id IS NOT DISTINCT FROM $1 AND name = $2");
        command.Parameters.Add(PgScope.Tenant(tenantId));
        command.Parameters.Add(new() { Value = name });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    });

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static string? OrNull(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    private static async Task<IReadOnlyList<Person>> ReadPeopleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<Person>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new Person
            {
                TenantId = PgScope.ReadTenant(r, 0),
                Id = r.GetString(1),
                Name = r.GetString(2),
                Email = OrNull(r, 3),
                SlackUserId = OrNull(r, 4),
                TeamsUpn = OrNull(r, 5),
                Phone = OrNull(r, 6),
                CreatedAt = r.GetFieldValue<DateTimeOffset>(7),
                UpdatedAt = r.GetFieldValue<DateTimeOffset>(8),
            });
        }
        return list;
    }

    private static async Task<IReadOnlyList<OnCallSchedule>> ReadSchedulesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<OnCallSchedule>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            Rotations.TryParse(r.GetString(3), out var rotation);
            Handoff.TryParse(r.GetString(4), rotation, out var handoff, out _);
            var overrides = JsonSerializer.Deserialize<OverrideRow[]>(r.GetString(6), PgJson.Options)!;
            list.Add(new OnCallSchedule(
                r.GetString(1),
                PgScope.ReadTenant(r, 0),
                TimeZoneInfo.FindSystemTimeZoneById(r.GetString(2)),
                rotation,
                handoff,
                r.GetFieldValue<string[]>(5),
                [.. overrides.Select(o => new ScheduleOverride(o.Person, o.From, o.To))],
                r.GetFieldValue<DateTimeOffset>(7),
                r.GetFieldValue<DateTimeOffset>(9))
            {
                CreatedAt = r.GetFieldValue<DateTimeOffset>(8),
            });
        }
        return list;
    }
}
