using Npgsql;
using Vigil.Core;
using Vigil.Core.Incidents;

namespace Vigil.Postgres;

/// <summary>Table alert_postmortems: every write a revision; the alert's tenant scopes each statement.</summary>
public sealed class PgPostmortemStore(NpgsqlDataSource dataSource) : IPostmortemStore
{
    private const string Columns = "p.alert_id, p.revision, p.summary, p.impact, p.root_cause, p.resolution, p.prevention, p.action_items, p.written_by, p.written_at";

    public Task<Postmortem?> WriteAsync(Guid alertId, TenantScope scope, PostmortemText text, string writtenBy, DateTimeOffset at,
        CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        // The alert row is locked so two writers at once take turns.
        await using var command = dataSource.CreateCommand($"""
            WITH alert AS (SELECT id FROM alerts a WHERE a.id = $1 AND {PgScope.Condition("a.tenant_id", 10)} FOR UPDATE),
            inserted AS (
                INSERT INTO alert_postmortems AS p (alert_id, revision, summary, impact, root_cause, resolution, prevention, action_items, written_by, written_at)
                SELECT alert.id, coalesce((SELECT max(revision) FROM alert_postmortems WHERE alert_id = alert.id), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9
                FROM alert
                RETURNING {Columns})
            SELECT * FROM inserted
            """);
        var p = command.Parameters;
        p.Add(new() { Value = alertId });
        p.Add(new() { Value = text.Summary });
        p.Add(new() { Value = text.Impact });
        p.Add(new() { Value = text.RootCause });
        p.Add(new() { Value = text.Resolution });
        p.Add(new() { Value = text.Prevention });
        p.Add(new() { Value = text.ActionItems.ToArray() });
        p.Add(new() { Value = writtenBy });
        p.Add(new() { Value = at });
        PgScope.Add(p, scope);
        try
        {
            return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // A writer that waited for the lock numbered from the snapshot before it: once more sees the other's revision.
            return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
        }
    });

    public Task<IReadOnlyList<Postmortem>> HistoryAsync(Guid alertId, TenantScope scope, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<Postmortem>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM alert_postmortems p JOIN alerts a ON a.id = p.alert_id
            WHERE p.alert_id = $1 AND {PgScope.Condition("a.tenant_id", 2)}
            ORDER BY p.revision
            """);
        command.Parameters.Add(new() { Value = alertId });
        PgScope.Add(command.Parameters, scope);
        return await ReadAllAsync(command, cancellationToken);
    });

    private static async Task<List<Postmortem>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<Postmortem>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new Postmortem(r.GetGuid(0), r.GetInt32(1),
                new PostmortemText(r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetFieldValue<string[]>(7)),
                r.GetString(8), r.GetFieldValue<DateTimeOffset>(9)));
        }
        return list;
    }
}
