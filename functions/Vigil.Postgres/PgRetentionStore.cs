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
            ("rollup_minute", cutoffs.MinuteRollups), ("rollup_5m", cutoffs.MinuteRollups), ("rollup_hour", cutoffs.HourRollups), ("rollup_day", cutoffs.DayRollups),
            ("conversation_cost_minute", cutoffs.ConversationCosts),
            ("rollup_distinct_minute", cutoffs.MinuteRollups), ("rollup_distinct_hour", cutoffs.HourRollups), ("rollup_distinct_day", cutoffs.DayRollups),
            ("review_conversation_hour", cutoffs.ConversationCosts),
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
        // Message text: erased in batches (an UPDATE of the rows the partial index events_message_text still lists).
        long erased = 0;
        while (true)
        {
            var n = await ScalarAsync<long>(connection, $"""
                WITH u AS (
                    UPDATE events SET text = NULL
                    WHERE ctid = ANY (ARRAY(SELECT ctid FROM events WHERE text IS NOT NULL AND ts < $1 LIMIT {KeyBatch}))
                      AND text IS NOT NULL AND ts < $1
                    RETURNING 1)
                SELECT count(*) FROM u
                """, cutoffs.MessageText, cancellationToken);
            erased += n;
            if (n < KeyBatch) break;
        }
        // The review's conversations go with their hour rows (Vigil__Retention__ConversationCosts).
        var reviewed = await ScalarAsync<long>(connection,
            "WITH d AS (DELETE FROM review_conversations WHERE last_at < $1 RETURNING 1) SELECT count(*) FROM d", cutoffs.ConversationCosts, cancellationToken);
        rollupRows += reviewed;
        // Scores outlive the text, and go with the conversation's events.
        var conversations = await ScalarAsync<long>(connection,
            "WITH d AS (DELETE FROM conversation_analytics WHERE ended_at < $1 RETURNING 1) SELECT count(*) FROM d", cutoffs.Events, cancellationToken);
        return new RetentionReport(created, dropped, deleted, keys, rollupRows, erased, conversations);
    });

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, DateTimeOffset arg, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new() { Value = arg });
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
