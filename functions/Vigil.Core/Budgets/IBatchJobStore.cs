namespace Vigil.Core.Budgets;

/// <summary>
/// Batch jobs, their audit and their runs. A job is addressed by (tenant, name): null is the
/// global scope. Every method puts the scope in its SQL, so a tenant's call never reads or changes
/// another tenant's jobs or runs.
/// </summary>
public interface IBatchJobStore
{
    /// <summary>
    /// Creates or replaces the job <paramref name="name"/> of <paramref name="tenantId"/>'s scope (its
    /// description and expectations; null clears one); true when created.
    /// </summary>
    Task<bool> UpsertAsync(string? tenantId, string name, string description, TimeSpan? expectedEvery, TimeSpan? maxDuration, DateTimeOffset at,
        CancellationToken cancellationToken);

    Task<BatchJob?> GetAsync(string? tenantId, string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<BatchJob>> ListAsync(TenantScope scope, CancellationToken cancellationToken);

    Task<IReadOnlyList<BatchJobAudit>> AuditAsync(long jobId, int limit, CancellationToken cancellationToken);

    /// <summary>Operator enable/disable, audited; returns the job, or null when the scope has no such job.</summary>
    Task<BatchJob?> SetEnabledAsync(string? tenantId, string name, bool enabled, string by, string? reason, DateTimeOffset at, CancellationToken cancellationToken);

    Task<BatchRun> StartRunAsync(BatchJob job, decimal? estimatedCostUsd, string? startedBy, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Completes a run of the job (<paramref name="tenantId"/>, <paramref name="job"/>); NotFound for a run of any other job.</summary>
    Task<(RunCompletion Outcome, BatchRun? Run)> CompleteRunAsync(string? tenantId, string job, string runId, long succeeded, long failed, decimal costUsd,
        DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records the latest progress of a running run of the job; NotFound for a run of any other job or scope.</summary>
    Task<(RunProgressOutcome Outcome, BatchRun? Run)> RecordProgressAsync(string? tenantId, string job, string runId, long done, long total,
        DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Every job of the scope with what the batch-run rule metrics need; runs completed from <paramref name="completedFrom"/> on.</summary>
    Task<IReadOnlyList<BatchJobHealth>> HealthAsync(TenantScope scope, DateTimeOffset completedFrom, CancellationToken cancellationToken);

    Task<IReadOnlyList<BatchRun>> RunsAsync(long jobId, int limit, CancellationToken cancellationToken);

    /// <summary>Runs of the scope's jobs completed in [from, to), with their reported costs.</summary>
    Task<IReadOnlyList<BatchRun>> CompletedRunsAsync(TenantScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Jobs a budget disabled before <paramref name="before"/> are enabled again (audited); returns their names.</summary>
    Task<IReadOnlyList<string>> ReenableBudgetDisabledAsync(DateTimeOffset before, DateTimeOffset at, CancellationToken cancellationToken);
}
