using Npgsql;
using NpgsqlTypes;
using Vigil.Core.Budgets;

namespace Vigil.Postgres;

/// <summary>Tables batch_jobs, batch_job_audit and batch_runs.</summary>
public sealed class PgBatchJobStore(NpgsqlDataSource dataSource) : IBatchJobStore
{
    private const string JobColumns = "name, description, enabled, disabled_reason, disabled_by, disabled_at, created_at, updated_at";
    private const string RunColumns = "run_id, job, started_at, estimated_cost_usd, started_by, completed_at, succeeded, failed, cost_usd";

    public Task<bool> UpsertAsync(string name, string description, DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO batch_jobs (name, description, created_at, updated_at) VALUES ($1, $2, $3, $3)
            ON CONFLICT (name) DO UPDATE SET description = excluded.description, updated_at = excluded.updated_at
            RETURNING xmax = 0
            """);
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = description });
        command.Parameters.Add(new() { Value = at });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    });

    public Task<BatchJob?> GetAsync(string name, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {JobColumns} FROM batch_jobs WHERE name = $1");
        command.Parameters.Add(new() { Value = name });
        return (await ReadJobsAsync(command, cancellationToken)).FirstOrDefault();
    });

    public Task<IReadOnlyList<BatchJob>> ListAsync(CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<BatchJob>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {JobColumns} FROM batch_jobs ORDER BY name");
        return await ReadJobsAsync(command, cancellationToken);
    });

    public Task<IReadOnlyList<BatchJobAudit>> AuditAsync(string name, int limit, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<BatchJobAudit>>(async () =>
    {
        await using var command = dataSource.CreateCommand("SELECT action, by, reason, at FROM batch_job_audit WHERE job = $1 ORDER BY id DESC LIMIT $2");
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = limit });
        var audit = new List<BatchJobAudit>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken)) audit.Add(new BatchJobAudit(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetFieldValue<DateTimeOffset>(3)));
        return audit;
    });

    public Task<BatchJob?> SetEnabledAsync(string name, bool enabled, string by, string? reason, DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using var update = new NpgsqlCommand($"""
            UPDATE batch_jobs SET enabled = $2,
                disabled_by = CASE WHEN $2 THEN NULL ELSE $3 END,
                disabled_reason = CASE WHEN $2 THEN NULL ELSE $4 END,
                disabled_at = CASE WHEN $2 THEN NULL ELSE $5 END,
                updated_at = $5
            WHERE name = $1 RETURNING {JobColumns}
            """, connection, tx);
        update.Parameters.Add(new() { Value = name });
        update.Parameters.Add(new() { Value = enabled });
        update.Parameters.Add(new() { Value = by });
        update.Parameters.Add(new() { Value = (object?)reason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        update.Parameters.Add(new() { Value = at });
        var job = (await ReadJobsAsync(update, cancellationToken)).FirstOrDefault();
        if (job is not null)
        {
            await using var audit = new NpgsqlCommand("INSERT INTO batch_job_audit (job, action, by, reason, at) VALUES ($1, $2, $3, $4, $5)", connection, tx);
            audit.Parameters.Add(new() { Value = name });
            audit.Parameters.Add(new() { Value = enabled ? "enable" : "disable" });
            audit.Parameters.Add(new() { Value = by });
            audit.Parameters.Add(new() { Value = (object?)reason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            audit.Parameters.Add(new() { Value = at });
            await audit.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        return job;
    });

    public Task<BatchRun> StartRunAsync(string job, decimal? estimatedCostUsd, string? startedBy, DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand($"INSERT INTO batch_runs (run_id, job, started_at, estimated_cost_usd, started_by) VALUES ($1, $2, $3, $4, $5) RETURNING {RunColumns}");
        command.Parameters.Add(new() { Value = Guid.CreateVersion7(at).ToString() });
        command.Parameters.Add(new() { Value = job });
        command.Parameters.Add(new() { Value = at });
        command.Parameters.Add(new() { Value = (object?)estimatedCostUsd ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric });
        command.Parameters.Add(new() { Value = (object?)startedBy ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return (await ReadRunsAsync(command, cancellationToken)).Single();
    });

    public Task<(RunCompletion Outcome, BatchRun? Run)> CompleteRunAsync(string job, string runId, long succeeded, long failed, decimal costUsd, DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run<(RunCompletion, BatchRun?)>(async () =>
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE batch_runs SET completed_at = $3, succeeded = $4, failed = $5, cost_usd = $6
            WHERE run_id = $1 AND job = $2 AND completed_at IS NULL RETURNING {RunColumns}
            """);
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = job });
        command.Parameters.Add(new() { Value = at });
        command.Parameters.Add(new() { Value = succeeded });
        command.Parameters.Add(new() { Value = failed });
        command.Parameters.Add(new() { Value = costUsd });
        if ((await ReadRunsAsync(command, cancellationToken)).FirstOrDefault() is { } run) return (RunCompletion.Completed, run);
        await using var existing = dataSource.CreateCommand($"SELECT {RunColumns} FROM batch_runs WHERE run_id = $1 AND job = $2");
        existing.Parameters.Add(new() { Value = runId });
        existing.Parameters.Add(new() { Value = job });
        var found = (await ReadRunsAsync(existing, cancellationToken)).FirstOrDefault();
        return found is null ? (RunCompletion.NotFound, null) : (RunCompletion.AlreadyCompleted, found);
    });

    public Task<IReadOnlyList<BatchRun>> RunsAsync(string job, int limit, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<BatchRun>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {RunColumns} FROM batch_runs WHERE job = $1 ORDER BY started_at DESC, run_id DESC LIMIT $2");
        command.Parameters.Add(new() { Value = job });
        command.Parameters.Add(new() { Value = limit });
        return await ReadRunsAsync(command, cancellationToken);
    });

    public Task<IReadOnlyList<BatchRun>> CompletedRunsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<BatchRun>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {RunColumns} FROM batch_runs WHERE completed_at >= $1 AND completed_at < $2");
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        return await ReadRunsAsync(command, cancellationToken);
    });

    public Task<IReadOnlyList<string>> ReenableBudgetDisabledAsync(DateTimeOffset before, DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<string>>(async () =>
    {
        // Only jobs a budget stopped; a job an operator disabled stays disabled.
        await using var command = dataSource.CreateCommand("""
            WITH reenabled AS (
                UPDATE batch_jobs SET enabled = true, disabled_by = NULL, disabled_reason = NULL, disabled_at = NULL, updated_at = $2
                WHERE NOT enabled AND disabled_by LIKE 'budget:%' AND disabled_at < $1
                RETURNING name, disabled_by)
            INSERT INTO batch_job_audit (job, action, by, reason, at)
            SELECT name, 'enable', 'budget-period', 'the budget period starting ' || to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ' began; ' || disabled_by || ' had disabled it', $2
            FROM reenabled
            RETURNING job
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
        while (await r.ReadAsync(cancellationToken))
        {
            jobs.Add(new BatchJob(r.GetString(0), r.GetString(1), r.GetBoolean(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6), r.GetFieldValue<DateTimeOffset>(7)));
        }
        return jobs;
    }

    private static async Task<List<BatchRun>> ReadRunsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var runs = new List<BatchRun>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            runs.Add(new BatchRun(r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.IsDBNull(3) ? null : r.GetDecimal(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5),
                r.IsDBNull(6) ? null : r.GetInt64(6), r.IsDBNull(7) ? null : r.GetInt64(7), r.IsDBNull(8) ? null : r.GetDecimal(8)));
        }
        return runs;
    }
}
