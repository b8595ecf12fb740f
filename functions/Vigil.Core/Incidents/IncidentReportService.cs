using Microsoft.Extensions.Options;

namespace Vigil.Core.Incidents;

/// <summary>
/// The incident report as a service, for <c>GET /api/reports/incidents</c> and the weekly review:
/// the store's facts (tenant-scoped in SQL) through <see cref="IncidentReport.Compute"/>, with the
/// acknowledge targets in force and breaches judged at the current time.
/// </summary>
public sealed class IncidentReportService(IIncidentStore store, IOptionsMonitor<IncidentOptions> options, TimeProvider time)
{
    /// <summary>Alerts of <paramref name="scope"/> that fired in [<paramref name="from"/>, <paramref name="to"/>), grouped when <paramref name="groupBy"/> is given.</summary>
    public async Task<IncidentReport> ComputeAsync(TenantScope scope, DateTimeOffset from, DateTimeOffset to, IncidentGrouping? groupBy, CancellationToken cancellationToken)
    {
        var facts = await store.FactsAsync(scope, from, to, cancellationToken);
        var current = options.CurrentValue;
        return IncidentReport.Compute(facts, current.TargetFor, time.GetUtcNow(), from, to, groupBy);
    }
}
