namespace Vigil.Core.Metrics;

/// <summary>SLA targets, addressed by (tenant, bot, operation); null is the global scope. Every method puts the scope in its SQL.</summary>
public interface ISlaTargetStore
{
    Task<IReadOnlyList<SlaTarget>> ListAsync(TenantScope scope, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the target of its scope; true when it was created.</summary>
    Task<bool> UpsertAsync(SlaTarget target, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string? tenantId, string bot, string operation, CancellationToken cancellationToken);
}
