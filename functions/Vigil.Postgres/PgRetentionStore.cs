using Npgsql;
using Vigil.Core.Jobs;

namespace Vigil.Postgres;

public sealed class PgRetentionStore(NpgsqlDataSource dataSource) : IRetentionStore
{
    private const int KeyBatch = 50_000;

    public Task<RetentionReport> ApplyAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var created = await ScalarAsync<int>(connection, "SELECT vigil_ensure_event_partitions(now() - interval '1 day', $1)", cutoffs.PartitionsUntil, cancellationToken);
        var dropped = await ScalarAsync<int>(connection, "SELECT vigil_drop_event_partitions($1)", cutoffs.Events, cancellationToken);
        var deleted = await ScalarAsync<long>(connection, "WITH d AS (DELETE FROM events_default WHERE ts < $1 RETURNING 1) SELECT count(*) FROM d", cutoffs.Events, cancellationToken);
        long rollupRows = 0;
        foreach (var (table, before) in new[]
        {
            ("rollup_minute", cutoffs.MinuteRollups), ("rollup_hour", cutoffs.HourRollups), ("rollup_day", cutoffs.DayRollups),
            ("conversation_cost_minute", cutoffs.ConversationCosts),
        })
        {
            rollupRows += await ScalarAsync<long>(connection, $"WITH d AS (DELETE FROM {table} WHERE bucket < $1 RETURNING 1) SELECT count(*) FROM d", before, cancellationToken);
        }
        // Short batches keep each transaction (and its locks) small on a large key table.
        long keys = 0;
        while (true)
        {
            var n = await ScalarAsync<long>(connection, $"""
                WITH d AS (
                    DELETE FROM event_keys WHERE ctid = ANY (ARRAY(SELECT ctid FROM event_keys WHERE ts < $1 LIMIT {KeyBatch}))
                    RETURNING 1)
                SELECT count(*) FROM d
                """, cutoffs.Keys, cancellationToken);
            keys += n;
            if (n < KeyBatch) break;
        }
        return new RetentionReport(created, dropped, deleted, keys, rollupRows);
    });

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, DateTimeOffset arg, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new() { Value = arg });
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
