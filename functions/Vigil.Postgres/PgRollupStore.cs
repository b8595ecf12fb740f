using System.Text;
using Npgsql;
using NpgsqlTypes;
using Vigil.Core.Alerts;
using Vigil.Core.Events;
using Vigil.Core.Metrics;

namespace Vigil.Postgres;

/// <summary>
/// The rollup tables (rollup_minute, rollup_5m, rollup_hour, rollup_day, conversation_cost_minute,
/// rollup_pending, rollup_state). A run claims the minutes marked by ingestion, recomputes them from
/// the raw events (sketches are built here, in .NET, from the same code that reads them), then
/// re-merges the five-minute rows, hours and days they belong to. Each chunk is one transaction under an advisory
/// lock, so two hosts take turns instead of double counting, and a crash mid-chunk rolls the
/// claim back. Recomputing replaces rows, so a second run of the same minute changes nothing.
/// </summary>
public sealed class PgRollupStore(NpgsqlDataSource dataSource) : IRollupStore
{
    /// <summary>At most this many minutes per transaction (a backlog after downtime is worked off in steps).</summary>
    internal const int MinutesPerChunk = 120;

    private const string KeyColumns = "tenant_id, bot, operation, model, type, batch_job, batch_run_id, tool_name, error_type, degradation_reason, cache_hit";
    private const string CounterColumns = "events, calls, errors, rate_limit_errors, cache_hits, cache_lookups, blocked, quality_count, quality_sum_micro, degraded, degradation_known, positive, negative, cost_events, unpriced, cost_usd, input_tokens, output_tokens, cached_input_tokens";
    private const string SketchColumns = "duration_sketch, ttft_sketch";
    private const string SketchAggregates = "array_agg(duration_sketch) FILTER (WHERE duration_sketch IS NOT NULL), array_agg(ttft_sketch) FILTER (WHERE ttft_sketch IS NOT NULL)";
    private const string Origin = "TIMESTAMPTZ '2000-01-01 00:00:00+00'";

    private static readonly string[] Counters = CounterColumns.Split(", ");

    private static readonly string SumColumns = string.Join(", ", Counters.Select(c => c switch
    {
        "cost_usd" => $"sum({c})",
        _ => $"sum({c})::bigint",
    }));

