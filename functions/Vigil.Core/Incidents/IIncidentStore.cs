namespace Vigil.Core.Incidents;

/// <summary>What incidents are read from: the alerts' facts and transitions, every query scoped by the alert's tenant in SQL.</summary>
public interface IIncidentStore
{
    /// <summary>Alerts in <paramref name="scope"/> that fired in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    Task<IReadOnlyList<IncidentFact>> FactsAsync(TenantScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>The alert's state changes in the order they happened (empty for an alert not in <paramref name="scope"/>).</summary>
    Task<IReadOnlyList<AlertTransition>> TransitionsAsync(Guid alertId, TenantScope scope, CancellationToken cancellationToken);
}
