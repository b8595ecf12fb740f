using Vigil.Core.Alerts;

namespace Vigil.Core.Tests.Fakes;

/// <summary>Alert rules in a list, scoped as the SQL scopes them.</summary>
internal sealed class FakeAlertRuleStore : IAlertRuleStore
{
    public List<AlertRule> Rules { get; } = [];

    public Task<IReadOnlyList<AlertRule>> ListAsync(TenantScope scope, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AlertRule>>([.. Rules.Where(r => scope.Includes(r.TenantId)).OrderBy(r => r.Name, StringComparer.Ordinal)]);

    public Task<AlertRule?> GetAsync(string? tenantId, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Rules.FirstOrDefault(r => r.TenantId == tenantId && r.Name == name));

    public Task<bool> UpsertAsync(AlertRule rule, CancellationToken cancellationToken)
    {
        var created = Rules.RemoveAll(r => r.TenantId == rule.TenantId && r.Name == rule.Name) == 0;
        Rules.Add(rule);
        return Task.FromResult(created);
    }

    public Task<bool> DeleteAsync(string? tenantId, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Rules.RemoveAll(r => r.TenantId == tenantId && r.Name == name) > 0);

    public Task<AlertRule?> SetEnabledAsync(string? tenantId, string name, bool enabled, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var index = Rules.FindIndex(r => r.TenantId == tenantId && r.Name == name);
        if (index < 0) return Task.FromResult<AlertRule?>(null);
        Rules[index] = Rules[index] with { Enabled = enabled, UpdatedAt = at };
        return Task.FromResult<AlertRule?>(Rules[index]);
    }
}
