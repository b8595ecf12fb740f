using Vigil.Core.Alerts;
using Vigil.Core.Budgets;

namespace Vigil.Core.Tests.Fakes;

/// <summary>Budgets and their crossings in lists; a crossing is recorded once per (budget, threshold).</summary>
internal sealed class FakeBudgetStore : IBudgetStore
{
    public List<Budget> Budgets { get; } = [];

    public List<ThresholdCrossing> Crossings { get; } = [];

    public Task<IReadOnlyList<Budget>> ListAsync(TenantScope scope, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Budget>>([.. Budgets.Where(b => scope.Includes(b.TenantId))]);

    public Task<Budget?> GetAsync(string? tenantId, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Budgets.FirstOrDefault(b => b.TenantId == tenantId && b.Name == name));

    public Task<bool> UpsertAsync(Budget budget, CancellationToken cancellationToken)
    {
        var created = Budgets.RemoveAll(b => b.TenantId == budget.TenantId && b.Name == budget.Name) == 0;
        Budgets.Add(budget);
        return Task.FromResult(created);
    }

    public Task<bool> DeleteAsync(string? tenantId, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Budgets.RemoveAll(b => b.TenantId == tenantId && b.Name == name) > 0);

    public Task<IReadOnlyList<ThresholdCrossing>> CrossingsAsync(string? tenantId, string budget, DateTimeOffset periodStart, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ThresholdCrossing>>([.. Crossings.Where(c => c.TenantId == tenantId && c.Budget == budget && c.PeriodStart == periodStart)]);

    public Task<CrossingRecorded?> RecordCrossingAsync(ThresholdCrossing crossing, IReadOnlyList<string> channels, BatchJobSelection jobsToDisable,
        string disableReason, string disableReasonElsewhere, CancellationToken cancellationToken)
    {
        if (Crossings.Any(c => c.TenantId == crossing.TenantId && c.Budget == crossing.Budget && c.PeriodStart == crossing.PeriodStart
                               && c.Percent == crossing.Percent && c.Forecast == crossing.Forecast))
        {
            return Task.FromResult<CrossingRecorded?>(null);
        }
        var notifications = channels.Select((c, i) => new BudgetNotificationRecord(Crossings.Count * 100 + i + 1, c, DeliveryStatus.Pending, 0, null, null)).ToList();
        Crossings.Add(crossing with { Notifications = notifications });
        return Task.FromResult<CrossingRecorded?>(new CrossingRecorded(notifications, []));
    }

    public Task CompleteNotificationAsync(long id, DeliveryStatus status, int attempts, DateTimeOffset? sentAt, string? error, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public Task<IReadOnlyList<(ThresholdCrossing Crossing, BudgetNotificationRecord Notification)>> StalePendingNotificationsAsync(DateTimeOffset olderThan, DateTimeOffset at,
        CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<(ThresholdCrossing, BudgetNotificationRecord)>>([]);
}
