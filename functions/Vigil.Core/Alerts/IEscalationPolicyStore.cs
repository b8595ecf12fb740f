namespace Vigil.Core.Alerts;

/// <summary>Escalation policies, addressed by (tenant, name); null is the global scope.</summary>
public interface IEscalationPolicyStore
{
    Task<IReadOnlyList<EscalationPolicy>> ListAsync(TenantScope scope, CancellationToken cancellationToken);

    Task<EscalationPolicy?> GetAsync(string? tenantId, string name, CancellationToken cancellationToken);

    /// <summary>Creates or replaces; true when created.</summary>
    Task<bool> UpsertAsync(EscalationPolicy policy, CancellationToken cancellationToken);

    /// <summary>Writes the settings' <c>default</c> unless an operator has made it their own.</summary>
    Task SyncManagedDefaultAsync(EscalationPolicy policy, CancellationToken cancellationToken);

    /// <summary>Deleted, not found, or kept because these rules use it.</summary>
    Task<(bool Deleted, IReadOnlyList<string> UsedBy)> DeleteAsync(string? tenantId, string name, CancellationToken cancellationToken);
}
