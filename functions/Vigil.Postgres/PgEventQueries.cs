using System.Text;
using Npgsql;
using NpgsqlTypes;
using Vigil.Core.Conversations;
using Vigil.Core.Events;

namespace Vigil.Postgres;

/// <summary>
/// The event drill-down: one statement, newest first, keyset-paginated on (ts, tenant_id,
/// event_id). The window start prunes the daily partitions; the btree on ts (migration
/// event_drilldown) is walked backwards from the cursor, so a page costs the rows it returns plus
/// those the filters skip, not the whole window. The tenant of a bound key is a filter in SQL.
/// </summary>
public sealed class PgEventQueries(NpgsqlDataSource dataSource) : IEventQueries
{
    internal const string Columns = """
        tenant_id, event_id, type, ts, ingested_at, bot, operation, model, provider, conversation_id, trace_id,
        user_id, duration_ms, success, error_type, cache_hit, input_tokens, output_tokens, cached_input_tokens,
        cost_usd, cost_source, ttft_ms, target_bot, blocked, rating, tool_name, quality_score, degraded,
        degradation_reason, batch_job, batch_run_id, attributes::text, role, text
        """;

    public Task<IReadOnlyList<StoredEvent>> ListAsync(EventQuery query, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<StoredEvent>>(async () =>
    {
        await using var command = dataSource.CreateCommand();
        var p = command.Parameters;
        var sql = new StringBuilder($"SELECT {Columns} FROM events WHERE ts >= {Add(p, query.From.UtcDateTime, NpgsqlDbType.TimestampTz)}");
        if (query.After is { } after)
        {
            var ts = Add(p, after.Timestamp.UtcDateTime, NpgsqlDbType.TimestampTz);
            // The plain bound lets the index scan start at the cursor; the row comparison breaks ties.
            sql.Append($" AND ts <= {ts} AND (ts, tenant_id, event_id) < ({ts}, {Add(p, after.TenantId, NpgsqlDbType.Text)}, {Add(p, after.EventId, NpgsqlDbType.Text)})");
        }
        AnyOf(sql, p, "tenant_id", query.TenantIds);
        AnyOf(sql, p, "bot", query.Bots);
        AnyOf(sql, p, "operation", query.Operations);
        AnyOf(sql, p, "model", query.Models);
        AnyOf(sql, p, "type", query.Types);
        AnyOf(sql, p, "tool_name", query.ToolNames);
        Equal(sql, p, "conversation_id", query.ConversationId);
        Equal(sql, p, "trace_id", query.TraceId);
        Equal(sql, p, "user_id", query.UserId);
        if (query.PositiveRating is { } positive) sql.Append($" AND rating = {Add(p, positive ? "positive" : "negative", NpgsqlDbType.Text)}");
        if (query.Success is { } success) sql.Append($" AND success = {Add(p, success, NpgsqlDbType.Boolean)}");
        if (query.MinDurationMs is { } min) sql.Append($" AND duration_ms >= {Add(p, min, NpgsqlDbType.Double)}");
        sql.Append($" ORDER BY ts DESC, tenant_id DESC, event_id DESC LIMIT {Add(p, query.Limit, NpgsqlDbType.Integer)}");
        command.CommandText = sql.ToString();

        var events = new List<StoredEvent>(Math.Min(query.Limit, 1024));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) events.Add(Read(reader));
        return events;
    });

    private static string Add<T>(NpgsqlParameterCollection p, T value, NpgsqlDbType type)
    {
        p.Add(new NpgsqlParameter<T> { TypedValue = value, NpgsqlDbType = type });
        return "$" + p.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void AnyOf(StringBuilder sql, NpgsqlParameterCollection p, string column, string[]? values)
    {
        if (values is { Length: > 0 }) sql.Append($" AND {column} = ANY({Add(p, values, NpgsqlDbType.Array | NpgsqlDbType.Text)})");
    }

    private static void Equal(StringBuilder sql, NpgsqlParameterCollection p, string column, string? value)
    {
        if (value is not null) sql.Append($" AND {column} = {Add(p, value, NpgsqlDbType.Text)}");
    }

    internal static StoredEvent Read(NpgsqlDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        double? Double(int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
        long? Long(int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
        bool? Bool(int i) => r.IsDBNull(i) ? null : r.GetBoolean(i);
        var ev = new TelemetryEvent
        {
            TenantId = r.GetString(0),
            EventId = r.GetString(1),
            Type = EventTypes.TryParse(r.GetString(2), out var type) ? type : throw new InvalidDataException($"Unknown event type '{r.GetString(2)}'."),
            Timestamp = r.GetFieldValue<DateTimeOffset>(3),
            Bot = r.GetString(5),
            Operation = Text(6),
            Model = Text(7),
            Provider = Text(8),
            ConversationId = Text(9),
            TraceId = Text(10),
            UserId = Text(11),
            DurationMs = Double(12),
            Success = r.GetBoolean(13),
            ErrorType = Text(14),
            CacheHit = Bool(15),
            InputTokens = Long(16),
            OutputTokens = Long(17),
            CachedInputTokens = Long(18),
            CostUsd = r.GetDecimal(19),
            CostSource = Text(20) switch { null => CostSource.None, "reported" => CostSource.Reported, "computed" => CostSource.Computed, _ => CostSource.Unpriced },
            TtftMs = Double(21),
            TargetBot = Text(22),
            Blocked = Bool(23),
            PositiveRating = Text(24) switch { null => null, var rating => rating == "positive" },
            ToolName = Text(25),
            QualityScore = Double(26),
            Degraded = Bool(27),
            DegradationReason = Text(28),
            BatchJob = Text(29),
            BatchRunId = Text(30),
            AttributesJson = Text(31),
            Role = Text(32) switch { null => null, "bot" => MessageRole.Bot, _ => MessageRole.User },
            Text = Text(33),
        };
        return new StoredEvent(ev, r.GetFieldValue<DateTimeOffset>(4));
    }
}