    public Task<RollupReport> RollUpAsync(CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var runStart = await ScalarAsync<DateTime>(connection, null, "SELECT clock_timestamp()", cancellationToken);
        int minutes = 0, hours = 0, days = 0;
        long eventsRead = 0;
        while (true)
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(hashtextextended('vigil.rollups.' || current_schema(), 0))", cancellationToken);
            var claimed = await ClaimAsync(connection, tx, runStart, cancellationToken);
            if (claimed.Length == 0)
            {
                await tx.CommitAsync(cancellationToken);
                break;
            }
            eventsRead += await RecomputeMinutesAsync(connection, tx, claimed, cancellationToken);
            // Five-minute rows serve time series at 5/10/15/30-minute steps and the edges of windows;
            // hours stay merged from minutes, so they never depend on the newer level being complete.
            var fiveMinuteBuckets = claimed.Select(m => Align.Floor(m, Resolution.FiveMinutes)).Distinct().ToArray();
            await RecomputeLevelAsync(connection, tx, "rollup_minute", "rollup_5m", Resolution.FiveMinutes, fiveMinuteBuckets, cancellationToken);
            var hourBuckets = claimed.Select(m => Align.Floor(m, Resolution.Hour)).Distinct().ToArray();
            await RecomputeLevelAsync(connection, tx, "rollup_minute", "rollup_hour", Resolution.Hour, hourBuckets, cancellationToken);
            var dayBuckets = hourBuckets.Select(h => Align.Floor(h, Resolution.Day)).Distinct().ToArray();
            await RecomputeLevelAsync(connection, tx, "rollup_hour", "rollup_day", Resolution.Day, dayBuckets, cancellationToken);
            // The review's distinct-count sketches and conversation rows (PgReviewStore), in the same transaction.
            await PgReviewStore.RollUpAsync(connection, tx, claimed, hourBuckets, dayBuckets, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            minutes += claimed.Length;
            hours += hourBuckets.Length;
            days += dayBuckets.Length;
        }
        await using (var state = new NpgsqlCommand(
            "UPDATE rollup_state SET complete_up_to = greatest(coalesce(complete_up_to, '-infinity'), $1), last_run_at = clock_timestamp() RETURNING complete_up_to", connection))
        {
            state.Parameters.Add(new() { Value = runStart });
            var completeUpTo = (DateTime)(await state.ExecuteScalarAsync(cancellationToken))!;
            return new RollupReport(minutes, hours, days, eventsRead, new DateTimeOffset(completeUpTo, TimeSpan.Zero));
        }
    });

    /// <summary>Takes the oldest marked minutes (marked before the run started) off the pending list.</summary>
    private static async Task<DateTimeOffset[]> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTime runStart, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            DELETE FROM rollup_pending
            WHERE marked_at < $1 AND minute IN (
                SELECT DISTINCT minute FROM rollup_pending WHERE marked_at < $1 ORDER BY minute LIMIT $2)
            RETURNING minute
            """, connection, tx);
        command.Parameters.Add(new() { Value = runStart });
        command.Parameters.Add(new() { Value = MinutesPerChunk });
        var minutes = new SortedSet<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) minutes.Add(reader.GetFieldValue<DateTimeOffset>(0));
        return [.. minutes];
    }

    private static async Task<long> RecomputeMinutesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset[] minutes, CancellationToken cancellationToken)
    {
        var series = new Dictionary<(DateTimeOffset, SeriesKey), RollupCounters>();
        var conversations = new Dictionary<(DateTimeOffset, string, string, SeriesKey), ConversationTotals>();
        long read = 0;
        foreach (var (from, to) in ContiguousRanges(minutes))
        {
            await using var command = new NpgsqlCommand("""
                SELECT e.ts, e.tenant_id, e.bot, coalesce(e.operation, ''), coalesce(e.model, ''), e.type,
                       coalesce(e.batch_job, r.job, ''), coalesce(e.batch_run_id, ''), e.conversation_id, e.duration_ms,
                       e.ttft_ms, e.success, e.error_type, e.cache_hit, e.blocked, e.quality_score, e.degraded, e.rating,
                       e.cost_usd, e.cost_source, e.input_tokens, e.output_tokens, e.cached_input_tokens,
                       coalesce(e.tool_name, ''), coalesce(e.error_type, ''), coalesce(e.degradation_reason, '')
                FROM events e
                -- An event that names only its run is attributed to the run's job: a global job's run takes
                -- any tenant's events, a tenant's run only that tenant's (a run id is no key to another tenant).
                LEFT JOIN batch_runs r ON e.batch_job IS NULL AND r.run_id = e.batch_run_id AND (r.tenant_id IS NULL OR r.tenant_id = e.tenant_id)
                WHERE e.ts >= $1 AND e.ts < $2
                """, connection, tx);
            command.Parameters.Add(new() { Value = from });
            command.Parameters.Add(new() { Value = to });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                read++;
                var e = ReadEvent(reader);
                var minute = Align.Floor(e.Timestamp, Resolution.Minute);
                if (!series.TryGetValue((minute, e.Series), out var counters)) series[(minute, e.Series)] = counters = new RollupCounters();
                counters.Add(e);
                if (e.ConversationId is { } conversation && e.CostSource != CostSource.None)
                {
                    var key = (minute, e.Series.TenantId, conversation, e.Series.WithoutBreakdown with { TenantId = "", BatchJob = "", BatchRunId = "" });
                    conversations[key] = conversations.GetValueOrDefault(key).Add(e);
                }
            }
        }

        var buckets = minutes.Select(m => m.UtcDateTime).ToArray();
        await ExecuteAsync(connection, tx, "DELETE FROM rollup_minute WHERE bucket = ANY($1)", cancellationToken, buckets);
        await ExecuteAsync(connection, tx, "DELETE FROM conversation_cost_minute WHERE bucket = ANY($1)", cancellationToken, buckets);
        await WriteRowsAsync(connection, "rollup_minute", series.Select(s => (s.Key.Item1, s.Key.Item2, s.Value)), cancellationToken);
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY conversation_cost_minute (bucket, tenant_id, conversation_id, bot, operation, model, type, cost_usd, calls, input_tokens, output_tokens) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var ((minute, tenant, conversation, key), totals) in conversations)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(minute.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await writer.WriteAsync(tenant, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(conversation, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(key.Bot, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(key.Operation, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(key.Model, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(key.Type.ToName(), NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(totals.CostUsd, NpgsqlDbType.Numeric, cancellationToken);
                await writer.WriteAsync(totals.Calls, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(totals.InputTokens, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(totals.OutputTokens, NpgsqlDbType.Bigint, cancellationToken);
            }
            await writer.CompleteAsync(cancellationToken);
        }
        return read;
    }

    /// <summary>Rebuilds the given five-minute, hour or day buckets by merging a finer level.</summary>
    private static async Task RecomputeLevelAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string source, string target, Resolution resolution, DateTimeOffset[] buckets, CancellationToken cancellationToken)
    {
        var interval = resolution switch
        {
            Resolution.FiveMinutes => "5 minutes",
            Resolution.Hour => "1 hour",
            Resolution.Day => "1 day",
            _ => throw new ArgumentOutOfRangeException(nameof(resolution)),
        };
        var utc = buckets.Select(b => b.UtcDateTime).ToArray();
        await ExecuteAsync(connection, tx, $"DELETE FROM {target} WHERE bucket = ANY($1)", cancellationToken, utc);
        await using var command = new NpgsqlCommand($"""
            SELECT date_bin('{interval}', bucket, {Origin}) AS b, {KeyColumns}, {SumColumns}, {SketchAggregates}
            FROM {source}
            WHERE bucket >= $2 AND bucket < $3 AND date_bin('{interval}', bucket, {Origin}) = ANY($1)
            GROUP BY 1, {KeyColumns}
            """, connection, tx);
        command.Parameters.Add(new() { Value = utc });
        command.Parameters.Add(new() { Value = buckets.Min().UtcDateTime });
        command.Parameters.Add(new() { Value = (buckets.Max() + Align.Length(resolution)).UtcDateTime });
        var rows = new List<(DateTimeOffset, SeriesKey, RollupCounters)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = new SeriesKey(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    ParseType(reader.GetString(5)), reader.GetString(6), reader.GetString(7),
                    reader.GetString(8), reader.GetString(9), reader.GetString(10), reader.GetString(11));
                rows.Add((reader.GetFieldValue<DateTimeOffset>(0), key, ReadCounters(reader, 12, withSketches: true)));
            }
        }
        await WriteRowsAsync(connection, target, rows, cancellationToken);
    }

    public Task<IReadOnlyList<RollupGroup>> QueryAsync(RollupQuery query, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<RollupGroup>>(async () =>
    {
        if (query.Pieces.Count == 0) return [];
        var groupColumns = query.GroupBy.Select(Column).ToList();
        var select = new StringBuilder("SELECT ");
        foreach (var c in groupColumns) select.Append(c).Append(", ");
        select.Append(SumColumns);
        if (query.WithSketches) select.Append(", ").Append(SketchAggregates);
        select.Append(" FROM (");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        // Merging a week of sketches per group is one hash aggregate when it fits in memory; with the
        // default 4 MB the planner sorts and spills to disk instead, which doubled the 7-day query.
        // Set for this query only, in the same round trip, and reset before the connection is pooled.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET work_mem = '64MB'"));
        var command = new NpgsqlBatchCommand();
        var columns = $"{KeyColumns}, {CounterColumns}" + (query.WithSketches ? $", {SketchColumns}" : "");
        for (var i = 0; i < query.Pieces.Count; i++)
        {
            var piece = query.Pieces[i];
            if (i > 0) select.Append(" UNION ALL ");
            select.Append(CultureInvariant($"SELECT {columns} FROM {Table(piece.Resolution)} WHERE bucket >= ${(2 * i) + 1} AND bucket < ${(2 * i) + 2}"));
            command.Parameters.Add(new() { Value = piece.From.UtcDateTime });
            command.Parameters.Add(new() { Value = piece.To.UtcDateTime });
        }
        select.Append(") r WHERE true");
        AppendFilters(select, command, query.Filter);
        if (groupColumns.Count > 0) select.Append(" GROUP BY ").Append(string.Join(", ", groupColumns));
        command.CommandText = select.ToString();
        batch.BatchCommands.Add(command);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("RESET work_mem"));

        var groups = new List<RollupGroup>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                // Without GROUP BY an aggregate always returns one row; no rows means sums of NULL.
                if (reader.IsDBNull(groupColumns.Count)) continue;
                var key = new Dictionary<Dimension, string>();
                for (var i = 0; i < groupColumns.Count; i++) key[query.GroupBy[i]] = reader.GetString(i);
                groups.Add(new RollupGroup(key, ReadCounters(reader, groupColumns.Count, query.WithSketches)));
            }
        }
        return groups;
    });

    /// <summary>
    /// One statement: the pieces' rows (each of a resolution that divides the step), binned with
    /// date_bin and summed per bucket, group and type; only the sketches the metrics need are
    /// aggregated (they are most of the bytes read).
    /// </summary>
    public Task<IReadOnlyList<RollupBucket>> QueryBucketsAsync(TimeSeriesQuery query, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<RollupBucket>>(async () =>
    {
        if (query.Pieces.Count == 0) return [];
        // Per type only when a metric is about one type (tool_failure_rate, …) or the caller groups by it.
        var byType = query.GroupBy.Contains(Dimension.Type) || query.Metrics.Any(m => m.ImpliedType() is not null);
        var groupColumns = query.GroupBy.Where(d => d != Dimension.Type).Select(Column).ToList();
        if (byType) groupColumns.Add("type");
        var needed = CountersFor(query.Metrics);
        var durationSketch = query.Metrics.Any(m => m is AlertMetric.LatencyP50 or AlertMetric.LatencyP95 or AlertMetric.LatencyP99);
        var ttftSketch = query.Metrics.Contains(AlertMetric.TtftP95);
        var sketchColumns = new List<string>();
        if (durationSketch) sketchColumns.Add("duration_sketch");
        if (ttftSketch) sketchColumns.Add("ttft_sketch");
        var columns = string.Join(", ", new[] { "bucket", KeyColumns }.Concat(Counters.Where(needed.Contains)).Concat(sketchColumns));
        var select = new StringBuilder(CultureInvariant($"SELECT date_bin($1, bucket, {Origin}) AS b, "));
        foreach (var c in groupColumns) select.Append(c).Append(", ");
        // Only the counters the metrics read: the rest would be most of the bytes of every row.
        var counters = Counters.Where(needed.Contains).ToArray();
        select.Append(string.Join(", ", counters.Select(c => c == "cost_usd" ? $"sum({c})" : $"sum({c})::bigint")));
        foreach (var c in sketchColumns) select.Append(CultureInvariant($", array_agg({c}) FILTER (WHERE {c} IS NOT NULL)"));
        select.Append(" FROM (");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET work_mem = '64MB'"));
        var command = new NpgsqlBatchCommand();
        command.Parameters.Add(new() { Value = query.Step });
        for (var i = 0; i < query.Pieces.Count; i++)
        {
            var piece = query.Pieces[i];
            if (i > 0) select.Append(" UNION ALL ");
            select.Append(CultureInvariant($"SELECT {columns} FROM {Table(piece.Resolution)} WHERE bucket >= ${(2 * i) + 2} AND bucket < ${(2 * i) + 3}"));
            command.Parameters.Add(new() { Value = piece.From.UtcDateTime });
            command.Parameters.Add(new() { Value = piece.To.UtcDateTime });
        }
        select.Append(") r WHERE true");
        AppendFilters(select, command, query.Filter);
        // A group's rows together (the service then finds a row's group without a lookup); with the
        // group columns first, the sort that groups the rows is the one that orders them.
        select.Append(" GROUP BY ").Append(string.Join(", ", groupColumns.Append("1")));
        if (groupColumns.Count > 0) select.Append(" ORDER BY ").Append(string.Join(", ", groupColumns));
        command.CommandText = select.ToString();
        batch.BatchCommands.Add(command);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("RESET work_mem"));

        var result = new List<RollupBucket>();
        var first = 1 + groupColumns.Count;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = new Dictionary<Dimension, string>();
                var i = 1;
                foreach (var d in query.GroupBy.Where(d => d != Dimension.Type)) key[d] = reader.GetString(i++);
                var type = byType ? reader.GetString(i) : "";
                if (query.GroupBy.Contains(Dimension.Type)) key[Dimension.Type] = type;
                var row = ReadCounters(reader, first, counters);
                var column = first + counters.Length;
                if (durationSketch) MergeAll(reader, column++, row.Duration);
                if (ttftSketch) MergeAll(reader, column, row.Ttft);
                result.Add(new RollupBucket(reader.GetFieldValue<DateTimeOffset>(0), key, type, row));
            }
        }
        return result;
    });

    /// <summary>The counter columns a time series of these metrics reads (see AlertMetrics.Compute); events always.</summary>
    private static HashSet<string> CountersFor(IReadOnlyList<AlertMetric> metrics)
    {
        var columns = new HashSet<string>(StringComparer.Ordinal) { "events" };
        foreach (var metric in metrics)
        {
            columns.UnionWith(metric switch
            {
                AlertMetric.ErrorRate or AlertMetric.HandoffFailureRate or AlertMetric.ToolFailureRate or AlertMetric.RagFailureRate => ["errors", "calls"],
                AlertMetric.RateLimitErrorRate => ["rate_limit_errors", "calls"],
                AlertMetric.CacheHitRate => ["cache_hits", "cache_lookups"],
                AlertMetric.BlockedHandoffs => ["blocked", "calls"],
                AlertMetric.CostUsd or AlertMetric.CostSpikeRatio => ["cost_usd", "cost_events"],
                AlertMetric.QualityScoreAvg => ["quality_count", "quality_sum_micro"],
                AlertMetric.DegradationRate => ["degraded", "degradation_known"],
                AlertMetric.SatisfactionRate => ["positive", "negative"],
                AlertMetric.UnpricedCalls => ["unpriced", "cost_events"],
                _ => [],
            });
        }
        return columns;
    }

    public Task<IReadOnlyList<ConversationCost>> ConversationCostsAsync(DateTimeOffset from, DateTimeOffset to, MetricFilter filter, int limit, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<ConversationCost>>(async () =>
    {
        await using var command = dataSource.CreateCommand();
        command.Parameters.Add(new() { Value = from.UtcDateTime });
        command.Parameters.Add(new() { Value = to.UtcDateTime });
        var sql = new StringBuilder("""
            SELECT tenant_id, conversation_id, sum(cost_usd), sum(calls)::bigint, sum(input_tokens)::bigint, sum(output_tokens)::bigint
            FROM conversation_cost_minute WHERE bucket >= $1 AND bucket < $2
            """);
        AppendFilters(sql, command, filter);
        command.Parameters.Add(new() { Value = limit });
        sql.Append(CultureInvariant($" GROUP BY tenant_id, conversation_id ORDER BY 3 DESC, 1, 2 LIMIT ${command.Parameters.Count}"));
        command.CommandText = sql.ToString();
        var result = new List<ConversationCost>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new ConversationCost(reader.GetString(0), reader.GetString(1), reader.GetDecimal(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
        }
        return result;
    });

    public Task<DateTimeOffset?> CompleteUpToAsync(CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("SELECT complete_up_to FROM rollup_state");
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DateTime t ? new DateTimeOffset(t, TimeSpan.Zero) : (DateTimeOffset?)null;
    });

    private static void AppendFilters(StringBuilder sql, NpgsqlCommand command, MetricFilter filter) => AppendFilters(sql, command.Parameters, filter);

    private static void AppendFilters(StringBuilder sql, NpgsqlBatchCommand command, MetricFilter filter) => AppendFilters(sql, command.Parameters, filter);

    private static void AppendFilters(StringBuilder sql, NpgsqlParameterCollection parameters, MetricFilter filter)
    {
        foreach (var (dimension, values) in filter.Values)
        {
            parameters.Add(new NpgsqlParameter<string[]>() { TypedValue = values });
            sql.Append(CultureInvariant($" AND {Column(dimension)} = ANY(${parameters.Count})"));
        }
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);

    private static string Table(Resolution resolution) => resolution switch
    {
        Resolution.Minute => "rollup_minute",
        Resolution.FiveMinutes => "rollup_5m",
        Resolution.Hour => "rollup_hour",
        _ => "rollup_day",
    };

    private static string Column(Dimension dimension) => dimension switch
    {
        Dimension.TenantId => "tenant_id",
        Dimension.Bot => "bot",
        Dimension.Operation => "operation",
        Dimension.Model => "model",
        Dimension.Type => "type",
        Dimension.BatchJob => "batch_job",
        Dimension.BatchRunId => "batch_run_id",
        Dimension.ConversationId => "conversation_id",
        Dimension.ToolName => "tool_name",
        Dimension.ErrorType => "error_type",
        Dimension.DegradationReason => "degradation_reason",
        Dimension.CacheHit => "cache_hit",
        _ => throw new ArgumentOutOfRangeException(nameof(dimension)),
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

    private static RollupEvent ReadEvent(NpgsqlDataReader r) => new(
        r.GetFieldValue<DateTimeOffset>(0),
        new SeriesKey(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), ParseType(r.GetString(5)), r.GetString(6), r.GetString(7),
            r.GetString(23), r.GetString(24), r.GetString(25), r.IsDBNull(13) ? "" : r.GetBoolean(13) ? "true" : "false"),
        r.IsDBNull(8) ? null : r.GetString(8),
        r.IsDBNull(9) ? null : r.GetDouble(9),
        r.IsDBNull(10) ? null : r.GetDouble(10),
        r.GetBoolean(11),
        r.IsDBNull(12) ? null : r.GetString(12),
        r.IsDBNull(13) ? null : r.GetBoolean(13),
        r.IsDBNull(14) ? null : r.GetBoolean(14),
        r.IsDBNull(15) ? null : r.GetDouble(15),
        r.IsDBNull(16) ? null : r.GetBoolean(16),
        r.IsDBNull(17) ? null : r.GetString(17) == "positive",
        r.GetDecimal(18),
        r.IsDBNull(19) ? CostSource.None : r.GetString(19) switch { "reported" => CostSource.Reported, "computed" => CostSource.Computed, _ => CostSource.Unpriced },
        r.IsDBNull(20) ? null : r.GetInt64(20),
        r.IsDBNull(21) ? null : r.GetInt64(21),
        r.IsDBNull(22) ? null : r.GetInt64(22));

    private static RollupCounters ReadCounters(NpgsqlDataReader r, int first, bool withSketches)
    {
        var c = ReadCounters(r, first, Counters);
        if (withSketches)
        {
            MergeAll(r, first + Counters.Length, c.Duration);
            MergeAll(r, first + Counters.Length + 1, c.Ttft);
        }
        return c;
    }

    /// <summary>The named counter columns, in order from <paramref name="first"/>; the others stay 0.</summary>
    private static RollupCounters ReadCounters(NpgsqlDataReader r, int first, string[] columns)
    {
        var c = new RollupCounters();
        for (var i = 0; i < columns.Length; i++)
        {
            var at = first + i;
            switch (columns[i])
            {
                case "events": c.Events = r.GetInt64(at); break;
                case "calls": c.Calls = r.GetInt64(at); break;
                case "errors": c.Errors = r.GetInt64(at); break;
                case "rate_limit_errors": c.RateLimitErrors = r.GetInt64(at); break;
                case "cache_hits": c.CacheHits = r.GetInt64(at); break;
                case "cache_lookups": c.CacheLookups = r.GetInt64(at); break;
                case "blocked": c.Blocked = r.GetInt64(at); break;
                case "quality_count": c.QualityCount = r.GetInt64(at); break;
                case "quality_sum_micro": c.QualitySumMicro = r.GetInt64(at); break;
                case "degraded": c.Degraded = r.GetInt64(at); break;
                case "degradation_known": c.DegradationKnown = r.GetInt64(at); break;
                case "positive": c.Positive = r.GetInt64(at); break;
                case "negative": c.Negative = r.GetInt64(at); break;
                case "cost_events": c.CostEvents = r.GetInt64(at); break;
                case "unpriced": c.Unpriced = r.GetInt64(at); break;
                case "cost_usd": c.CostUsd = r.GetDecimal(at); break;
                case "input_tokens": c.InputTokens = r.GetInt64(at); break;
                case "output_tokens": c.OutputTokens = r.GetInt64(at); break;
                case "cached_input_tokens": c.CachedInputTokens = r.GetInt64(at); break;
                default: throw new ArgumentOutOfRangeException(nameof(columns), columns[i], "Not a rollup counter.");
            }
        }
        return c;
    }

    private static void MergeAll(NpgsqlDataReader r, int column, LatencySketch into)
    {
        if (r.IsDBNull(column)) return;
        foreach (var sketch in r.GetFieldValue<byte[][]>(column)) into.MergeSerialized(sketch);
    }

    private static async Task WriteRowsAsync(NpgsqlConnection connection, string table, IEnumerable<(DateTimeOffset Bucket, SeriesKey Key, RollupCounters Counters)> rows, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {table} (bucket, {KeyColumns}, {CounterColumns}, {SketchColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        // In bucket order, so that a query for a time range reads neighbouring pages.
        foreach (var (bucket, key, c) in rows.OrderBy(r => r.Bucket))
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(bucket.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(key.TenantId, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(key.Bot, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(key.Operation, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(key.Model, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(key.Type.ToName(), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(key.BatchJob, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(key.BatchRunId, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(key.ToolName, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(key.ErrorType, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(key.DegradationReason, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(key.CacheHit, NpgsqlDbType.Text, cancellationToken);
            foreach (var value in new[] { c.Events, c.Calls, c.Errors, c.RateLimitErrors, c.CacheHits, c.CacheLookups, c.Blocked, c.QualityCount,
                c.QualitySumMicro, c.Degraded, c.DegradationKnown, c.Positive, c.Negative, c.CostEvents, c.Unpriced })
            {
                await writer.WriteAsync(value, NpgsqlDbType.Bigint, cancellationToken);
            }
            await writer.WriteAsync(c.CostUsd, NpgsqlDbType.Numeric, cancellationToken);
            await writer.WriteAsync(c.InputTokens, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(c.OutputTokens, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(c.CachedInputTokens, NpgsqlDbType.Bigint, cancellationToken);
            await WriteSketch(writer, c.Duration, cancellationToken);
            await WriteSketch(writer, c.Ttft, cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);

        static Task WriteSketch(NpgsqlBinaryImporter writer, LatencySketch sketch, CancellationToken cancellationToken) =>
            sketch.IsEmpty ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(sketch.Serialize(), NpgsqlDbType.Bytea, cancellationToken);
    }

    private static EventType ParseType(string name) =>
        EventTypes.TryParse(name, out var type) ? type : throw new InvalidDataException($"Unknown event type '{name}' in the rollups.");

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken, params object[] args)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private readonly record struct ConversationTotals(decimal CostUsd, long Calls, long InputTokens, long OutputTokens)
    {
        public ConversationTotals Add(in RollupEvent e) =>
            new(CostUsd + e.CostUsd, Calls + 1, InputTokens + (e.InputTokens ?? 0), OutputTokens + (e.OutputTokens ?? 0));
    }
}
