using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Incidents;

namespace Vigil.Postgres;

/// <summary>
/// Alerts and their transitions (tables alerts, alert_transitions). A step's sends are written here,
/// through the notification log's statement, in the transaction that raises the alert's step; the
/// evaluation writes the first row of the local escalation schedule in the transaction that fires.
/// It also serves the incident report's facts and the timeline's transitions (<see cref="IIncidentStore"/>).
/// </summary>
public sealed class PgAlertStore(NpgsqlDataSource dataSource) : IAlertStore, IIncidentStore
{
    private const string AlertColumns = """
        id, rule_name, group_key, group_json::text, severity, state, value, threshold, started_at, fired_at, acknowledged_at,
        acknowledged_by, ack_note, resolved_at, resolve_reason, escalation_level, channels, escalates, metric, comparator,
        window_text, description, rule_tenant_id, tenant_id, escalation_step, escalation_plan::text, resolved_by, held_until,
        priority, breach_started_at
        """;

    public async Task<IAlertEvaluationSession> BeginEvaluationAsync(CancellationToken cancellationToken) => await PgCall.Run(async () =>
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var tx = await connection.BeginTransactionAsync(cancellationToken);
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('vigil.alerts.' || current_schema(), 0))", connection, tx))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            return new Session(connection, tx);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    });

