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

/// <summary>A spend limit over calendar months (UTC).</summary>
public sealed record Budget
{
    public const string Monthly = "monthly";

    public required string Name { get; init; }
    public required decimal AmountUsd { get; init; }
    public string Period { get; init; } = Monthly;

    /// <summary>tenant_id, bot, model and batch_job filters on the events whose cost counts.</summary>
    public MetricFilter Filters { get; init; } = new();
    public required IReadOnlyList<BudgetThreshold> Thresholds { get; init; }

    /// <summary>The jobs disable_batch_jobs acts on; null means every registered job.</summary>
    public IReadOnlyList<string>? BatchJobs { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Whether this budget stops batch jobs at some threshold.</summary>
    public bool Enforces => Thresholds.Any(t => t.Actions.Any(a => a.DisablesBatchJobs));

    public bool Covers(string job) => BatchJobs is null || BatchJobs.Contains(job);

    /// <summary>
    /// A run's own reported cost counts when the budget is not narrowed to tenants, bots or models
    /// (a run has none of those) and its batch_job filter, if any, names the run's job.
    /// </summary>
    public bool CountsRunCost(string job) =>
        Filters.Get(Dimension.TenantId) is null && Filters.Get(Dimension.Bot) is null && Filters.Get(Dimension.Model) is null
        && (Filters.Get(Dimension.BatchJob) is not { } jobs || jobs.Contains(job));

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

/// <summary>A threshold that was crossed in a period (recorded once per period).</summary>
public sealed record ThresholdCrossing(string Budget, DateTimeOffset PeriodStart, double Percent, bool Forecast, DateTimeOffset CrossedAt,
    decimal SpentUsd, decimal ForecastUsd, IReadOnlyList<string> Actions, string Outcome, IReadOnlyList<BudgetNotificationRecord> Notifications);

public sealed record BudgetNotificationRecord(long Id, string Channel, Alerts.DeliveryStatus Status, int Attempts, DateTimeOffset? SentAt, string? Error);

/// <summary>The contract's view of a budget now.</summary>
public sealed record BudgetStatus(Budget Budget, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, decimal SpentUsd, double Percent, decimal ForecastUsd, IReadOnlyList<ThresholdCrossing> Crossed);
