using Vigil.Core.Metrics;

namespace Vigil.Core.Budgets;

/// <summary>What a crossed threshold does.</summary>
public sealed record BudgetAction(string Text)
{
    public const string Page = "page";
    public const string DisableBatchJobs = "disable_batch_jobs";
    public const string NotifyPrefix = "notify:";

    /// <summary>The channel of a <c>notify:&lt;channel&gt;</c> action, or null.</summary>
    public string? NotifyChannel => Text.StartsWith(NotifyPrefix, StringComparison.Ordinal) ? Text[NotifyPrefix.Length..] : null;

    public bool Pages => Text == Page;

    public bool DisablesBatchJobs => Text == DisableBatchJobs;

    public static bool TryParse(string? text, out BudgetAction action, out string error)
    {
        action = new BudgetAction(text ?? "");
        error = "";
        if (text is Page or DisableBatchJobs) return true;
        if (text is not null && text.StartsWith(NotifyPrefix, StringComparison.Ordinal) && Alerts.Channels.All.Contains(text[NotifyPrefix.Length..])) return true;
        error = $"unknown action '{text}'; use notify:<{string.Join("|", Alerts.Channels.All)}>, page or disable_batch_jobs.";
        return false;
    }
}

/// <summary>A threshold: a percentage of the amount, of money spent or (forecast) expected by period end.</summary>
public sealed record BudgetThreshold(double Percent, bool Forecast, IReadOnlyList<BudgetAction> Actions)
{
    public string Key => $"{(Forecast ? "forecast:" : "")}{Percent:0.###}";
}

/// <summary>A spend limit over calendar months (UTC), global or one tenant's.</summary>
public sealed record Budget
{
    public const string Monthly = "monthly";

    /// <summary>The tenant whose budget this is (its spend counts only that tenant's events and runs); null for a global budget.</summary>
    public string? TenantId { get; init; }

    /// <summary>Unique within its scope (the global one, or its tenant's).</summary>
    public required string Name { get; init; }
    public required decimal AmountUsd { get; init; }
    public string Period { get; init; } = Monthly;

    /// <summary>
    /// The batch_job value of events of no batch job, as the rollups key them: a batch_job filter of
    /// exactly this value is the <c>"interactive": true</c> filter (<see cref="InteractiveOnly"/>).
    /// </summary>
    public const string NoBatchJob = "";

    /// <summary>tenant_id, bot, model and batch_job filters on the events whose cost counts.</summary>
    public MetricFilter Filters { get; init; } = new();

    /// <summary>
    /// Interactive traffic only: events without a batch_job, and no run's reported cost (every run
    /// has a job) — the runbook's 30% beside a batch budget naming the jobs.
    /// </summary>
    public bool InteractiveOnly => Filters.Get(Dimension.BatchJob) is [NoBatchJob];
    public required IReadOnlyList<BudgetThreshold> Thresholds { get; init; }

    /// <summary>
    /// The jobs disable_batch_jobs acts on, by name in the budget's own scope (a global budget names
    /// global jobs, a tenant's budget its tenant's jobs). Empty, and <see cref="AllBatchJobs"/>
    /// false: it stops none.
    /// </summary>
    public IReadOnlyList<string> BatchJobs { get; init; } = [];

    /// <summary>
    /// <c>"batch_jobs": "all"</c>, said explicitly: every job of the budget's tenant, or for a global
    /// budget every job of every tenant (the deployment's kill switch).
    /// </summary>
    public bool AllBatchJobs { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Whether this budget stops batch jobs at some threshold.</summary>
    public bool Enforces => Thresholds.Any(t => t.Actions.Any(a => a.DisablesBatchJobs));

    /// <summary>Whether this budget's disable_batch_jobs (and its run gate) applies to <paramref name="job"/>.</summary>
    public bool Covers(BatchJob job) => TenantId is null
        ? AllBatchJobs || (job.TenantId is null && BatchJobs.Contains(job.Name))
        : job.TenantId == TenantId && (AllBatchJobs || BatchJobs.Contains(job.Name));

    /// <summary>Whether disable_batch_jobs would stop nothing: no job named and not "all".</summary>
    public bool DisablesNothing => Enforces && !AllBatchJobs && BatchJobs.Count == 0;

    /// <summary>
    /// The events whose cost counts: the budget's filters, and for a tenant's budget that tenant only
    /// (the rollup query puts it in its WHERE clause).
    /// </summary>
    public MetricFilter EventFilter()
    {
        var filter = new MetricFilter();
        foreach (var (dimension, values) in Filters.Values) filter.With(dimension, values);
        if (TenantId is not null) filter.With(Dimension.TenantId, TenantId);
        return filter;
    }

    /// <summary>
    /// A run's reported cost counts when the run is in the budget's reach (a tenant's budget: its
    /// tenant's runs), the budget is not narrowed to bots or models (a run has neither), a tenant_id
    /// filter names the run's tenant, and a batch_job filter names the run's job.
    /// </summary>
    public bool CountsRunCost(BatchRun run) =>
        (TenantId is null || run.TenantId == TenantId)
        && Filters.Get(Dimension.Bot) is null && Filters.Get(Dimension.Model) is null
        && (Filters.Get(Dimension.TenantId) is not { } tenants || (run.TenantId is { } t && tenants.Contains(t)))
        && (Filters.Get(Dimension.BatchJob) is not { } jobs || jobs.Contains(run.Job));

    /// <summary>The runbook's thresholds: 50% e-mail, 75% Slack, 90% page, 100% stop batch jobs.</summary>
    public static IReadOnlyList<BudgetThreshold> RunbookThresholds { get; } =
    [
        new(50, false, [new BudgetAction("notify:email")]),
        new(75, false, [new BudgetAction("notify:slack")]),
        new(90, false, [new BudgetAction(BudgetAction.Page)]),
        new(100, false, [new BudgetAction(BudgetAction.DisableBatchJobs)]),
    ];
}

/// <summary>Calendar months in UTC.</summary>
public static class BudgetPeriods
{
    public static DateTimeOffset Start(DateTimeOffset now) => new(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset End(DateTimeOffset now) => Start(now).AddMonths(1);

    /// <summary>Spent so far extended linearly to the end of the period (elapsed time counted as at least an hour).</summary>
    public static decimal Forecast(decimal spent, DateTimeOffset now)
    {
        var start = Start(now);
        var elapsed = Math.Max((now - start).TotalSeconds, 3600);
        var length = (End(now) - start).TotalSeconds;
        return decimal.Round(spent * (decimal)(length / elapsed), 6);
    }
}

/// <summary>A threshold that was crossed in a period (recorded once per period and budget scope).</summary>
public sealed record ThresholdCrossing(string? TenantId, string Budget, DateTimeOffset PeriodStart, double Percent, bool Forecast, DateTimeOffset CrossedAt,
    decimal SpentUsd, decimal ForecastUsd, IReadOnlyList<string> Actions, string Outcome, IReadOnlyList<BudgetNotificationRecord> Notifications);

public sealed record BudgetNotificationRecord(long Id, string Channel, Alerts.DeliveryStatus Status, int Attempts, DateTimeOffset? SentAt, string? Error);

/// <summary>The contract's view of a budget now; <paramref name="Warnings"/> say what it will not do that it may look as if it does.</summary>
public sealed record BudgetStatus(Budget Budget, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, decimal SpentUsd, double Percent, decimal ForecastUsd,
    IReadOnlyList<ThresholdCrossing> Crossed, IReadOnlyList<string> Warnings);
