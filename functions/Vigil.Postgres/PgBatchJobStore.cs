using Npgsql;
using NpgsqlTypes;
using Vigil.Core;
using Vigil.Core.Budgets;

namespace Vigil.Postgres;

/// <summary>
/// Tables batch_jobs, batch_job_audit and batch_runs. A job is (tenant_id, name), and every
/// statement carries the scope, so a tenant's request never reads, starts, completes or changes
/// another tenant's jobs and runs; runs carry their job's tenant.
/// </summary>
public sealed class PgBatchJobStore(NpgsqlDataSource dataSource) : IBatchJobStore
{
    private const string JobColumns =
        "id, tenant_id, name, description, enabled, disabled_reason, disabled_by, disabled_at, created_at, updated_at, expected_every, max_duration";
    private const string RunColumns =
        "run_id, tenant_id, job, started_at, estimated_cost_usd, started_by, completed_at, succeeded, failed, cost_usd, progress_done, progress_total, progress_at";
    private const string InScope = "tenant_id IS NOT DISTINCT FROM $1 AND name = $2";

    public Task<bool> UpsertAsync(string? tenantId, string name, string description, TimeSpan? expectedEvery, TimeSpan? maxDuration, DateTimeOffset at,
        CancellationToken cancellationToken) =>
        PgCall.Run(async () =>
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO batch_jobs (tenant_id, name, description, created_at, updated_at, expected_every, max_duration)
                VALUES ($1, $2, $3, $4, $4, $5, $6)
                ON CONFLICT ON CONSTRAINT batch_jobs_scope_name DO UPDATE SET description = excluded.description, updated_at = excluded.updated_at,
                    expected_every = excluded.expected_every, max_duration = excluded.max_duration
                RETURNING xmax = 0
                """);
            command.Parameters.Add(PgScope.Tenant(tenantId));
            command.Parameters.Add(new() { Value = name });
            command.Parameters.Add(new() { Value = description });
            command.Parameters.Add(new() { Value = at });
            command.Parameters.Add(new() { Value = (object?)expectedEvery ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Interval });
            command.Parameters.Add(new() { Value = (object?)maxDuration ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Interval });
            return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        });

    public Task<BatchJob?> GetAsync(string? tenantId, string name, CancellationToken cancellationToken) =>
        PgCall.Run(async () =>
        {
            await using var command = dataSource.CreateCommand($"SELECT {JobColumns} FROM batch_jobs WHERE {InScope}");
            command.Parameters.Add(PgScope.Tenant(tenantId));
            command.Parameters.Add(new() { Value = name });
            return (await ReadJobsAsync(command, cancellationToken)).FirstOrDefault();
        });

    public Task<IReadOnlyList<BatchJob>> ListAsync(TenantScope scope, CancellationToken cancellationToken) =>
        PgCall.Run<IReadOnlyList<BatchJob>>(async () =>
        {
            await using var command = dataSource.CreateCommand(
                $"SELECT {JobColumns} FROM batch_jobs WHERE {PgScope.Condition("tenant_id", 1)} ORDER BY tenant_id NULLS FIRST, name");
            PgScope.Add(command.Parameters, scope);
            return await ReadJobsAsync(command, cancellationToken);
        });

    public Task<IReadOnlyList<BatchJobAudit>> AuditAsync(long jobId, int limit, CancellationToken cancellationToken) =>
        PgCall.Run<IReadOnlyList<BatchJobAudit>>(async () =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT action, by, reason, at FROM batch_job_audit WHERE job_id = $1 ORDER BY id DESC LIMIT $2");
            command.Parameters.Add(new() { Value = jobId });
            command.Parameters.Add(new() { Value = limit });
            var audit = new List<BatchJobAudit>();
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                audit.Add(new BatchJobAudit(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetFieldValue<DateTimeOffset>(3)));
            }
            return audit;
        });

    public Task<BatchJob?> SetEnabledAsync(string? tenantId, string name, bool enabled, string by, string? reason, DateTimeOffset at,
        CancellationToken cancellationToken) =>
        PgCall.Run(async () =>
        {
            await using var command = dataSource.CreateCommand($"""
                WITH changed AS (
                    UPDATE batch_jobs SET enabled = $3,
                        disabled_by = CASE WHEN $3 THEN NULL ELSE $4 END,
                        disabled_reason = CASE WHEN $3 THEN NULL ELSE $5 END,
                        disabled_at = CASE WHEN $3 THEN NULL ELSE $6 END,
                        updated_at = $6
                    WHERE {InScope} RETURNING {JobColumns}),
                audit AS (
                    INSERT INTO batch_job_audit (job_id, job, action, by, reason, at)
                    SELECT id, name, CASE WHEN $3 THEN 'enable' ELSE 'disable' END, $4, $5, $6 FROM changed)
                SELECT {JobColumns} FROM changed
                """);
            command.Parameters.Add(PgScope.Tenant(tenantId));
            command.Parameters.Add(new() { Value = name });
            command.Parameters.Add(new() { Value = enabled });
            command.Parameters.Add(new() { Value = by });
            command.Parameters.Add(new() { Value = (object?)reason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = at });
            return (await ReadJobsAsync(command, cancellationToken)).FirstOrDefault();
        });

    public Task<BatchRun> StartRunAsync(BatchJob job, decimal? estimatedCostUsd, string? startedBy, DateTimeOffset at,
        CancellationToken cancellationToken) =>
        PgCall.Run(async () =>
        {
            await using var command = dataSource.CreateCommand($"""
                INSERT INTO batch_runs (run_id, job_id, tenant_id, job, started_at, estimated_cost_usd, started_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
                RETURNING {RunColumns}
                """);
            command.Parameters.Add(new() { Value = Guid.CreateVersion7(at).ToString() });
            command.Parameters.Add(new() { Value = job.Id });
            command.Parameters.Add(PgScope.Tenant(job.TenantId));
            command.Parameters.Add(new() { Value = job.Name });
            command.Parameters.Add(new() { Value = at });
            command.Parameters.Add(new() { Value = (object?)estimatedCostUsd ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric });
            command.Parameters.Add(new() { Value = (object?)startedBy ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            return (await ReadRunsAsync(command, cancellationToken)).Single();
        });

    public Task<(RunCompletion Outcome, BatchRun? Run)> CompleteRunAsync(string? tenantId, string job, string runId, long succeeded, long failed, decimal costUsd,
        DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run<(RunCompletion, BatchRun?)>(async () =>
    {
        // The run must be of this job in this scope: a run id of another tenant's job is not found.
        await using var command = dataSource.CreateCommand($"""
            UPDATE batch_runs SET completed_at = $4, succeeded = $5, failed = $6, cost_usd = $7
            WHERE run_id = $3 AND tenant_id IS NOT DISTINCT FROM $1 AND job = $2 AND completed_at IS NULL RETURNING {RunColumns}
            """);
        command.Parameters.Add(PgScope.Tenant(tenantId));
        command.Parameters.Add(new() { Value = job });
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = at });
        command.Parameters.Add(new() { Value = succeeded });
        command.Parameters.Add(new() { Value = failed });
        command.Parameters.Add(new() { Value = costUsd });
        if ((await ReadRunsAsync(command, cancellationToken)).FirstOrDefault() is { } run) return (RunCompletion.Completed, run);
        var found = await FindRunAsync(tenantId, job, runId, cancellationToken);
        return found is null ? (RunCompletion.NotFound, null) : (RunCompletion.AlreadyCompleted, found);
    });

    /// <summary>A run of this job in this scope, whatever its state (why an update of it matched nothing).</summary>
    private async Task<BatchRun?> FindRunAsync(string? tenantId, string job, string runId, CancellationToken cancellationToken)
    {
        await using var existing = dataSource.CreateCommand(
            $"SELECT {RunColumns} FROM batch_runs WHERE run_id = $3 AND tenant_id IS NOT DISTINCT FROM $1 AND job = $2");
        existing.Parameters.Add(PgScope.Tenant(tenantId));
        existing.Parameters.Add(new() { Value = job });
        existing.Parameters.Add(new() { Value = runId });
        return (await ReadRunsAsync(existing, cancellationToken)).FirstOrDefault();
    }

    public Task<IReadOnlyList<BatchRun>> RunsAsync(long jobId, int limit, CancellationToken cancellationToken) =>
        PgCall.Run<IReadOnlyList<BatchRun>>(async () =>
        {
            await using var command = dataSource.CreateCommand(
                $"SELECT {RunColumns} FROM batch_runs WHERE job_id = $1 ORDER BY started_at DESC, run_id DESC LIMIT $2");
            command.Parameters.Add(new() { Value = jobId });
            command.Parameters.Add(new() { Value = limit });
            return await ReadRunsAsync(command, cancellationToken);
        });

    public Task<IReadOnlyList<BatchRun>> CompletedRunsAsync(TenantScope scope, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken) =>
        PgCall.Run<IReadOnlyList<BatchRun>>(async () =>
        {
            await using var command = dataSource.CreateCommand(
                $"SELECT {RunColumns} FROM batch_runs WHERE completed_at >= $4 AND completed_at < $5 AND {PgScope.Condition("tenant_id", 1)}");
            PgScope.Add(command.Parameters, scope);
            command.Parameters.Add(new() { Value = from });
            command.Parameters.Add(new() { Value = to });
            return await ReadRunsAsync(command, cancellationToken);
        });

    public Task<(RunProgressOutcome Outcome, BatchRun? Run)> RecordProgressAsync(string? tenantId, string job, string runId, long done, long total,
        DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run<(RunProgressOutcome, BatchRun?)>(async () =>
    {
        // Scoped like completion: a run id of another tenant's (or another job's) run is not found.
        await using var command = dataSource.CreateCommand($"""
            UPDATE batch_runs SET progress_done = $4, progress_total = $5, progress_at = $6
            WHERE run_id = $3 AND tenant_id IS NOT DISTINCT FROM $1 AND job = $2 AND completed_at IS NULL RETURNING {RunColumns}
            """);
        command.Parameters.Add(PgScope.Tenant(tenantId));
        command.Parameters.Add(new() { Value = job });
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = done });
        command.Parameters.Add(new() { Value = total });
        command.Parameters.Add(new() { Value = at });
        if ((await ReadRunsAsync(command, cancellationToken)).FirstOrDefault() is { } run) return (RunProgressOutcome.Recorded, run);
        var found = await FindRunAsync(tenantId, job, runId, cancellationToken);
        return found is null ? (RunProgressOutcome.NotFound, null) : (RunProgressOutcome.AlreadyCompleted, found);
    });

    public Task<IReadOnlyList<BatchJobHealth>> HealthAsync(TenantScope scope, DateTimeOffset completedFrom, CancellationToken cancellationToken) =>
        PgCall.Run<IReadOnlyList<BatchJobHealth>>(async () =>
        {
            // One statement for every job of the scope; the lateral subqueries use batch_runs_job and batch_runs_running.
            await using var command = dataSource.CreateCommand($"""
                SELECT {string.Join(", ", JobColumns.Split(", ").Select(c => "j." + c))},
                       (SELECT max(r.started_at) FROM batch_runs r WHERE r.job_id = j.id),
                       (SELECT min(r.started_at) FROM batch_runs r WHERE r.job_id = j.id AND r.completed_at IS NULL),
                       c.runs, c.succeeded, c.failed
                FROM batch_jobs j
                CROSS JOIN LATERAL (
                    SELECT count(*) AS runs, coalesce(sum(r.succeeded), 0)::bigint AS succeeded, coalesce(sum(r.failed), 0)::bigint AS failed
                    FROM batch_runs r WHERE r.job_id = j.id AND r.completed_at >= $4) c
                WHERE {PgScope.Condition("j.tenant_id", 1)}
                """);
            PgScope.Add(command.Parameters, scope);
            command.Parameters.Add(new() { Value = completedFrom });
            var health = new List<BatchJobHealth>();
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                health.Add(new BatchJobHealth(ReadJob(r), r.IsDBNull(12) ? null : r.GetFieldValue<DateTimeOffset>(12),
                    r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13), r.GetInt64(14), r.GetInt64(15), r.GetInt64(16)));
            }
            return health;
        });

    public Task<IReadOnlyList<string>> ReenableBudgetDisabledAsync(DateTimeOffset before, DateTimeOffset at, CancellationToken cancellationToken) =>
        PgCall.Run<IReadOnlyList<string>>(async () =>
        {
            // Only jobs a budget stopped; a job an operator disabled stays disabled. RETURNING shows the
            // new row, so the budget that had disabled it is read from the row as it was (the self-join).
            await using var command = dataSource.CreateCommand("""
                WITH reenabled AS (
                    UPDATE batch_jobs j SET enabled = true, disabled_by = NULL, disabled_reason = NULL, disabled_at = NULL, updated_at = $2
                    FROM batch_jobs was
                    WHERE was.id = j.id AND NOT j.enabled AND j.disabled_by LIKE 'budget:%' AND j.disabled_at < $1
                    RETURNING j.id, j.tenant_id, j.name, was.disabled_by),
                audit AS (
                    INSERT INTO batch_job_audit (job_id, job, action, by, reason, at)
                    SELECT id, name, 'enable', 'budget-period',
                           'the budget period starting ' || to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ' began; ' || disabled_by || ' had disabled it', $2
                    FROM reenabled)
                SELECT coalesce(tenant_id || '/', '') || name FROM reenabled
                """);
            command.Parameters.Add(new() { Value = before });
            command.Parameters.Add(new() { Value = at });
            var names = new List<string>();
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken)) names.Add(r.GetString(0));
            return names;
        });

    private static async Task<List<BatchJob>> ReadJobsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var jobs = new List<BatchJob>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken)) jobs.Add(ReadJob(r));
        return jobs;
    }

    /// <summary>A job from the first columns of a row (<see cref="JobColumns"/>).</summary>
    private static BatchJob ReadJob(NpgsqlDataReader r) =>
        new(r.GetInt64(0), PgScope.ReadTenant(r, 1), r.GetString(2), r.GetString(3), r.GetBoolean(4),
            r.IsDBNull(5) ? null : r.GetString(5),
            r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8),
            r.GetFieldValue<DateTimeOffset>(9))
        {
            ExpectedEvery = r.IsDBNull(10) ? null : r.GetFieldValue<TimeSpan>(10),
            MaxDuration = r.IsDBNull(11) ? null : r.GetFieldValue<TimeSpan>(11),
        };

    private static async Task<List<BatchRun>> ReadRunsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var runs = new List<BatchRun>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            runs.Add(new BatchRun(r.GetString(0), PgScope.ReadTenant(r, 1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3),
                r.IsDBNull(4) ? null : r.GetDecimal(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
                r.IsDBNull(7) ? null : r.GetInt64(7), r.IsDBNull(8) ? null : r.GetInt64(8), r.IsDBNull(9) ? null : r.GetDecimal(9))
            {
                Progress = r.IsDBNull(10) ? null : new BatchProgress(r.GetInt64(10), r.GetInt64(11), r.GetFieldValue<DateTimeOffset>(12)),
            });
        }
        return runs;
    }
}
