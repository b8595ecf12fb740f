using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Budgets;
using Vigil.Core.Metrics;

namespace Vigil.Postgres;

/// <summary>
/// Tables budgets, budget_crossings and budget_notifications (and batch_jobs when a threshold
/// disables them). A budget is (tenant_id, name); every statement carries the scope.
/// </summary>
public sealed class PgBudgetStore(NpgsqlDataSource dataSource) : IBudgetStore
{
    private const string Columns = "name, amount_usd, period, filters::text, thresholds::text, batch_jobs, created_at, updated_at, tenant_id, all_batch_jobs";
    private const string CrossingColumns = "c.id, c.tenant_id, c.budget, c.period_start, c.percent, c.forecast, c.crossed_at, c.spent_usd, c.forecast_usd, c.actions, c.outcome";

    private sealed record ThresholdJson(double Percent, bool Forecast, string[] Actions);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public Task<IReadOnlyList<Budget>> ListAsync(TenantScope scope, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<Budget>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM budgets WHERE {PgScope.Condition("tenant_id", 1)} ORDER BY tenant_id NULLS FIRST, name");
        PgScope.Add(command.Parameters, scope);
        return await ReadAsync(command, cancellationToken);
    });

    public Task<Budget?> GetAsync(string? tenantId, string name, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM budgets WHERE tenant_id IS NOT DISTINCT FROM $1 AND name = $2");
        command.Parameters.Add(PgScope.Tenant(tenantId));
        command.Parameters.Add(new() { Value = name });
        return (await ReadAsync(command, cancellationToken)).FirstOrDefault();
    });

    public Task<bool> UpsertAsync(Budget budget, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO budgets (name, amount_usd, period, filters, thresholds, batch_jobs, created_at, updated_at, tenant_id, all_batch_jobs)
            VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $7, $8, $9)
            ON CONFLICT ON CONSTRAINT budgets_scope_name DO UPDATE SET amount_usd = excluded.amount_usd, period = excluded.period,
                filters = excluded.filters, thresholds = excluded.thresholds, batch_jobs = excluded.batch_jobs,
                all_batch_jobs = excluded.all_batch_jobs, updated_at = excluded.updated_at
            RETURNING xmax = 0
            """);
        command.Parameters.Add(new() { Value = budget.Name });
        command.Parameters.Add(new() { Value = budget.AmountUsd });
        command.Parameters.Add(new() { Value = budget.Period });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(budget.Filters.Values.ToDictionary(f => f.Key.ToName(), f => f.Value)) });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(budget.Thresholds.Select(t => new ThresholdJson(t.Percent, t.Forecast, [.. t.Actions.Select(a => a.Text)])), Json) });
        command.Parameters.Add(new() { Value = budget.BatchJobs.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = budget.UpdatedAt });
        command.Parameters.Add(PgScope.Tenant(budget.TenantId));
        command.Parameters.Add(new() { Value = budget.AllBatchJobs });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    });

    public Task<bool> DeleteAsync(string? tenantId, string name, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("DELETE FROM budgets WHERE tenant_id IS NOT DISTINCT FROM $1 AND name = $2");
        command.Parameters.Add(PgScope.Tenant(tenantId));
        command.Parameters.Add(new() { Value = name });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    });

    public Task<IReadOnlyList<ThresholdCrossing>> CrossingsAsync(string? tenantId, string budget, DateTimeOffset periodStart, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<ThresholdCrossing>>(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var crossings = new List<(long Id, ThresholdCrossing Crossing)>();
        await using (var command = new NpgsqlCommand($"""
            SELECT {CrossingColumns} FROM budget_crossings c
            WHERE c.tenant_id IS NOT DISTINCT FROM $3 AND c.budget = $1 AND c.period_start = $2 ORDER BY c.forecast, c.percent
            """, connection))
        {
            command.Parameters.Add(new() { Value = budget });
            command.Parameters.Add(new() { Value = periodStart });
            command.Parameters.Add(PgScope.Tenant(tenantId));
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) crossings.Add((r.GetInt64(0), ReadCrossing(r, 1)));
        }
        if (crossings.Count == 0) return [];
        var notifications = new Dictionary<long, List<BudgetNotificationRecord>>();
        await using (var command = new NpgsqlCommand("SELECT crossing_id, id, channel, status, attempts, sent_at, error FROM budget_notifications WHERE crossing_id = ANY($1) ORDER BY id", connection))
        {
            command.Parameters.Add(new() { Value = crossings.Select(c => c.Id).ToArray() });
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                if (!notifications.TryGetValue(r.GetInt64(0), out var list)) notifications[r.GetInt64(0)] = list = [];
                list.Add(ReadNotification(r, 1));
            }
        }
        return [.. crossings.Select(c => c.Crossing with { Notifications = notifications.GetValueOrDefault(c.Id) ?? [] })];
    });

    public Task<CrossingRecorded?> RecordCrossingAsync(ThresholdCrossing crossing, IReadOnlyList<string> channels, BatchJobSelection jobsToDisable,
        string disableReason, string disableReasonElsewhere, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        long id;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO budget_crossings (budget, period_start, percent, forecast, crossed_at, spent_usd, forecast_usd, actions, outcome, tenant_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT ON CONSTRAINT budget_crossings_once DO NOTHING RETURNING id
            """, connection, tx))
        {
            insert.Parameters.Add(new() { Value = crossing.Budget });
            insert.Parameters.Add(new() { Value = crossing.PeriodStart });
            insert.Parameters.Add(new() { Value = crossing.Percent });
            insert.Parameters.Add(new() { Value = crossing.Forecast });
            insert.Parameters.Add(new() { Value = crossing.CrossedAt });
            insert.Parameters.Add(new() { Value = crossing.SpentUsd });
            insert.Parameters.Add(new() { Value = crossing.ForecastUsd });
            insert.Parameters.Add(new() { Value = crossing.Actions.ToArray() });
            insert.Parameters.Add(new() { Value = crossing.Outcome });
            insert.Parameters.Add(PgScope.Tenant(crossing.TenantId));
            if (await insert.ExecuteScalarAsync(cancellationToken) is not long inserted)
            {
                await tx.RollbackAsync(cancellationToken);
                return null;
            }
            id = inserted;
        }

        var disabled = new List<string>();
        if (!jobsToDisable.IsEmpty)
        {
            // Named jobs are the budget's own scope's; "all" is every job of its tenant, or for a global
            // budget every job. Jobs of another scope get the reason that does not show this budget's spend.
            await using var disable = new NpgsqlCommand("""
                WITH stopped AS (
                    UPDATE batch_jobs SET enabled = false, disabled_by = $2,
                        disabled_reason = CASE WHEN tenant_id IS NOT DISTINCT FROM $6 THEN $3 ELSE $7 END, disabled_at = $4, updated_at = $4
                    WHERE enabled AND CASE WHEN $5 THEN ($6::text IS NULL OR tenant_id = $6)
                                           ELSE tenant_id IS NOT DISTINCT FROM $6 AND name = ANY($1) END
                    RETURNING id, tenant_id, name, disabled_reason),
                audit AS (
                    INSERT INTO batch_job_audit (job_id, job, action, by, reason, at) SELECT id, name, 'disable', $2, disabled_reason, $4 FROM stopped)
                SELECT id, tenant_id, name FROM stopped
                """, connection, tx);
            disable.Parameters.Add(new() { Value = jobsToDisable.Names.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            disable.Parameters.Add(new() { Value = BatchJob.BudgetPrefix + crossing.Budget });
            disable.Parameters.Add(new() { Value = disableReason });
            disable.Parameters.Add(new() { Value = crossing.CrossedAt });
            disable.Parameters.Add(new() { Value = jobsToDisable.All });
            disable.Parameters.Add(PgScope.Tenant(jobsToDisable.TenantId));
            disable.Parameters.Add(new() { Value = disableReasonElsewhere });
            await using var r = await disable.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                var job = new BatchJob(r.GetInt64(0), PgScope.ReadTenant(r, 1), r.GetString(2), "", false, null, null, null, default, default);
                disabled.Add(job.NameFrom(crossing.TenantId));
            }
        }
        if (disabled.Count > 0)
        {
            await using var outcome = new NpgsqlCommand("UPDATE budget_crossings SET outcome = outcome || '; disabled ' || $2 WHERE id = $1", connection, tx);
            outcome.Parameters.Add(new() { Value = id });
            outcome.Parameters.Add(new() { Value = string.Join(", ", disabled.Order(StringComparer.Ordinal)) });
            await outcome.ExecuteNonQueryAsync(cancellationToken);
        }

        var notifications = new List<BudgetNotificationRecord>();
        if (channels.Count > 0)
        {
            await using var notify = new NpgsqlCommand("""
                INSERT INTO budget_notifications (crossing_id, channel, status, attempts, created_at)
                SELECT $1, c, 'pending', 0, $3 FROM unnest($2::text[]) WITH ORDINALITY AS t(c, n) ORDER BY n
                RETURNING id, channel, status, attempts, sent_at, error
                """, connection, tx);
            notify.Parameters.Add(new() { Value = id });
            notify.Parameters.Add(new() { Value = channels.ToArray() });
            notify.Parameters.Add(new() { Value = crossing.CrossedAt });
            await using var r = await notify.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) notifications.Add(ReadNotification(r, 0));
        }
        await tx.CommitAsync(cancellationToken);
        return new CrossingRecorded(notifications, disabled);
    });

    public Task CompleteNotificationAsync(long id, DeliveryStatus status, int attempts, DateTimeOffset? sentAt, string? error, CancellationToken cancellationToken) =>
        PgDeliveryStatus.CompleteAsync(dataSource, "budget_notifications", id, status, attempts, sentAt, error, cancellationToken);

    public Task<IReadOnlyList<(ThresholdCrossing Crossing, BudgetNotificationRecord Notification)>> StalePendingNotificationsAsync(DateTimeOffset olderThan, DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<(ThresholdCrossing, BudgetNotificationRecord)>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"""
            WITH claimed AS (
                UPDATE budget_notifications SET created_at = $2
                WHERE id IN (SELECT id FROM budget_notifications WHERE status = 'pending' AND created_at < $1 ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED)
                RETURNING crossing_id, id, channel, status, attempts, sent_at, error)
            SELECT {CrossingColumns}, n.id, n.channel, n.status, n.attempts, n.sent_at, n.error
            FROM claimed n JOIN budget_crossings c ON c.id = n.crossing_id
            """);
        command.Parameters.Add(new() { Value = olderThan });
        command.Parameters.Add(new() { Value = at });
        var result = new List<(ThresholdCrossing, BudgetNotificationRecord)>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken)) result.Add((ReadCrossing(r, 1), ReadNotification(r, 11)));
        return result;
    });

    private static ThresholdCrossing ReadCrossing(NpgsqlDataReader r, int first) => new(
        PgScope.ReadTenant(r, first), r.GetString(first + 1), r.GetFieldValue<DateTimeOffset>(first + 2), r.GetDouble(first + 3), r.GetBoolean(first + 4),
        r.GetFieldValue<DateTimeOffset>(first + 5), r.GetDecimal(first + 6), r.GetDecimal(first + 7), r.GetFieldValue<string[]>(first + 8), r.GetString(first + 9), []);

    private static BudgetNotificationRecord ReadNotification(NpgsqlDataReader r, int first) => new(
        r.GetInt64(first), r.GetString(first + 1),
        r.GetString(first + 2) switch { "pending" => DeliveryStatus.Pending, "sent" => DeliveryStatus.Sent, _ => DeliveryStatus.Failed },
        r.GetInt32(first + 3), r.IsDBNull(first + 4) ? null : r.GetFieldValue<DateTimeOffset>(first + 4), r.IsDBNull(first + 5) ? null : r.GetString(first + 5));

    private static async Task<List<Budget>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var budgets = new List<Budget>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var filters = new MetricFilter();
            foreach (var (name, values) in JsonSerializer.Deserialize<Dictionary<string, string[]>>(r.GetString(3))!)
            {
                if (Dimensions.TryParse(name, out var d)) filters.With(d, values);
            }
            var thresholds = JsonSerializer.Deserialize<ThresholdJson[]>(r.GetString(4), Json)!
                .Select(t => new BudgetThreshold(t.Percent, t.Forecast, [.. t.Actions.Select(a => new BudgetAction(a))]))
                .ToList();
            budgets.Add(new Budget
            {
                Name = r.GetString(0),
                AmountUsd = r.GetDecimal(1),
                Period = r.GetString(2),
                Filters = filters,
                Thresholds = thresholds,
                BatchJobs = r.GetFieldValue<string[]>(5),
                CreatedAt = r.GetFieldValue<DateTimeOffset>(6),
                UpdatedAt = r.GetFieldValue<DateTimeOffset>(7),
                TenantId = PgScope.ReadTenant(r, 8),
                AllBatchJobs = r.GetBoolean(9),
            });
        }
        return budgets;
    }
}
