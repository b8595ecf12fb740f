namespace Vigil.Core.Incidents;

/// <summary>Postmortems of alerts (table alert_postmortems), each read and write scoped by the alert's tenant in SQL.</summary>
public interface IPostmortemStore
{
    /// <summary>Writes the next revision; null when no alert of that id is in <paramref name="scope"/>.</summary>
    Task<Postmortem?> WriteAsync(Guid alertId, TenantScope scope, PostmortemText text, string writtenBy, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Every revision, oldest first (empty when none, or the alert is not in <paramref name="scope"/>).</summary>
    Task<IReadOnlyList<Postmortem>> HistoryAsync(Guid alertId, TenantScope scope, CancellationToken cancellationToken);
}
