namespace Vigil.Core.Budgets;

/// <summary>A registered batch job and whether it may run; global (<see cref="TenantId"/> null) or one tenant's.</summary>
/// <param name="Id">The store's key; names are unique only within a scope.</param>
public sealed record BatchJob(long Id, string? TenantId, string Name, string Description, bool Enabled, string? DisabledReason, string? DisabledBy,
    DateTimeOffset? DisabledAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public const string BudgetPrefix = "budget:";

    /// <summary>How often a run is expected to start (batch_run_overdue); null: no expectation.</summary>
    public TimeSpan? ExpectedEvery { get; init; }

    /// <summary>How long a run may take before it is overdue (batch_run_overdue); null: no bound.</summary>
    public TimeSpan? MaxDuration { get; init; }

    /// <summary>The budget that disabled the job, if a budget did.</summary>
    public string? DisablingBudget => DisabledBy?.StartsWith(BudgetPrefix, StringComparison.Ordinal) == true ? DisabledBy[BudgetPrefix.Length..] : null;

    /// <summary>The job's name as seen from <paramref name="scope"/>: bare in its own scope, "tenant/name" from elsewhere.</summary>
    public string NameFrom(string? scope) => TenantId == scope ? Name : $"{TenantId ?? "global"}/{Name}";
}

public sealed record BatchJobAudit(string Action, string By, string? Reason, DateTimeOffset At);

/// <summary>
/// The jobs a crossed disable_batch_jobs threshold stops: the named jobs of one scope, every job of
/// a tenant, or (a global budget's explicit "all") every job of every tenant.
/// </summary>
public sealed record BatchJobSelection(string? TenantId, bool All, IReadOnlyList<string> Names)
{
    public static BatchJobSelection None { get; } = new(null, false, []);

    public bool IsEmpty => !All && Names.Count == 0;

    public static BatchJobSelection Of(Budget budget) => new(budget.TenantId, budget.AllBatchJobs, budget.BatchJobs);
}
