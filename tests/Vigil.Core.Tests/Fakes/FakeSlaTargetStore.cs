using Vigil.Core.Metrics;

namespace Vigil.Core.Tests.Fakes;

internal sealed class FakeSlaTargetStore : ISlaTargetStore
{
    public List<SlaTarget> Targets { get; } = [];

    public Task<IReadOnlyList<SlaTarget>> ListAsync(TenantScope scope, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SlaTarget>>([.. Targets.Where(t => scope.Includes(t.TenantId))]);

    public Task<bool> UpsertAsync(SlaTarget target, CancellationToken cancellationToken)
    {
        var created = Targets.RemoveAll(t => t.TenantId == target.TenantId && t.Bot == target.Bot && t.Operation == target.Operation) == 0;
        Targets.Add(target);
        return Task.FromResult(created);
    }

    public Task<bool> DeleteAsync(string? tenantId, string bot, string operation, CancellationToken cancellationToken) =>
        Task.FromResult(Targets.RemoveAll(t => t.TenantId == tenantId && t.Bot == bot && t.Operation == operation) > 0);
}
