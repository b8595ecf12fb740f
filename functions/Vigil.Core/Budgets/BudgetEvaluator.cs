using System.Globalization;
using Microsoft.Extensions.Logging;
using Vigil.Core.Alerts;
using Vigil.Core.Jobs;
using Vigil.Core.Notifications;

namespace Vigil.Core.Budgets;

/// <summary>
/// Timer function <c>EvaluateBudgets</c> (every 5 minutes): re-enables jobs a budget stopped in an
/// earlier period, then for each budget and threshold crossed this period records the crossing once
/// (database-enforced), acts on it in the same transaction, and notifies.
/// </summary>
public sealed partial class BudgetEvaluator(
    IBudgetStore budgets,
    IBatchJobStore jobs,
    BudgetService service,
    INotificationSender sender,
    TimeProvider time,
    ILogger<BudgetEvaluator> logger) : ITimerJob
{
    public string Name => TimerJobNames.EvaluateBudgets;
    public string ScheduleSetting => "BudgetSchedule";
    public string DefaultSchedule => "0 */5 * * * *";

    public async Task<JobResult> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var periodStart = BudgetPeriods.Start(now);
        var reenabled = await jobs.ReenableBudgetDisabledAsync(periodStart, now, cancellationToken);
        foreach (var job in reenabled) LogReenabled(logger, job, periodStart.ToString("yyyy-MM", CultureInfo.InvariantCulture));

        var all = await budgets.ListAsync(TenantScope.All, cancellationToken);
        var crossed = 0;
        var disabled = 0;
        foreach (var budget in all)
        {
            var spent = await service.SpentAsync(budget, now, cancellationToken);
            var forecast = BudgetPeriods.Forecast(spent, now);
            foreach (var threshold in budget.Thresholds.OrderBy(t => t.Forecast).ThenBy(t => t.Percent))
            {
                var measured = threshold.Forecast ? forecast : spent;
                if (measured < budget.AmountUsd * (decimal)threshold.Percent / 100m) continue;

                var channels = threshold.Actions.Select(a => a.NotifyChannel).OfType<string>()
                    .Concat(threshold.Actions.Any(a => a.Pages) ? [Channels.PagerDuty, Channels.Opsgenie] : [])
                    .Distinct().ToList();
                // Only the jobs the budget names (in its own scope), or all of them when it says "all".
                var toDisable = threshold.Actions.Any(a => a.DisablesBatchJobs) ? BatchJobSelection.Of(budget) : BatchJobSelection.None;
                var until = $"disabled until the next budget period ({BudgetPeriods.End(now):yyyy-MM-dd}) or an operator enables it.";
                var reason = $"Budget '{budget.Name}' reached {BudgetService.Percent(spent, budget.AmountUsd):0.#}% (${spent:N2} of ${budget.AmountUsd:N2}) on {now:yyyy-MM-dd HH:mm} UTC; {until}";
                // Another tenant's job learns that a deployment-wide limit was reached, never that budget's spend.
                var reasonElsewhere = $"The deployment-wide budget '{budget.Name}' reached its {threshold.Percent:0.#}% threshold on {now:yyyy-MM-dd HH:mm} UTC; {until}";
                var outcome = string.Join("; ", threshold.Actions.Select(a => a.Text));
                if (threshold.Actions.Any(a => a.DisablesBatchJobs) && toDisable.IsEmpty) outcome += " (no batch job named: none stopped)";
                var crossing = new ThresholdCrossing(budget.TenantId, budget.Name, periodStart, threshold.Percent, threshold.Forecast, now, spent, forecast,
                    [.. threshold.Actions.Select(a => a.Text)], outcome, []);
                var recorded = await budgets.RecordCrossingAsync(crossing, channels, toDisable, reason, reasonElsewhere, cancellationToken);
                if (recorded is null) continue;

                crossed++;
                disabled += recorded.DisabledJobs.Count;
                var done = recorded.DisabledJobs.Count > 0 ? $"{outcome}; disabled {string.Join(", ", recorded.DisabledJobs)}" : outcome;
                LogCrossed(logger, budget.Name, threshold.Key, spent, budget.AmountUsd, done);
                var message = new BudgetMessage(crossing with { Outcome = done }, budget.AmountUsd, BudgetPeriods.End(now), recorded.DisabledJobs);
                await DeliverAsync(message, recorded.Notifications, cancellationToken);
            }
        }

        var retried = 0;
        var stalePending = await budgets.StalePendingNotificationsAsync(now - TimeSpan.FromMinutes(5), now, cancellationToken);
        foreach (var stale in stalePending.GroupBy(s => (s.Crossing.TenantId, s.Crossing.Budget, s.Crossing.Percent, s.Crossing.Forecast)))
        {
            var crossing = stale.First().Crossing;
            var budget = all.FirstOrDefault(b => b.TenantId == crossing.TenantId && b.Name == crossing.Budget);
            await DeliverAsync(new BudgetMessage(crossing, budget?.AmountUsd ?? 0, BudgetPeriods.End(crossing.PeriodStart), []), [.. stale.Select(s => s.Notification)], cancellationToken);
            retried += stale.Count();
        }

        return new JobResult($"{all.Count} budgets: {crossed} thresholds crossed, {disabled} batch jobs disabled, {reenabled.Count} re-enabled for the new period, {retried} notifications retried",
            new Dictionary<string, long> { ["budgets"] = all.Count, ["crossed"] = crossed, ["disabled"] = disabled, ["reenabled"] = reenabled.Count, ["retried"] = retried });
    }

    private async Task DeliverAsync(BudgetMessage message, IReadOnlyList<BudgetNotificationRecord> records, CancellationToken cancellationToken)
    {
        await Task.WhenAll(records.Select(async record =>
        {
            var result = await sender.SendAsync(record.Channel, BudgetNotification.Build(message), cancellationToken);
            await budgets.CompleteNotificationAsync(record.Id, result.Status, result.Attempts, result.Status == DeliveryStatus.Sent ? time.GetUtcNow() : null, result.Error, cancellationToken);
        }));
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Budget {Budget} crossed {Threshold}% (${Spent} of ${Amount}): {Outcome}")]
    private static partial void LogCrossed(ILogger logger, string budget, string threshold, decimal spent, decimal amount, string outcome);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Batch job {Job} re-enabled: budget period {Period} has started")]
    private static partial void LogReenabled(ILogger logger, string job, string period);
}
