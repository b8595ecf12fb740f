using System.Text;
using Npgsql;
using NpgsqlTypes;
using Vigil.Core.Metrics;
using Vigil.Core.Reviews;

namespace Vigil.Postgres;

/// <summary>
/// The review's rollups (rollup_distinct_minute/hour/day, review_conversation_hour, review_conversations; migration 0012).
/// <see cref="RollUpAsync"/> runs inside ComputeRollups' transaction, on the minutes it claimed, so
/// these tables are exactly as fresh and as exact under re-rolls as rollup_minute is.
/// </summary>
public sealed class PgReviewStore(NpgsqlDataSource dataSource) : IReviewStore
{
    private const string Origin = "TIMESTAMPTZ '2000-01-01 00:00:00+00'";

    /// <summary>
    /// Recomputes the distinct sketches of <paramref name="minutes"/> from the raw events and merges
    /// their hours and days again, then recomputes the hour rows of every conversation with an event
    /// in those minutes.
    /// </summary>
    internal static async Task RollUpAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset[] minutes,
        DateTimeOffset[] hours, DateTimeOffset[] days, CancellationToken cancellationToken)
    {
        var sketches = new Dictionary<(DateTimeOffset, string, string), (DistinctSketch Sessions, DistinctSketch Users)>();
        var touched = new HashSet<(DateTimeOffset Hour, string Tenant, string Conversation)>();
        foreach (var (from, to) in ContiguousRanges(minutes))
        {
            await using var command = new NpgsqlCommand("""
                SELECT ts, tenant_id, bot, conversation_id, user_id FROM events
                WHERE ts >= $1 AND ts < $2 AND (conversation_id IS NOT NULL OR user_id IS NOT NULL)
                """, connection, tx);
            command.Parameters.Add(new() { Value = from });
            command.Parameters.Add(new() { Value = to });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var ts = reader.GetFieldValue<DateTimeOffset>(0);
                var tenant = reader.GetString(1);
                var key = (Align.Floor(ts, Resolution.Minute), tenant, reader.GetString(2));
                if (!sketches.TryGetValue(key, out var pair)) sketches[key] = pair = (new DistinctSketch(), new DistinctSketch());
                if (!reader.IsDBNull(3))
                {
                    var conversation = reader.GetString(3);
                    // Ids are the bots' own, so two tenants may use the same one: counted with the tenant, an
                    // all-tenant review counts (tenant, conversation) pairs.
                    pair.Sessions.Add(tenant + '\u001f' + conversation);
                    touched.Add((Align.Floor(ts, Resolution.Hour), tenant, conversation));
                }
                if (!reader.IsDBNull(4)) pair.Users.Add(tenant + '\u001f' + reader.GetString(4));
            }
        }
        var buckets = minutes.Select(m => m.UtcDateTime).ToArray();
        await ExecuteAsync(connection, tx, "DELETE FROM rollup_distinct_minute WHERE bucket = ANY($1)", cancellationToken, buckets);
        await WriteSketchesAsync(connection, "rollup_distinct_minute", sketches, cancellationToken);
        await MergeLevelAsync(connection, tx, "rollup_distinct_minute", "rollup_distinct_hour", Resolution.Hour, hours, cancellationToken);
        await MergeLevelAsync(connection, tx, "rollup_distinct_hour", "rollup_distinct_day", Resolution.Day, days, cancellationToken);
        if (touched.Count == 0) return;
        await RecomputeConversationsAsync(connection, tx, [.. touched], cancellationToken);
        await MergeConversationsAsync(connection, tx, [.. touched.Select(t => (t.Tenant, t.Conversation)).Distinct()], cancellationToken);
    }

    private static async Task MergeLevelAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string source, string target, Resolution resolution,
        DateTimeOffset[] buckets, CancellationToken cancellationToken)
    {
        if (buckets.Length == 0) return;
        var interval = resolution == Resolution.Hour ? "1 hour" : "1 day";
        var utc = buckets.Select(b => b.UtcDateTime).ToArray();
        await ExecuteAsync(connection, tx, $"DELETE FROM {target} WHERE bucket = ANY($1)", cancellationToken, utc);
        var merged = new Dictionary<(DateTimeOffset, string, string), (DistinctSketch Sessions, DistinctSketch Users)>();
        await using (var command = new NpgsqlCommand($"""
            SELECT date_bin('{interval}', bucket, {Origin}), tenant_id, bot, sessions, users FROM {source}
            WHERE bucket >= $2 AND bucket < $3 AND date_bin('{interval}', bucket, {Origin}) = ANY($1)
            """, connection, tx))
        {
            command.Parameters.Add(new() { Value = utc });
            command.Parameters.Add(new() { Value = buckets.Min().UtcDateTime });
            command.Parameters.Add(new() { Value = (buckets.Max() + Align.Length(resolution)).UtcDateTime });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = (reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2));
                if (!merged.TryGetValue(key, out var pair)) merged[key] = pair = (new DistinctSketch(), new DistinctSketch());
                if (!reader.IsDBNull(3)) pair.Sessions.MergeSerialized(reader.GetFieldValue<byte[]>(3));
                if (!reader.IsDBNull(4)) pair.Users.MergeSerialized(reader.GetFieldValue<byte[]>(4));
            }
        }
        await WriteSketchesAsync(connection, target, merged, cancellationToken);
    }

    private static async Task WriteSketchesAsync(NpgsqlConnection connection, string table,
        Dictionary<(DateTimeOffset, string, string), (DistinctSketch Sessions, DistinctSketch Users)> rows, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {table} (bucket, tenant_id, bot, sessions, users) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var ((bucket, tenant, bot), (sessions, users)) in rows.OrderBy(r => r.Key.Item1))
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(bucket.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(tenant, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(bot, NpgsqlDbType.Text, cancellationToken);
            foreach (var sketch in new[] { sessions, users })
            {
                if (sketch.IsEmpty) await writer.WriteNullAsync(cancellationToken);
                else await writer.WriteAsync(sketch.Serialize(), NpgsqlDbType.Bytea, cancellationToken);
            }
        }
        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>Rebuilds each touched (hour, tenant, conversation) row from that hour's events of the conversation.</summary>
    private static async Task RecomputeConversationsAsync(NpgsqlConnection connection, NpgsqlTransaction tx,
        (DateTimeOffset Hour, string Tenant, string Conversation)[] touched, CancellationToken cancellationToken)
    {
        var hours = touched.Select(t => t.Hour.UtcDateTime).ToArray();
        var tenants = touched.Select(t => t.Tenant).ToArray();
        var conversations = touched.Select(t => t.Conversation).ToArray();
        var rows = new Dictionary<(DateTimeOffset, string, string), ConversationHour>();
        await using (var command = new NpgsqlCommand("""
            SELECT t.hour, e.tenant_id, e.conversation_id, e.ts, e.bot, e.tool_name, e.rating
            FROM unnest($1::timestamptz[], $2::text[], $3::text[]) AS t(hour, tenant_id, conversation_id)
            JOIN events e ON e.tenant_id = t.tenant_id AND e.conversation_id = t.conversation_id
                         AND e.ts >= t.hour AND e.ts < t.hour + interval '1 hour'
            -- Constant bounds as well, so only the partitions of these hours are searched.
            WHERE e.ts >= $4 AND e.ts < $5
            ORDER BY t.hour, e.tenant_id, e.conversation_id, e.ts
            """, connection, tx))
        {
            command.Parameters.Add(new() { Value = hours });
            command.Parameters.Add(new() { Value = tenants });
            command.Parameters.Add(new() { Value = conversations });
            command.Parameters.Add(new() { Value = hours.Min() });
            command.Parameters.Add(new() { Value = hours.Max().AddHours(1) });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = (reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2));
                var ts = reader.GetFieldValue<DateTimeOffset>(3);
                if (!rows.TryGetValue(key, out var row)) rows[key] = row = new ConversationHour(ts);
                row.Add(ts, reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6));
            }
        }
        await using (var delete = new NpgsqlCommand("""
            DELETE FROM review_conversation_hour r
            USING unnest($1::timestamptz[], $2::text[], $3::text[]) AS t(hour, tenant_id, conversation_id)
            WHERE r.bucket = t.hour AND r.tenant_id = t.tenant_id AND r.conversation_id = t.conversation_id
            """, connection, tx))
        {
            delete.Parameters.Add(new() { Value = hours });
            delete.Parameters.Add(new() { Value = tenants });
            delete.Parameters.Add(new() { Value = conversations });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY review_conversation_hour (bucket, tenant_id, conversation_id, first_at, last_at, bots, tools, events, positive, negative) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        foreach (var ((hour, tenant, conversation), row) in rows.OrderBy(r => r.Key.Item1))
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(hour.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(tenant, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(conversation, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(row.FirstAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(row.LastAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(row.Bots.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(row.Tools.Order(StringComparer.Ordinal).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(row.Events, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(row.Positive, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(row.Negative, NpgsqlDbType.Bigint, cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>Rebuilds the review_conversations row of each conversation from all its hour rows.</summary>
    private static async Task MergeConversationsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, (string Tenant, string Conversation)[] conversations,
        CancellationToken cancellationToken)
    {
        var tenants = conversations.Select(c => c.Tenant).ToArray();
        var ids = conversations.Select(c => c.Conversation).ToArray();
        var merged = new Dictionary<(string, string), ConversationHour>();
        await using (var command = new NpgsqlCommand("""
            SELECT h.tenant_id, h.conversation_id, h.first_at, h.last_at, h.bots, h.tools, h.events, h.positive, h.negative
            FROM unnest($1::text[], $2::text[]) AS t(tenant_id, conversation_id)
            JOIN review_conversation_hour h ON h.tenant_id = t.tenant_id AND h.conversation_id = t.conversation_id
            ORDER BY h.tenant_id, h.conversation_id, h.bucket
            """, connection, tx))
        {
            command.Parameters.Add(new() { Value = tenants });
            command.Parameters.Add(new() { Value = ids });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = (reader.GetString(0), reader.GetString(1));
                if (!merged.TryGetValue(key, out var row)) merged[key] = row = new ConversationHour(reader.GetFieldValue<DateTimeOffset>(2));
                row.Merge(reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<string[]>(4), reader.GetFieldValue<string[]>(5),
                    reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8));
            }
        }
        await using (var delete = new NpgsqlCommand("""
            DELETE FROM review_conversations r USING unnest($1::text[], $2::text[]) AS t(tenant_id, conversation_id)
            WHERE r.tenant_id = t.tenant_id AND r.conversation_id = t.conversation_id
            """, connection, tx))
        {
            delete.Parameters.Add(new() { Value = tenants });
            delete.Parameters.Add(new() { Value = ids });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY review_conversations (tenant_id, conversation_id, first_at, last_at, bots, tools, events, positive, negative) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        foreach (var ((tenant, conversation), row) in merged)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(tenant, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(conversation, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(row.FirstAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(row.LastAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(row.Bots.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(row.Tools.Order(StringComparer.Ordinal).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(row.Events, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(row.Positive, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(row.Negative, NpgsqlDbType.Bigint, cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    public Task<IReadOnlyList<DistinctGroup>> DistinctAsync(IReadOnlyList<RollupPiece> pieces, string[]? tenants, CancellationToken cancellationToken) =>
        PgCall.Run<IReadOnlyList<DistinctGroup>>(async () =>
        {
            if (pieces.Count == 0) return [];
            await using var command = dataSource.CreateCommand();
            var sql = new StringBuilder("SELECT tenant_id, bot, sessions, users FROM (");
            for (var i = 0; i < pieces.Count; i++)
            {
                if (i > 0) sql.Append(" UNION ALL ");
                sql.Append(FormattableString.Invariant(
                    $"SELECT tenant_id, bot, sessions, users FROM {Table(pieces[i].Resolution)} WHERE bucket >= ${(2 * i) + 1} AND bucket < ${(2 * i) + 2}"));
                command.Parameters.Add(new() { Value = pieces[i].From.UtcDateTime });
                command.Parameters.Add(new() { Value = pieces[i].To.UtcDateTime });
            }
            sql.Append(") r");
            if (tenants is not null)
            {
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = tenants });
                sql.Append(FormattableString.Invariant($" WHERE tenant_id = ANY(${command.Parameters.Count})"));
            }
            command.CommandText = sql.ToString();
            var groups = new Dictionary<(string, string), DistinctGroup>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = (reader.GetString(0), reader.GetString(1));
                if (!groups.TryGetValue(key, out var group)) groups[key] = group = new DistinctGroup(key.Item1, key.Item2, new DistinctSketch(), new DistinctSketch());
                if (!reader.IsDBNull(2)) group.Sessions.MergeSerialized(reader.GetFieldValue<byte[]>(2));
                if (!reader.IsDBNull(3)) group.Users.MergeSerialized(reader.GetFieldValue<byte[]>(3));
            }
            return [.. groups.Values];
        });

    /// <summary>
    /// One statement over the conversations active in the window (last event at or after its start,
    /// first before its end): the misrouted count and the most misrouted (both through the partial
    /// index), and the per-tool totals, told apart by the first column.
    /// </summary>
    public Task<ConversationFigures> ConversationsAsync(DateTimeOffset from, DateTimeOffset to, string[]? tenants, int limit, CancellationToken cancellationToken) =>
        PgCall.Run(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET work_mem = '64MB'"));
            var command = new NpgsqlBatchCommand("""
                SELECT 0, NULL::text, NULL::text, NULL::text[], NULL::timestamptz, NULL::timestamptz, count(*)::bigint, 0::bigint, 0::bigint
                FROM review_conversations
                WHERE cardinality(bots) > 2 AND last_at >= $1 AND first_at < $2 AND ($3::text[] IS NULL OR tenant_id = ANY($3))
                UNION ALL
                SELECT 1, * FROM (
                    SELECT tenant_id, conversation_id, bots, first_at, last_at, 0::bigint, 0::bigint, 0::bigint
                    FROM review_conversations
                    WHERE cardinality(bots) > 2 AND last_at >= $1 AND first_at < $2 AND ($3::text[] IS NULL OR tenant_id = ANY($3))
                    ORDER BY cardinality(bots) DESC, tenant_id, conversation_id LIMIT $4) m
                UNION ALL
                SELECT 2, t, NULL, NULL, NULL, NULL, count(*)::bigint, sum(positive)::bigint, sum(negative)::bigint
                FROM review_conversations, unnest(tools) t
                WHERE last_at >= $1 AND first_at < $2 AND ($3::text[] IS NULL OR tenant_id = ANY($3))
                GROUP BY t
                """);
            command.Parameters.Add(new() { Value = from.UtcDateTime });
            command.Parameters.Add(new() { Value = to.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = tenants, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = limit });
            batch.BatchCommands.Add(command);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("RESET work_mem"));
            long misrouted = 0;
            var top = new List<MisroutedConversation>();
            var tools = new List<ToolConversations>();
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    switch (reader.GetInt32(0))
                    {
                        case 0:
                            misrouted = reader.GetInt64(6);
                            break;
                        case 1:
                            var ordered = reader.GetFieldValue<string[]>(3);
                            top.Add(new MisroutedConversation(reader.GetString(1), reader.GetString(2), ordered,
                                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5)));
                            break;
                        default:
                            tools.Add(new ToolConversations(reader.GetString(1), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8)));
                            break;
                    }
                }
            }
            return new ConversationFigures(misrouted,
                [.. top.OrderByDescending(c => c.Bots.Count).ThenBy(c => c.TenantId, StringComparer.Ordinal).ThenBy(c => c.ConversationId, StringComparer.Ordinal)],
                [.. tools.OrderBy(t => t.ToolName, StringComparer.Ordinal)]);
        });

    /// <summary>
    /// The sketches have no five-minute level: a five-minute piece of a window's plan is read from the
    /// minute rows of the same range (at most 55 rows per series at each edge), which is exact.
    /// </summary>
    private static string Table(Resolution resolution) => resolution switch
    {
        Resolution.Minute or Resolution.FiveMinutes => "rollup_distinct_minute",
        Resolution.Hour => "rollup_distinct_hour",
        Resolution.Day => "rollup_distinct_day",
        _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "No distinct sketches at this resolution."),
    };

    private static IEnumerable<(DateTime From, DateTime To)> ContiguousRanges(DateTimeOffset[] sortedMinutes)
    {
        var start = sortedMinutes[0];
        var end = start.AddMinutes(1);
        foreach (var m in sortedMinutes.Skip(1))
        {
            if (m == end)
            {
                end = m.AddMinutes(1);
                continue;
            }
            yield return (start.UtcDateTime, end.UtcDateTime);
            start = m;
            end = m.AddMinutes(1);
        }
        yield return (start.UtcDateTime, end.UtcDateTime);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken, params object[] args)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One conversation's events of one hour.</summary>
    private sealed class ConversationHour(DateTimeOffset first)
    {
        public DateTimeOffset FirstAt { get; } = first;
        public DateTimeOffset LastAt { get; private set; } = first;
        public List<string> Bots { get; } = [];
        public HashSet<string> Tools { get; } = new(StringComparer.Ordinal);
        public long Events { get; private set; }
        public long Positive { get; private set; }
        public long Negative { get; private set; }

        /// <summary>Adds the next (later) hour row of the same conversation.</summary>
        public void Merge(DateTimeOffset lastAt, string[] bots, string[] tools, long events, long positive, long negative)
        {
            LastAt = lastAt;
            foreach (var bot in bots)
            {
                if (!Bots.Contains(bot, StringComparer.Ordinal)) Bots.Add(bot);
            }
            Tools.UnionWith(tools);
            Events += events;
            Positive += positive;
            Negative += negative;
        }

        /// <summary>Events arrive in time order, so the bot list is in order of first appearance.</summary>
        public void Add(DateTimeOffset ts, string bot, string? tool, string? rating)
        {
            LastAt = ts;
            Events++;
            if (!Bots.Contains(bot, StringComparer.Ordinal)) Bots.Add(bot);
            if (tool is { Length: > 0 }) Tools.Add(tool);
            if (rating == "positive") Positive++;
            else if (rating == "negative") Negative++;
        }
    }
}