    public Task<Alert?> GetAsync(Guid id, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await ReadAlertsAsync(connection, null, $"SELECT {AlertColumns} FROM alerts WHERE id = $1", [id], withNotifications: true, cancellationToken)).FirstOrDefault();
    });

    public Task<Alert?> GetAsync(Guid id, TenantScope scope, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await ReadAlertsAsync(connection, null, $"SELECT {AlertColumns} FROM alerts WHERE id = $1 AND {PgScope.Condition("tenant_id", 2)}",
            [id, scope.Everything, (object?)scope.TenantId ?? DBNull.Value, scope.WithGlobal], withNotifications: true, cancellationToken)).FirstOrDefault();
    });

    public Task<IReadOnlyList<Alert>> ListAsync(AlertState? state, string? rule, TenantScope scope, int limit, CancellationToken cancellationToken) =>
        ListAsync(state, rule, null, scope, limit, cancellationToken);

    public Task<IReadOnlyList<Alert>> ListAsync(AlertState? state, string? rule, bool? withPostmortem, TenantScope scope, int limit, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<Alert>>(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAlertsAsync(connection, null, $"""
            SELECT {AlertColumns} FROM alerts
            WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR rule_name = $2) AND {PgScope.Condition("tenant_id", 4)}
              AND ($7::boolean IS NULL OR EXISTS (SELECT 1 FROM alert_postmortems p WHERE p.alert_id = alerts.id) = $7::boolean)
            ORDER BY started_at DESC, id DESC LIMIT $3
            """, [(object?)state?.ToName() ?? DBNull.Value, (object?)rule ?? DBNull.Value, limit, scope.Everything, (object?)scope.TenantId ?? DBNull.Value, scope.WithGlobal,
                (object?)withPostmortem ?? DBNull.Value],
            withNotifications: true, cancellationToken);
    });

    public Task<(AckOutcome Outcome, Alert? Alert)> AcknowledgeAsync(Guid id, string by, string? note, DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run<(AckOutcome, Alert?)>(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        string? state;
        await using (var read = new NpgsqlCommand("SELECT state FROM alerts WHERE id = $1 FOR UPDATE", connection, tx))
        {
            read.Parameters.Add(new() { Value = id });
            state = (string?)await read.ExecuteScalarAsync(cancellationToken);
        }
        var outcome = state switch
        {
            null => AckOutcome.NotFound,
            "resolved" => AckOutcome.Resolved,
            "acknowledged" => AckOutcome.AlreadyAcknowledged,
            _ => AckOutcome.Acknowledged,
        };
        if (outcome == AckOutcome.Acknowledged)
        {
            await using var update = new NpgsqlBatch(connection, tx);
            update.BatchCommands.Add(BatchCommand("UPDATE alerts SET state = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3, ack_note = $4 WHERE id = $1",
                id, at, by, (object?)note ?? DBNull.Value));
            update.BatchCommands.Add(BatchCommand("INSERT INTO alert_transitions (alert_id, from_state, to_state, at, detail) VALUES ($1, $2, 'acknowledged', $3, $4)",
                id, state!, at, "acknowledged by " + by));
            update.BatchCommands.Add(BatchCommand("DELETE FROM alert_escalations WHERE alert_id = $1", id));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        if (outcome == AckOutcome.NotFound) return (outcome, null);
        return (outcome, (await ReadAlertsAsync(connection, null, $"SELECT {AlertColumns} FROM alerts WHERE id = $1", [id], true, cancellationToken)).Single());
    });

    public Task<(ResolveOutcome Outcome, Alert? Alert)> ResolveAsync(Guid id, string by, string? note, DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run<(ResolveOutcome, Alert?)>(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        string? state;
        await using (var read = new NpgsqlCommand("SELECT state FROM alerts WHERE id = $1 FOR UPDATE", connection, tx))
        {
            read.Parameters.Add(new() { Value = id });
            state = (string?)await read.ExecuteScalarAsync(cancellationToken);
        }
        var outcome = state switch
        {
            null => ResolveOutcome.NotFound,
            "resolved" => ResolveOutcome.AlreadyResolved,
            _ => ResolveOutcome.Resolved,
        };
        if (outcome == ResolveOutcome.Resolved)
        {
            var reason = note is null ? $"resolved by {by}" : $"resolved by {by}: {note}";
            await using var update = new NpgsqlBatch(connection, tx);
            update.BatchCommands.Add(BatchCommand("UPDATE alerts SET state = 'resolved', resolved_at = $2, resolved_by = $3, resolve_reason = $4, held_until = NULL WHERE id = $1",
                id, at, by, reason));
            update.BatchCommands.Add(BatchCommand("INSERT INTO alert_transitions (alert_id, from_state, to_state, at, detail) VALUES ($1, $2, 'resolved', $3, $4)",
                id, state!, at, reason));
            update.BatchCommands.Add(BatchCommand("DELETE FROM alert_escalations WHERE alert_id = $1", id));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        if (outcome == ResolveOutcome.NotFound) return (outcome, null);
        return (outcome, (await ReadAlertsAsync(connection, null, $"SELECT {AlertColumns} FROM alerts WHERE id = $1", [id], true, cancellationToken)).Single());
    });

    public Task<IReadOnlyList<NotificationRecord>> RecordStepAsync(Guid alertId, EscalationStep step, IReadOnlyList<StepSend> sends, DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<NotificationRecord>>(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        // Only a firing alert before this step moves on: a step is recorded once, however often it is asked for.
        await using (var raise = new NpgsqlCommand("""
            UPDATE alerts SET escalation_step = $2, escalation_level = $3, held_until = NULL
            WHERE id = $1 AND state = 'firing' AND escalation_step < $2
            """, connection, tx))
        {
            raise.Parameters.Add(new() { Value = alertId });
            raise.Parameters.Add(new() { Value = step.Sequence });
            raise.Parameters.Add(new() { Value = step.Level });
            if (await raise.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await tx.CommitAsync(cancellationToken);
                return [];
            }
        }
        var records = await PgNotificationLog.InsertAsync(connection, tx, alertId, step.Level, step.Sequence, NotificationKind.Trigger, "pending", null, sends, at, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return records;
    });

    public Task<bool> HoldStepAsync(Guid alertId, EscalationStep step, IReadOnlyList<StepSend> sends, string reason, DateTimeOffset until, DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var hold = new NpgsqlCommand("UPDATE alerts SET held_until = $3 WHERE id = $1 AND state = 'firing' AND escalation_step < $2", connection, tx))
        {
            hold.Parameters.Add(new() { Value = alertId });
            hold.Parameters.Add(new() { Value = step.Sequence });
            hold.Parameters.Add(new() { Value = until });
            if (await hold.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await tx.CommitAsync(cancellationToken);
                return false;
            }
        }
        // What was muted is recorded once per step, however many times the step is looked at during the silence.
        await using (var seen = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM notifications WHERE alert_id = $1 AND step = $2 AND status = 'suppressed')", connection, tx))
        {
            seen.Parameters.Add(new() { Value = alertId });
            seen.Parameters.Add(new() { Value = step.Sequence });
            if (!(bool)(await seen.ExecuteScalarAsync(cancellationToken))!)
            {
                await PgNotificationLog.InsertAsync(connection, tx, alertId, step.Level, step.Sequence, NotificationKind.Trigger, "suppressed", reason, sends, at, cancellationToken);
            }
        }
        await tx.CommitAsync(cancellationToken);
        return true;
    });

    public Task<IReadOnlyList<Guid>> HeldAsync(DateTimeOffset at, TenantScope scope, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<Guid>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT id FROM alerts WHERE held_until > $1 AND state = 'firing' AND {PgScope.Condition("tenant_id", 2)}");
        command.Parameters.Add(new() { Value = at });
        PgScope.Add(command.Parameters, scope);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetGuid(0));
        return ids;
    });

    public Task<byte[]> AckNonceAsync(Guid alertId, Func<byte[], byte[]> tokenHashOf, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using (var read = dataSource.CreateCommand("SELECT ack_nonce FROM alerts WHERE id = $1"))
        {
            read.Parameters.Add(new() { Value = alertId });
            if (await read.ExecuteScalarAsync(cancellationToken) is byte[] existing)
            {
                // The link key may have changed (a new LinkSecret or admin key): the stored hash follows it,
                // so every notification from now on carries a link that works.
                await using var rehash = dataSource.CreateCommand("UPDATE alerts SET ack_token_hash = $2 WHERE id = $1 AND ack_token_hash IS DISTINCT FROM $2");
                rehash.Parameters.Add(new() { Value = alertId });
                rehash.Parameters.Add(new() { Value = tokenHashOf(existing) });
                await rehash.ExecuteNonQueryAsync(cancellationToken);
                return existing;
            }
        }
        var nonce = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        // Two senders at once: the first nonce stays, and the loser reads it (in a second statement
        // when the winner committed after this statement's snapshot was taken).
        await using (var write = dataSource.CreateCommand("""
            WITH won AS (UPDATE alerts SET ack_nonce = $2, ack_token_hash = $3 WHERE id = $1 AND ack_nonce IS NULL RETURNING ack_nonce)
            SELECT coalesce((SELECT ack_nonce FROM won), (SELECT ack_nonce FROM alerts WHERE id = $1))
            """))
        {
            write.Parameters.Add(new() { Value = alertId });
            write.Parameters.Add(new() { Value = nonce });
            write.Parameters.Add(new() { Value = tokenHashOf(nonce) });
            if (await write.ExecuteScalarAsync(cancellationToken) is byte[] stored) return stored;
        }
        await using var reread = dataSource.CreateCommand("SELECT ack_nonce FROM alerts WHERE id = $1");
        reread.Parameters.Add(new() { Value = alertId });
        return await reread.ExecuteScalarAsync(cancellationToken) as byte[]
            ?? throw new InvalidOperationException($"alert {alertId} has no acknowledge nonce (it no longer exists?)");
    });

    public Task<Alert?> FindByAckTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await ReadAlertsAsync(connection, null, $"SELECT {AlertColumns} FROM alerts WHERE ack_token_hash = $1", [tokenHash], withNotifications: true, cancellationToken)).FirstOrDefault();
    });

    public Task<IReadOnlyList<IncidentFact>> FactsAsync(TenantScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<IncidentFact>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT id, rule_tenant_id, rule_name, group_json->>'bot', priority, severity, breach_started_at, fired_at, acknowledged_at, resolved_at
            FROM alerts
            WHERE fired_at >= $1 AND fired_at < $2 AND {PgScope.Condition("tenant_id", 3)}
            ORDER BY fired_at, id
            """);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        PgScope.Add(command.Parameters, scope);
        var facts = new List<IncidentFact>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var severity = AlertNames.TryParseSeverity(r.GetString(5), out var s) ? s : Severity.Warning;
            facts.Add(new IncidentFact(
                r.GetGuid(0),
                PgScope.ReadTenant(r, 1),
                r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3),
                !r.IsDBNull(4) && Priorities.TryParse(r.GetString(4), out var p) ? p : Priorities.FromSeverity(severity),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
                r.GetFieldValue<DateTimeOffset>(7),
                r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8),
                r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9)));
        }
        return facts;
    });

    public Task<IReadOnlyList<AlertTransition>> TransitionsAsync(Guid alertId, TenantScope scope, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<AlertTransition>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT t.from_state, t.to_state, t.at, t.value, t.detail
            FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id
            WHERE t.alert_id = $1 AND {PgScope.Condition("a.tenant_id", 2)}
            ORDER BY t.at, t.id
            """);
        command.Parameters.Add(new() { Value = alertId });
        PgScope.Add(command.Parameters, scope);
        var transitions = new List<AlertTransition>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            AlertState? from = !r.IsDBNull(0) && AlertStates.TryParse(r.GetString(0), out var f) ? f : null;
            transitions.Add(new AlertTransition(from, AlertStates.TryParse(r.GetString(1), out var to) ? to : AlertState.Resolved,
                r.GetFieldValue<DateTimeOffset>(2), r.IsDBNull(3) ? null : r.GetDouble(3), r.IsDBNull(4) ? null : r.GetString(4)));
        }
        return transitions;
    });

    private static NpgsqlBatchCommand BatchCommand(string sql, params object[] args)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var a in args) command.Parameters.Add(a is DBNull ? new NpgsqlParameter { Value = a, NpgsqlDbType = NpgsqlDbType.Text } : new NpgsqlParameter { Value = a });
        return command;
    }

    private static async Task<List<Alert>> ReadAlertsAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, object[] args, bool withNotifications, CancellationToken cancellationToken)
    {
        var alerts = new List<Alert>();
        await using (var command = new NpgsqlCommand(sql, connection, tx))
        {
            foreach (var a in args) command.Parameters.Add(a is DBNull ? new NpgsqlParameter { Value = a, NpgsqlDbType = NpgsqlDbType.Text } : new NpgsqlParameter { Value = a });
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) alerts.Add(ReadAlert(r));
        }
        if (!withNotifications || alerts.Count == 0) return alerts;
        var notifications = new Dictionary<Guid, List<NotificationRecord>>();
        await using (var command = new NpgsqlCommand($"SELECT alert_id, {PgNotificationLog.Columns} FROM notifications WHERE alert_id = ANY($1) ORDER BY id", connection, tx))
        {
            command.Parameters.Add(new() { Value = alerts.Select(a => a.Id).ToArray() });
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                var id = r.GetGuid(0);
                if (!notifications.TryGetValue(id, out var list)) notifications[id] = list = [];
                list.Add(PgNotificationLog.Read(r, 1));
            }
        }
        return [.. alerts.Select(a => notifications.TryGetValue(a.Id, out var list) ? a with { Notifications = list } : a)];
    }

    private static Alert ReadAlert(NpgsqlDataReader r) => new()
    {
        Id = r.GetGuid(0),
        Rule = r.GetString(1),
        GroupKey = r.GetString(2),
        Group = JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(3))!,
        Severity = AlertNames.TryParseSeverity(r.GetString(4), out var severity) ? severity : Severity.Warning,
        State = AlertStates.TryParse(r.GetString(5), out var state) ? state : AlertState.Resolved,
        Value = r.IsDBNull(6) ? null : r.GetDouble(6),
        Threshold = r.IsDBNull(7) ? null : r.GetDouble(7),
        StartedAt = r.GetFieldValue<DateTimeOffset>(8),
        FiredAt = r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9),
        AcknowledgedAt = r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10),
        AcknowledgedBy = r.IsDBNull(11) ? null : r.GetString(11),
        AcknowledgeNote = r.IsDBNull(12) ? null : r.GetString(12),
        ResolvedAt = r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
        ResolveReason = r.IsDBNull(14) ? null : r.GetString(14),
        EscalationLevel = r.GetInt32(15),
        Channels = r.GetFieldValue<string[]>(16),
        Escalates = r.GetBoolean(17),
        Metric = r.GetString(18),
        Comparator = r.GetString(19),
        Window = r.GetString(20),
        Description = r.GetString(21),
        RuleTenantId = PgScope.ReadTenant(r, 22),
        TenantId = PgScope.ReadTenant(r, 23),
        EscalationStep = r.GetInt32(24),
        Plan = PgJson.ReadPlan(r.IsDBNull(25) ? null : r.GetString(25)),
        ResolvedBy = r.IsDBNull(26) ? null : r.GetString(26),
        HeldUntil = r.IsDBNull(27) ? null : r.GetFieldValue<DateTimeOffset>(27),
        Priority = !r.IsDBNull(28) && Priorities.TryParse(r.GetString(28), out var priority) ? priority : Priorities.FromSeverity(severity),
        BreachStartedAt = r.IsDBNull(29) ? null : r.GetFieldValue<DateTimeOffset>(29),
    };

    /// <summary>One evaluation: a transaction holding the alerts lock until commit.</summary>
    private sealed class Session(NpgsqlConnection connection, NpgsqlTransaction tx) : IAlertEvaluationSession
    {
        public Task<IReadOnlyList<Alert>> OpenAlertsAsync(CancellationToken cancellationToken) => PgCall.RunInTransaction<IReadOnlyList<Alert>>(async () =>
            await ReadAlertsAsync(connection, tx, $"SELECT {AlertColumns} FROM alerts WHERE state <> 'resolved'", [], withNotifications: false, cancellationToken));

        public Task<IReadOnlyDictionary<(string? RuleTenant, string Rule, string GroupKey), DateTimeOffset>> LastFiredResolutionsAsync(DateTimeOffset since, CancellationToken cancellationToken) => PgCall.RunInTransaction<IReadOnlyDictionary<(string?, string, string), DateTimeOffset>>(async () =>
        {
            await using var command = new NpgsqlCommand("""
                SELECT DISTINCT ON (rule_tenant_id, rule_name, group_key) rule_tenant_id, rule_name, group_key, resolved_at FROM alerts
                WHERE fired_at IS NOT NULL AND state = 'resolved' AND resolved_at >= $1
                ORDER BY rule_tenant_id, rule_name, group_key, resolved_at DESC
                """, connection, tx);
            command.Parameters.Add(new() { Value = since });
            var result = new Dictionary<(string?, string, string), DateTimeOffset>();
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) result[(PgScope.ReadTenant(r, 0), r.GetString(1), r.GetString(2))] = r.GetFieldValue<DateTimeOffset>(3);
            return result;
        });

        public Task ApplyAsync(IReadOnlyList<AlertChange> changes, CancellationToken cancellationToken) => PgCall.RunInTransaction(async () =>
        {
            if (changes.Count == 0) return;
            await using var batch = new NpgsqlBatch(connection, tx);
            foreach (var change in changes)
            {
                switch (change)
                {
                    case OpenAlert { Alert: var a }:
                        batch.BatchCommands.Add(Command("""
                            INSERT INTO alerts (id, rule_name, group_key, group_json, severity, state, value, threshold, started_at, fired_at,
                                channels, escalates, metric, comparator, window_text, description, rule_tenant_id, tenant_id, escalation_plan,
                                priority, breach_started_at)
                            VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::text, $18::text, $19::jsonb,
                                $20, $21::timestamptz)
                            """, a.Id, a.Rule, a.GroupKey, JsonSerializer.Serialize(a.Group), a.Severity.ToName(), a.State.ToName(), a.Value, a.Threshold,
                            a.StartedAt, a.FiredAt, a.Channels.ToArray(), a.Escalates, a.Metric, a.Comparator, a.Window, a.Description, a.RuleTenantId, a.TenantId,
                            a.Plan is null ? null : PgJson.Plan(a.Plan), a.Priority.ToName(), a.BreachStartedAt));
                        batch.BatchCommands.Add(Command("INSERT INTO alert_transitions (alert_id, from_state, to_state, at, value, detail) VALUES ($1, NULL, $2, $3, $4, $5)",
                            a.Id, a.State.ToName(), a.StartedAt, a.Value, $"{a.Metric} {a.Value:0.###} {a.Comparator} {a.Threshold:0.###}"));
                        if (a.State == AlertState.Firing)
                        {
                            batch.BatchCommands.Add(Command("INSERT INTO alert_escalations (alert_id, next_step, due_at) VALUES ($1, 1, $2) ON CONFLICT DO NOTHING", a.Id, a.FiredAt));
                        }
                        break;
                    case FireAlert f:
                        batch.BatchCommands.Add(Command("UPDATE alerts SET state = 'firing', fired_at = $2, value = $3, escalation_plan = $4::jsonb WHERE id = $1 AND state = 'pending'",
                            f.Id, f.At, f.Value, f.Plan is null ? null : PgJson.Plan(f.Plan)));
                        batch.BatchCommands.Add(Command("INSERT INTO alert_transitions (alert_id, from_state, to_state, at, value, detail) VALUES ($1, 'pending', 'firing', $2, $3, 'held for the rule''s for duration')", f.Id, f.At, f.Value));
                        batch.BatchCommands.Add(Command("INSERT INTO alert_escalations (alert_id, next_step, due_at) VALUES ($1, 1, $2) ON CONFLICT DO NOTHING", f.Id, f.At));
                        break;
                    case UpdateAlert u:
                        batch.BatchCommands.Add(Command("UPDATE alerts SET value = $2, threshold = $3 WHERE id = $1", u.Id, u.Value, u.Threshold));
                        break;
                    case ResolveAlert r:
                        batch.BatchCommands.Add(Command("""
                            WITH before AS (SELECT state FROM alerts WHERE id = $1 AND state <> 'resolved'),
                            updated AS (UPDATE alerts SET state = 'resolved', resolved_at = $2, resolve_reason = $3, value = coalesce($4, value)
                                        WHERE id = $1 AND state <> 'resolved' RETURNING id)
                            INSERT INTO alert_transitions (alert_id, from_state, to_state, at, value, detail)
                            SELECT $1, before.state, 'resolved', $2, $4, $3 FROM before, updated
                            """, r.Id, r.At, r.Reason, r.Value));
                        batch.BatchCommands.Add(Command("DELETE FROM alert_escalations WHERE alert_id = $1", r.Id));
                        break;
                }
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
        });

        public async Task CommitAsync(CancellationToken cancellationToken) => await PgCall.RunInTransaction(() => tx.CommitAsync(cancellationToken));

        public async ValueTask DisposeAsync()
        {
            await tx.DisposeAsync();
            await connection.DisposeAsync();
        }

        private static NpgsqlBatchCommand Command(string sql, params object?[] args)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var a in args)
            {
                command.Parameters.Add(a switch
                {
                    null => new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Unknown },
                    double d => new NpgsqlParameter { Value = d, NpgsqlDbType = NpgsqlDbType.Double },
                    _ => new NpgsqlParameter { Value = a },
                });
            }
            return command;
        }
    }
}
