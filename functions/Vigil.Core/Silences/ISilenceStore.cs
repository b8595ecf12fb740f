namespace Vigil.Core.Silences;

/// <summary>Silences, kept after they end (a deleted one is expired, not erased) so their effect stays explainable.</summary>
public interface ISilenceStore
{
    Task CreateAsync(Silence silence, CancellationToken cancellationToken);

    /// <summary>In <paramref name="scope"/>, newest first; only those active at <paramref name="now"/> when asked.</summary>
    Task<IReadOnlyList<Silence>> ListAsync(TenantScope scope, bool activeOnly, DateTimeOffset now, CancellationToken cancellationToken);

    Task<Silence?> GetAsync(Guid id, TenantScope scope, CancellationToken cancellationToken);

    /// <summary>Ends it at <paramref name="at"/> if it had not ended; the silence as it now is, or null when not found.</summary>
    Task<Silence?> ExpireAsync(Guid id, TenantScope scope, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The silences active at <paramref name="at"/> that may mute an alert of <paramref name="alertTenant"/>: the global ones and that tenant's.</summary>
    Task<IReadOnlyList<Silence>> ActiveAsync(DateTimeOffset at, string? alertTenant, CancellationToken cancellationToken);
}
