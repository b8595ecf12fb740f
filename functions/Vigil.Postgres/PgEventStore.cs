using Npgsql;
using NpgsqlTypes;
using Vigil.Core.Conversations;
using Vigil.Core.Events;

namespace Vigil.Postgres;

/// <summary>
/// Writes a request's events in one statement (one round trip, one transaction): the arrays are
/// unnested server-side, new keys are claimed in event_keys with ON CONFLICT DO NOTHING, and only
/// the events whose key was claimed are inserted. A concurrent request with the same key waits on
/// the unique index and then skips it, so an event is never stored twice. Rows are sent sorted by
/// key so that two overlapping batches lock keys in the same order and cannot deadlock. The
/// minutes that received events are marked for ComputeRollups in the same statement.
/// </summary>
public sealed class PgEventStore(NpgsqlDataSource dataSource) : IEventStore
{
    internal const string InsertSql = """
        WITH input AS (
            SELECT * FROM unnest(
                @tenant_id::text[], @event_id::text[], @type::text[], @ts::timestamptz[], @bot::text[],
                @operation::text[], @model::text[], @provider::text[], @conversation_id::text[], @trace_id::text[],
                @user_id::text[], @duration_ms::float8[], @success::bool[], @error_type::text[], @cache_hit::bool[],
                @input_tokens::int8[], @output_tokens::int8[], @cached_input_tokens::int8[], @cost_usd::numeric[],
                @cost_source::text[], @ttft_ms::float8[], @target_bot::text[], @blocked::bool[], @rating::text[],
                @tool_name::text[], @quality_score::float8[], @degraded::bool[], @degradation_reason::text[],
                @batch_job::text[], @batch_run_id::text[], @attributes::text[], @role::text[], @text::text[])
            AS t(tenant_id, event_id, type, ts, bot, operation, model, provider, conversation_id, trace_id,
                 user_id, duration_ms, success, error_type, cache_hit, input_tokens, output_tokens,
                 cached_input_tokens, cost_usd, cost_source, ttft_ms, target_bot, blocked, rating, tool_name,
                 quality_score, degraded, degradation_reason, batch_job, batch_run_id, attributes, role, text)
        ), claimed AS (
            INSERT INTO event_keys (tenant_id, event_id, ts)
            SELECT tenant_id, event_id, ts FROM input
            ON CONFLICT DO NOTHING
            RETURNING tenant_id, event_id
        ), stored AS (
            INSERT INTO events (tenant_id, event_id, type, ts, bot, operation, model, provider, conversation_id,
                trace_id, user_id, duration_ms, success, error_type, cache_hit, input_tokens, output_tokens,
                cached_input_tokens, cost_usd, cost_source, ttft_ms, target_bot, blocked, rating, tool_name,
                quality_score, degraded, degradation_reason, batch_job, batch_run_id, attributes, role, text)
            SELECT i.tenant_id, i.event_id, i.type, i.ts, i.bot, i.operation, i.model, i.provider, i.conversation_id,
                i.trace_id, i.user_id, i.duration_ms, i.success, i.error_type, i.cache_hit, i.input_tokens,
                i.output_tokens, i.cached_input_tokens, i.cost_usd, i.cost_source, i.ttft_ms, i.target_bot,
                i.blocked, i.rating, i.tool_name, i.quality_score, i.degraded, i.degradation_reason, i.batch_job,
                i.batch_run_id, i.attributes::jsonb, i.role, i.text
            FROM input i JOIN claimed c USING (tenant_id, event_id)
            RETURNING ts, tenant_id, conversation_id, type
        ), pending AS (
            INSERT INTO rollup_pending (minute)
            SELECT DISTINCT date_bin('1 minute', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') FROM stored
        ), conversations AS (
            -- Sorted, so two requests queueing the same conversations lock them in the same order.
            INSERT INTO conversation_pending (tenant_id, conversation_id)
            SELECT DISTINCT tenant_id, conversation_id FROM stored
            WHERE type IN ('message', 'handoff') AND conversation_id IS NOT NULL
            ORDER BY 1, 2
            ON CONFLICT DO NOTHING
        )
        SELECT count(*)::int FROM stored
        """;

