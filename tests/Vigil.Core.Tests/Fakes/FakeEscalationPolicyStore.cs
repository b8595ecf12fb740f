using Vigil.Core.Alerts;

namespace Vigil.Core.Tests.Fakes;

internal sealed class FakeEscalationPolicyStore : IEscalationPolicyStore
{
    public List<EscalationPolicy> Policies { get; } = [];

    public List<EscalationPolicy> Synced { get; } = [];

    public Task<IReadOnlyList<EscalationPolicy>> ListAsync(TenantScope scope, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EscalationPolicy>>([.. Policies.Where(p => scope.Includes(p.TenantId))]);

    public Task<EscalationPolicy?> GetAsync(string? tenantId, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Policies.FirstOrDefault(p => p.TenantId == tenantId && p.Name == name));

    public Task<bool> UpsertAsync(EscalationPolicy policy, CancellationToken cancellationToken)
    {
        var created = Policies.RemoveAll(p => p.TenantId == policy.TenantId && p.Name == policy.Name) == 0;
        Policies.Add(policy);
        return Task.FromResult(created);
    }

    public Task SyncManagedDefaultAsync(EscalationPolicy policy, CancellationToken cancellationToken)
    {
        Synced.Add(policy);
        return Task.CompletedTask;
    }

    public Task<(bool Deleted, IReadOnlyList<string> UsedBy)> DeleteAsync(string? tenantId, string name, CancellationToken cancellationToken) =>
        Task.FromResult<(bool, IReadOnlyList<string>)>((Policies.RemoveAll(p => p.TenantId == tenantId && p.Name == name) > 0, []));
}
