using Vigil.Core.Budgets;

namespace Vigil.Core.Tests.Fakes;

/// <summary>Batch jobs and runs in lists, scoped as the SQL scopes them.</summary>
internal sealed class FakeBatchJobStore : IBatchJobStore
{
    public List<BatchJob> Jobs { get; } = [];

    public List<BatchRun> Runs { get; } = [];

    public List<(TenantScope Scope, DateTimeOffset From, DateTimeOffset To)> CompletedRunQueries { get; } = [];

    public BatchJob Add(string? tenantId, string name, bool enabled = true, string? disabledBy = null, string? reason = null, DateTimeOffset? disabledAt = null)
    {
        var job = new BatchJob(Jobs.Count + 1, tenantId, name, "", enabled, reason, disabledBy, disabledAt, default, default);
        Jobs.Add(job);
        return job;
    }

    public Task<bool> UpsertAsync(string? tenantId, string name, string description, TimeSpan? expectedEvery, TimeSpan? maxDuration, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        if (Jobs.Any(j => j.TenantId == tenantId && j.Name == name)) return Task.FromResult(false);
        Add(tenantId, name);
        return Task.FromResult(true);
    }

    public Task<BatchJob?> GetAsync(string? tenantId, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Jobs.FirstOrDefault(j => j.TenantId == tenantId && j.Name == name));

    public Task<IReadOnlyList<BatchJob>> ListAsync(TenantScope scope, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<BatchJob>>([.. Jobs.Where(j => scope.Includes(j.TenantId))]);

    public Task<IReadOnlyList<BatchJobAudit>> AuditAsync(long jobId, int limit, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<BatchJobAudit>>([]);

    public Task<BatchJob?> SetEnabledAsync(string? tenantId, string name, bool enabled, string by, string? reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var index = Jobs.FindIndex(j => j.TenantId == tenantId && j.Name == name);
        if (index < 0) return Task.FromResult<BatchJob?>(null);
        Jobs[index] = Jobs[index] with { Enabled = enabled, DisabledBy = enabled ? null : by, DisabledReason = enabled ? null : reason, DisabledAt = enabled ? null : at };
        return Task.FromResult<BatchJob?>(Jobs[index]);
    }

    public Task<BatchRun> StartRunAsync(BatchJob job, decimal? estimatedCostUsd, string? startedBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var run = new BatchRun($"run-{Runs.Count + 1}", job.TenantId, job.Name, at, estimatedCostUsd, startedBy, null, null, null, null);
        Runs.Add(run);
        return Task.FromResult(run);
    }

    public Task<(RunCompletion Outcome, BatchRun? Run)> CompleteRunAsync(string? tenantId, string job, string runId, long succeeded, long failed, decimal costUsd,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        var index = Runs.FindIndex(r => r.TenantId == tenantId && r.Job == job && r.RunId == runId);
        if (index < 0) return Task.FromResult<(RunCompletion, BatchRun?)>((RunCompletion.NotFound, null));
        Runs[index] = Runs[index] with { CompletedAt = at, Succeeded = succeeded, Failed = failed, ReportedCostUsd = costUsd };
        return Task.FromResult<(RunCompletion, BatchRun?)>((RunCompletion.Completed, Runs[index]));
    }

    public Task<(RunProgressOutcome Outcome, BatchRun? Run)> RecordProgressAsync(string? tenantId, string job, string runId, long done, long total,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        var index = Runs.FindIndex(r => r.TenantId == tenantId && r.Job == job && r.RunId == runId);
        if (index < 0) return Task.FromResult<(RunProgressOutcome, BatchRun?)>((RunProgressOutcome.NotFound, null));
        if (Runs[index].Completed) return Task.FromResult<(RunProgressOutcome, BatchRun?)>((RunProgressOutcome.AlreadyCompleted, Runs[index]));
        Runs[index] = Runs[index] with { Progress = new BatchProgress(done, total, at) };
        return Task.FromResult<(RunProgressOutcome, BatchRun?)>((RunProgressOutcome.Recorded, Runs[index]));
    }

    /// <summary>What the batch-run rule metrics read; these tests' rules never use them.</summary>
    public List<BatchJobHealth> Health { get; } = [];

    public Task<IReadOnlyList<BatchJobHealth>> HealthAsync(TenantScope scope, DateTimeOffset completedFrom, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<BatchJobHealth>>([.. Health]);

    public Task<IReadOnlyList<BatchRun>> RunsAsync(long jobId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<BatchRun>>([.. Runs.Where(r => Jobs.Any(j => j.Id == jobId && j.Name == r.Job && j.TenantId == r.TenantId)).Take(limit)]);

    public Task<IReadOnlyList<BatchRun>> CompletedRunsAsync(TenantScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        CompletedRunQueries.Add((scope, from, to));
        return Task.FromResult<IReadOnlyList<BatchRun>>([.. Runs.Where(r => r.CompletedAt is { } at && from <= at && at < to && scope.Includes(r.TenantId))]);
    }

    public Task<IReadOnlyList<string>> ReenableBudgetDisabledAsync(DateTimeOffset before, DateTimeOffset at, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}
