using Npgsql;
using NpgsqlTypes;
using Vigil.Core.Events;

namespace Vigil.Bench;

/// <summary>
/// The naive baseline: one INSERT per event, each its own round trip and transaction, as a first
/// version of any ingestion endpoint writes it.
/// </summary>
internal sealed class NaiveEventStore(NpgsqlDataSource dataSource) : IEventStore
{
    public async Task<int> InsertAsync(IReadOnlyList<TelemetryEvent> events, CancellationToken cancellationToken)
    {
        var inserted = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var e in events)
        {
            await using var command = new NpgsqlCommand("""
                WITH claimed AS (
                    INSERT INTO event_keys (tenant_id, event_id, ts) VALUES ($1, $2, $4)
                    ON CONFLICT DO NOTHING RETURNING 1)
                INSERT INTO events (tenant_id, event_id, type, ts, bot, operation, model, duration_ms, success,
                    input_tokens, output_tokens, cost_usd, cost_source, conversation_id)
                SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 FROM claimed
                """, connection);
            command.Parameters.Add(new() { Value = e.TenantId });
            command.Parameters.Add(new() { Value = e.EventId });
            command.Parameters.Add(new() { Value = e.Type.ToName() });
            command.Parameters.Add(new() { Value = e.Timestamp.UtcDateTime });
            command.Parameters.Add(new() { Value = e.Bot });
            command.Parameters.Add(new() { Value = (object?)e.Operation ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = (object?)e.Model ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = (object?)e.DurationMs ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double });
            command.Parameters.Add(new() { Value = e.Success });
            command.Parameters.Add(new() { Value = (object?)e.InputTokens ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            command.Parameters.Add(new() { Value = (object?)e.OutputTokens ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            command.Parameters.Add(new() { Value = e.CostUsd });
            command.Parameters.Add(new() { Value = (object?)e.CostSource.ToName() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = (object?)e.ConversationId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            inserted += await command.ExecuteNonQueryAsync(cancellationToken);
        }
        return inserted;
    }
}

/// <summary>
/// The other batched design the issue names: binary COPY of every column into a temporary staging
/// table, then INSERT … ON CONFLICT from it (three round trips in one transaction). Measured
/// against UNNEST in the same run.
/// </summary>
internal sealed class CopyEventStore(NpgsqlDataSource dataSource) : IEventStore
{
    private const string Columns = "tenant_id, event_id, type, ts, bot, operation, model, provider, conversation_id, trace_id, user_id, duration_ms, success, error_type, cache_hit, input_tokens, output_tokens, cached_input_tokens, cost_usd, cost_source, ttft_ms, target_bot, blocked, rating, tool_name, quality_score, degraded, degradation_reason, batch_job, batch_run_id, attributes";

    public async Task<int> InsertAsync(IReadOnlyList<TelemetryEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE IF NOT EXISTS staging (LIKE events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS", connection, tx))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var writer = await connection.BeginBinaryImportAsync($"COPY staging ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var e in events.OrderBy(e => e.TenantId, StringComparer.Ordinal).ThenBy(e => e.EventId, StringComparer.Ordinal))
            {
                await writer.StartRowAsync(cancellationToken);
                await Write(writer, e.TenantId, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.EventId, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.Type.ToName(), NpgsqlDbType.Text, cancellationToken);
                await Write(writer, (DateTime?)e.Timestamp.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await Write(writer, e.Bot, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.Operation, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.Model, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.Provider, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.ConversationId, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.TraceId, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.UserId, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.DurationMs, NpgsqlDbType.Double, cancellationToken);
                await Write(writer, (bool?)e.Success, NpgsqlDbType.Boolean, cancellationToken);
                await Write(writer, e.ErrorType, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.CacheHit, NpgsqlDbType.Boolean, cancellationToken);
                await Write(writer, e.InputTokens, NpgsqlDbType.Bigint, cancellationToken);
                await Write(writer, e.OutputTokens, NpgsqlDbType.Bigint, cancellationToken);
                await Write(writer, e.CachedInputTokens, NpgsqlDbType.Bigint, cancellationToken);
                await Write(writer, (decimal?)e.CostUsd, NpgsqlDbType.Numeric, cancellationToken);
                await Write(writer, e.CostSource.ToName(), NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.TtftMs, NpgsqlDbType.Double, cancellationToken);
                await Write(writer, e.TargetBot, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.Blocked, NpgsqlDbType.Boolean, cancellationToken);
                await Write(writer, e.PositiveRating switch { true => "positive", false => "negative", null => null }, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.ToolName, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.QualityScore, NpgsqlDbType.Double, cancellationToken);
                await Write(writer, e.Degraded, NpgsqlDbType.Boolean, cancellationToken);
                await Write(writer, e.DegradationReason, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.BatchJob, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.BatchRunId, NpgsqlDbType.Text, cancellationToken);
                await Write(writer, e.AttributesJson, NpgsqlDbType.Jsonb, cancellationToken);
            }
            await writer.CompleteAsync(cancellationToken);
        }
        int inserted;
        await using (var move = new NpgsqlCommand("""
            WITH claimed AS (
                INSERT INTO event_keys (tenant_id, event_id, ts) SELECT tenant_id, event_id, ts FROM staging
                ON CONFLICT DO NOTHING RETURNING tenant_id, event_id),
            stored AS (
                INSERT INTO events SELECT s.* FROM staging s JOIN claimed USING (tenant_id, event_id) RETURNING 1)
            SELECT count(*)::int FROM stored
            """, connection, tx))
        {
            inserted = (int)(await move.ExecuteScalarAsync(cancellationToken))!;
        }
        await tx.CommitAsync(cancellationToken);
        return inserted;
    }

    private static Task Write<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(value, type, cancellationToken);
}