    public Task<int> InsertAsync(IReadOnlyList<TelemetryEvent> events, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        var sorted = events.OrderBy(e => e.TenantId, StringComparer.Ordinal).ThenBy(e => e.EventId, StringComparer.Ordinal).ToArray();
        await using var command = dataSource.CreateCommand(InsertSql);
        AddParameters(command.Parameters, sorted);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }, cancellationToken);

    internal static void AddParameters(NpgsqlParameterCollection p, TelemetryEvent[] e)
    {
        Text(p, "tenant_id", e, x => x.TenantId);
        Text(p, "event_id", e, x => x.EventId);
        Text(p, "type", e, x => x.Type.ToName());
        p.Add(new NpgsqlParameter<DateTime[]>("ts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = Array.ConvertAll(e, x => x.Timestamp.UtcDateTime) });
        Text(p, "bot", e, x => x.Bot);
        Text(p, "operation", e, x => x.Operation);
        Text(p, "model", e, x => x.Model);
        Text(p, "provider", e, x => x.Provider);
        Text(p, "conversation_id", e, x => x.ConversationId);
        Text(p, "trace_id", e, x => x.TraceId);
        Text(p, "user_id", e, x => x.UserId);
        Double(p, "duration_ms", e, x => x.DurationMs);
        Bool(p, "success", e, x => x.Success);
        Text(p, "error_type", e, x => x.ErrorType);
        Bool(p, "cache_hit", e, x => x.CacheHit);
        Long(p, "input_tokens", e, x => x.InputTokens);
        Long(p, "output_tokens", e, x => x.OutputTokens);
        Long(p, "cached_input_tokens", e, x => x.CachedInputTokens);
        p.Add(new NpgsqlParameter<decimal[]>("cost_usd", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { TypedValue = Array.ConvertAll(e, x => x.CostUsd) });
        Text(p, "cost_source", e, x => x.CostSource.ToName());
        Double(p, "ttft_ms", e, x => x.TtftMs);
        Text(p, "target_bot", e, x => x.TargetBot);
        Bool(p, "blocked", e, x => x.Blocked);
        Text(p, "rating", e, x => x.PositiveRating switch { true => "positive", false => "negative", null => null });
        Text(p, "tool_name", e, x => x.ToolName);
        Double(p, "quality_score", e, x => x.QualityScore);
        Bool(p, "degraded", e, x => x.Degraded);
        Text(p, "degradation_reason", e, x => x.DegradationReason);
        Text(p, "batch_job", e, x => x.BatchJob);
        Text(p, "batch_run_id", e, x => x.BatchRunId);
        Text(p, "attributes", e, x => x.AttributesJson);
        Text(p, "role", e, x => x.Role switch { MessageRole.User => "user", MessageRole.Bot => "bot", _ => null });
        Text(p, "text", e, x => x.Text);
    }

    private static void Text(NpgsqlParameterCollection p, string name, TelemetryEvent[] e, Func<TelemetryEvent, string?> get) =>
        p.Add(new NpgsqlParameter<string?[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = Array.ConvertAll(e, x => get(x)) });

    private static void Double(NpgsqlParameterCollection p, string name, TelemetryEvent[] e, Func<TelemetryEvent, double?> get) =>
        p.Add(new NpgsqlParameter<double?[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Double) { TypedValue = Array.ConvertAll(e, x => get(x)) });

    private static void Long(NpgsqlParameterCollection p, string name, TelemetryEvent[] e, Func<TelemetryEvent, long?> get) =>
        p.Add(new NpgsqlParameter<long?[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = Array.ConvertAll(e, x => get(x)) });

    private static void Bool(NpgsqlParameterCollection p, string name, TelemetryEvent[] e, Func<TelemetryEvent, bool?> get) =>
        p.Add(new NpgsqlParameter<bool?[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Boolean) { TypedValue = Array.ConvertAll(e, x => get(x)) });
}
