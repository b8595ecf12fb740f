using Npgsql;
using Vigil.Core.Alerts;

namespace Vigil.Postgres;

/// <summary>
/// Table alert_escalations: the next step of each firing alert and when it is due. Claimed with
/// FOR UPDATE SKIP LOCKED and leased, so two hosts never send the same step and a host that dies
/// mid-claim only delays it. The evaluation writes the first row in the transaction that fires the alert.
/// </summary>
public sealed class PgEscalationSchedule(NpgsqlDataSource dataSource) : IEscalationSchedule
{
    public Task<IReadOnlyList<EscalationClaim>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<EscalationClaim>>(async () =>
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE alert_escalations e SET claimed_until = $2
            FROM (SELECT alert_id FROM alert_escalations
                  WHERE due_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1)
                  ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
            WHERE e.alert_id = due.alert_id
            RETURNING e.alert_id, e.next_step
            """);
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = now + lease });
        command.Parameters.Add(new() { Value = limit });
        var claims = new List<EscalationClaim>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) claims.Add(new EscalationClaim(reader.GetGuid(0), reader.GetInt32(1)));
        return claims;
    });

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("SELECT min(greatest(due_at, coalesce(claimed_until, due_at))) FROM alert_escalations");
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime t ? new DateTimeOffset(t, TimeSpan.Zero) : (DateTimeOffset?)null;
    });

    public Task ScheduleAsync(Guid alertId, int step, DateTimeOffset due, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("UPDATE alert_escalations SET next_step = $2, due_at = $3, claimed_until = NULL WHERE alert_id = $1");
        command.Parameters.Add(new() { Value = alertId });
        command.Parameters.Add(new() { Value = step });
        command.Parameters.Add(new() { Value = due });
        await command.ExecuteNonQueryAsync(cancellationToken);
    });

    public Task EndAsync(Guid alertId, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("DELETE FROM alert_escalations WHERE alert_id = $1");
        command.Parameters.Add(new() { Value = alertId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    });

    public Task ReleaseHeldAsync(IReadOnlyList<Guid> alertIds, DateTimeOffset now, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE alert_escalations SET due_at = $1, claimed_until = NULL
            WHERE alert_id = ANY($2) AND due_at > $1
            """);
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = alertIds.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    });
}
