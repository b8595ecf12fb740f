using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Vigil.Core.Conversations;
using Vigil.Core.Events;

namespace Vigil.Postgres;

/// <summary>
/// The SQL of conversation analytics: the pending queue (claimed with DELETE … RETURNING and SKIP
/// LOCKED, see migration 0008), the <c>conversation_analytics</c> rows, and a conversation's events.
/// Every read names its tenants in SQL.
/// </summary>
public sealed class PgConversationStore(NpgsqlDataSource dataSource) : IConversationStore
{
    private const string ClaimSql = """
        DELETE FROM conversation_pending p
        USING (SELECT tenant_id, conversation_id FROM conversation_pending
               ORDER BY marked_at, tenant_id, conversation_id
               LIMIT $1 FOR UPDATE SKIP LOCKED) c
        WHERE p.tenant_id = c.tenant_id AND p.conversation_id = c.conversation_id
        RETURNING p.tenant_id, p.conversation_id
        """;

    private const string ReadSql = """
        SELECT e.tenant_id, e.conversation_id, e.ts, e.type, e.bot, e.role, e.text, e.blocked
        FROM unnest($1::text[], $2::text[]) AS c(tenant_id, conversation_id)
        JOIN events e ON e.tenant_id = c.tenant_id AND e.conversation_id = c.conversation_id
        ORDER BY e.tenant_id, e.conversation_id, e.ts, e.event_id
        """;

    private const string RecordColumns = """
        tenant_id, conversation_id, started_at, ended_at, bots, agent_switches, messages, sentiment, sentiment_average,
        sentiment_trend, topic_drift, engagement, resolved, quality, handoffs, handoffs_resolved, messages_after_handoff, analyzed_at
        """;

    private const string UpsertSql = $"""
        INSERT INTO conversation_analytics ({RecordColumns})
        SELECT t, c, s, e, b::text[], a, m, se::float8[], sa, st, td, en, r, q, h, hr, mah, at
        FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::int[], $7::int[],
            $8::text[], $9::float8[], $10::text[], $11::float8[], $12::float8[], $13::bool[], $14::float8[], $15::int[], $16::int[],
            $17::int[], $18::timestamptz[]) AS u(t, c, s, e, b, a, m, se, sa, st, td, en, r, q, h, hr, mah, at)
        ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET
            started_at = excluded.started_at, ended_at = excluded.ended_at, bots = excluded.bots,
            agent_switches = excluded.agent_switches, messages = excluded.messages, sentiment = excluded.sentiment,
            sentiment_average = excluded.sentiment_average, sentiment_trend = excluded.sentiment_trend,
            topic_drift = excluded.topic_drift, engagement = excluded.engagement, resolved = excluded.resolved,
            quality = excluded.quality, handoffs = excluded.handoffs, handoffs_resolved = excluded.handoffs_resolved,
            messages_after_handoff = excluded.messages_after_handoff, analyzed_at = excluded.analyzed_at
        """;

    public Task<AnalyzeBatch> AnalyzeBatchAsync(int batchSize, Func<ConversationInput, ConversationRecord?> score, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var tenants = new List<string>();
        var ids = new List<string>();
        await using (var claim = new NpgsqlCommand(ClaimSql, connection, tx))
        {
            claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batchSize });
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tenants.Add(reader.GetString(0));
                ids.Add(reader.GetString(1));
            }
        }
        if (tenants.Count == 0) return new AnalyzeBatch(0, 0, 0);

        var records = new List<ConversationRecord>(tenants.Count);
        await using (var read = new NpgsqlCommand(ReadSql, connection, tx))
        {
            read.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. tenants] });
            read.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. ids] });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            Builder? current = null;
            while (await reader.ReadAsync(cancellationToken))
            {
                var tenant = reader.GetString(0);
                var conversation = reader.GetString(1);
                if (current is null || current.TenantId != tenant || current.ConversationId != conversation)
                {
                    Flush(current);
                    current = new Builder(tenant, conversation);
                }
                current.Add(reader);
            }
            Flush(current);
        }
        if (records.Count > 0)
        {
            await using var upsert = new NpgsqlCommand(UpsertSql, connection, tx);
            var p = upsert.Parameters;
            p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. records.Select(r => r.TenantId)] });
            p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. records.Select(r => r.ConversationId)] });
            p.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. records.Select(r => r.StartedAt.UtcDateTime)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            p.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. records.Select(r => r.EndedAt.UtcDateTime)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            // Arrays of arrays cannot be unnested one level, so bots and sentiment travel as array literals.
            p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. records.Select(r => ArrayLiteral(r.Bots))] });
            p.Add(new NpgsqlParameter<int[]> { TypedValue = [.. records.Select(r => r.AgentSwitches)] });
            p.Add(new NpgsqlParameter<int[]> { TypedValue = [.. records.Select(r => r.Messages)] });
            p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. records.Select(r => "{" + string.Join(',', r.Scores.Sentiment.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "}")] });
            p.Add(new NpgsqlParameter<double[]> { TypedValue = [.. records.Select(r => r.Scores.SentimentAverage)] });
            p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. records.Select(r => r.Scores.Trend.ToName())] });
            p.Add(new NpgsqlParameter<double[]> { TypedValue = [.. records.Select(r => r.Scores.TopicDrift)] });
            p.Add(new NpgsqlParameter<double[]> { TypedValue = [.. records.Select(r => r.Scores.Engagement)] });
            p.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. records.Select(r => r.Scores.Resolved)] });
            p.Add(new NpgsqlParameter<double[]> { TypedValue = [.. records.Select(r => r.Scores.Quality)] });
            p.Add(new NpgsqlParameter<int[]> { TypedValue = [.. records.Select(r => r.Scores.Handoffs)] });
            p.Add(new NpgsqlParameter<int[]> { TypedValue = [.. records.Select(r => r.Scores.HandoffsResolved)] });
            p.Add(new NpgsqlParameter<int[]> { TypedValue = [.. records.Select(r => r.Scores.MessagesAfterHandoff)] });
            p.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. records.Select(r => r.AnalyzedAt.UtcDateTime)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        return new AnalyzeBatch(tenants.Count, records.Count, tenants.Count - records.Count);

        void Flush(Builder? builder)
        {
            if (builder is not null && score(builder.Build()) is { } record) records.Add(record);
        }
    }, cancellationToken);

    public Task<IReadOnlyList<ConversationRecord>> ListAsync(ConversationQuery query, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<ConversationRecord>>(async () =>
    {
        await using var command = dataSource.CreateCommand();
        var p = command.Parameters;
        var sql = new StringBuilder($"SELECT {RecordColumns} FROM conversation_analytics WHERE ended_at >= {Add(p, query.From.UtcDateTime, NpgsqlDbType.TimestampTz)}");
        if (query.TenantIds is { Length: > 0 } tenants) sql.Append($" AND tenant_id = ANY({Add(p, tenants, NpgsqlDbType.Array | NpgsqlDbType.Text)})");
        if (query.Bots is { Length: > 0 } bots) sql.Append($" AND bots && {Add(p, bots, NpgsqlDbType.Array | NpgsqlDbType.Text)}");
        if (query.Resolved is { } resolved) sql.Append($" AND resolved = {Add(p, resolved, NpgsqlDbType.Boolean)}");
        if (query.MinQuality is { } min) sql.Append($" AND quality >= {Add(p, min, NpgsqlDbType.Double)}");
        if (query.MaxQuality is { } max) sql.Append($" AND quality <= {Add(p, max, NpgsqlDbType.Double)}");
        var key = query.Sort.ByQuality() ? "quality" : "started_at";
        var direction = query.Sort.Descending() ? "DESC" : "ASC";
        if (query.After is { } after)
        {
            var value = query.Sort.ByQuality()
                ? Add(p, after.SortValue, NpgsqlDbType.Double)
                : Add(p, DateTimeOffset.UnixEpoch.AddTicks((long)after.SortValue * 10).UtcDateTime, NpgsqlDbType.TimestampTz);
            sql.Append($" AND ({key}, tenant_id, conversation_id) {(query.Sort.Descending() ? "<" : ">")} ({value}, {Add(p, after.TenantId, NpgsqlDbType.Text)}, {Add(p, after.ConversationId, NpgsqlDbType.Text)})");
        }
        sql.Append($" ORDER BY {key} {direction}, tenant_id {direction}, conversation_id {direction} LIMIT {Add(p, query.Limit, NpgsqlDbType.Integer)}");
        command.CommandText = sql.ToString();
        var list = new List<ConversationRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) list.Add(ReadRecord(reader));
        return list;
    }, cancellationToken);

    public Task<ConversationRecord?> GetAsync(string tenantId, string conversationId, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {RecordColumns} FROM conversation_analytics WHERE tenant_id = $1 AND conversation_id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRecord(reader) : null;
    }, cancellationToken);

    public Task<IReadOnlyList<StoredEvent>> EventsAsync(string[]? tenantIds, string conversationId, int limit, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<StoredEvent>>(async () =>
    {
        await using var command = dataSource.CreateCommand();
        var p = command.Parameters;
        var sql = new StringBuilder($"SELECT {PgEventQueries.Columns} FROM events WHERE conversation_id = {Add(p, conversationId, NpgsqlDbType.Text)}");
        if (tenantIds is { Length: > 0 }) sql.Append($" AND tenant_id = ANY({Add(p, tenantIds, NpgsqlDbType.Array | NpgsqlDbType.Text)})");
        sql.Append($" ORDER BY tenant_id, ts, event_id LIMIT {Add(p, limit, NpgsqlDbType.Integer)}");
        command.CommandText = sql.ToString();
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) events.Add(PgEventQueries.Read(reader));
        return events;
    }, cancellationToken);

    public Task<IReadOnlyList<ConversationGroup>> TotalsAsync(DateTimeOffset from, DateTimeOffset to, bool byTenant, bool byBot,
        string[]? tenantIds, string[]? bots, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<ConversationGroup>>(async () =>
        [.. (await ReadTotalsAsync(from, to, null, byTenant, byBot, tenantIds, bots, cancellationToken)).Select(b => new ConversationGroup(b.TenantId, b.Bot, b.Totals))],
        cancellationToken);

    public Task<IReadOnlyList<ConversationBucket>> BucketTotalsAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan step, bool byTenant, bool byBot,
        string[]? tenantIds, string[]? bots, CancellationToken cancellationToken) => PgCall.Run(
        () => ReadTotalsAsync(from, to, step, byTenant, byBot, tenantIds, bots, cancellationToken), cancellationToken);

    /// <summary>The totals of conversations whose last event is in [from, to), per bucket of <paramref name="step"/> when given.</summary>
    private async Task<IReadOnlyList<ConversationBucket>> ReadTotalsAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan? step, bool byTenant, bool byBot,
        string[]? tenantIds, string[]? bots, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        var p = command.Parameters;
        var bucket = step is { } s ? $"date_bin({Add(p, s, NpgsqlDbType.Interval)}, a.ended_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')" : "NULL::timestamptz";
        var tenant = byTenant ? "a.tenant_id" : "NULL::text";
        var bot = byBot ? "b.bot" : "NULL::text";
        var sql = new StringBuilder($"""
            SELECT {bucket}, {tenant}, {bot}, count(*), count(*) FILTER (WHERE a.resolved), coalesce(sum(a.quality), 0),
                   coalesce(sum(a.handoffs), 0), coalesce(sum(a.handoffs_resolved), 0)
            FROM conversation_analytics a {(byBot || bots is { Length: > 0 } ? "CROSS JOIN LATERAL unnest(a.bots) AS b(bot)" : "")}
            WHERE a.ended_at >= {Add(p, from.UtcDateTime, NpgsqlDbType.TimestampTz)} AND a.ended_at < {Add(p, to.UtcDateTime, NpgsqlDbType.TimestampTz)}
            """);
        if (tenantIds is { Length: > 0 }) sql.Append($" AND a.tenant_id = ANY({Add(p, tenantIds, NpgsqlDbType.Array | NpgsqlDbType.Text)})");
        if (bots is { Length: > 0 }) sql.Append($" AND b.bot = ANY({Add(p, bots, NpgsqlDbType.Array | NpgsqlDbType.Text)})");
        sql.Append(" GROUP BY 1, 2, 3");
        command.CommandText = sql.ToString();
        var result = new List<ConversationBucket>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new ConversationBucket(reader.IsDBNull(0) ? default : reader.GetFieldValue<DateTimeOffset>(0),
                reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                new ConversationTotals(reader.GetInt64(3), reader.GetInt64(4), reader.GetDouble(5), reader.GetInt64(6), reader.GetInt64(7))));
        }
        return result;
    }

    private static ConversationRecord ReadRecord(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.GetFieldValue<DateTimeOffset>(3),
        r.GetFieldValue<string[]>(4), r.GetInt32(5), r.GetInt32(6),
        new ConversationScores(r.GetFieldValue<double[]>(7), r.GetDouble(8), SentimentTrends.Parse(r.GetString(9)), r.GetDouble(10),
            r.GetDouble(11), r.GetBoolean(12), r.GetDouble(13), r.GetInt32(14), r.GetInt32(15), r.GetInt32(16)),
        r.GetFieldValue<DateTimeOffset>(17));

    /// <summary>A PostgreSQL array literal of <paramref name="values"/>, each quoted and escaped.</summary>
    private static string ArrayLiteral(IEnumerable<string> values) =>
        "{" + string.Join(',', values.Select(v => "\"" + v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"")) + "}";

    private static string Add<T>(NpgsqlParameterCollection p, T value, NpgsqlDbType type)
    {
        p.Add(new NpgsqlParameter<T> { TypedValue = value, NpgsqlDbType = type });
        return "$" + p.Count.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Collects one conversation's rows of <see cref="ReadSql"/>.</summary>
    private sealed class Builder(string tenantId, string conversationId)
    {
        public string TenantId { get; } = tenantId;
        public string ConversationId { get; } = conversationId;
        private readonly List<(DateTimeOffset, MessageRole, string?)> _messages = [];
        private readonly List<DateTimeOffset> _handoffs = [];
        private readonly List<string> _bots = [];
        private DateTimeOffset _first = DateTimeOffset.MaxValue, _last = DateTimeOffset.MinValue;

        public void Add(NpgsqlDataReader r)
        {
            var ts = r.GetFieldValue<DateTimeOffset>(2);
            if (ts < _first) _first = ts;
            if (ts > _last) _last = ts;
            var type = r.GetString(3);
            _bots.Add(r.GetString(4));
            if (type == "message")
            {
                _messages.Add((ts, !r.IsDBNull(5) && r.GetString(5) == "bot" ? MessageRole.Bot : MessageRole.User, r.IsDBNull(6) ? null : r.GetString(6)));
            }
            else if (type == "handoff" && !(!r.IsDBNull(7) && r.GetBoolean(7)))
            {
                _handoffs.Add(ts);
            }
        }

        public ConversationInput Build() => new(TenantId, ConversationId, _first, _last, _messages, _handoffs, _bots);
    }
}
