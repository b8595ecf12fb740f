using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Incidents;

namespace Vigil.Core.Tests;

/// <summary>The service the report route and the weekly review call: the store's facts, the targets in force, the clock's now.</summary>
public class IncidentReportServiceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);

    private sealed class Store(IReadOnlyList<IncidentFact> facts) : IIncidentStore
    {
        public List<(TenantScope Scope, DateTimeOffset From, DateTimeOffset To)> Asked { get; } = [];

        public Task<IReadOnlyList<IncidentFact>> FactsAsync(TenantScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
        {
            Asked.Add((scope, from, to));
            return Task.FromResult(facts);
        }

        public Task<IReadOnlyList<AlertTransition>> TransitionsAsync(Guid alertId, TenantScope scope, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<AlertTransition>>([]);
    }

    private sealed class Monitor(IncidentOptions value) : IOptionsMonitor<IncidentOptions>
    {
        public IncidentOptions CurrentValue { get; set; } = value;

        public IncidentOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<IncidentOptions, string?> listener) => null;
    }

    [Fact]
    public async Task The_report_asks_the_store_for_the_scope_and_window_and_judges_breaches_by_the_current_targets_at_the_clocks_now()
    {
        IncidentFact Acked(string bot, int ackMinutes) => new(Guid.NewGuid(), null, "r", bot, Priority.P1, T0.AddMinutes(-1), T0, T0.AddMinutes(ackMinutes), null);
        var store = new Store([Acked("a", 20), Acked("b", 40)]);
        var options = new Monitor(new IncidentOptions { AckTarget = new AckTargetOptions { P1 = "30m" } });
        var clock = new ManualClock(T0.AddHours(1));
        var service = new IncidentReportService(store, options, clock);
        var scope = TenantScope.Of("acme");

        var report = await service.ComputeAsync(scope, T0.AddMinutes(-5), T0.AddMinutes(55), IncidentGrouping.Bot, CancellationToken.None);
        Assert.Equal([(scope, T0.AddMinutes(-5), T0.AddMinutes(55))], store.Asked);
        Assert.Equal((2, 1, 60.0, 1800.0), (report.Totals.Count, report.Totals.AckBreaches, report.Totals.MttdSeconds, report.Totals.MttaSeconds));
        Assert.Equal([("a", 0), ("b", 1)], report.Groups.Select(g => (g.Key["bot"], g.Figures.AckBreaches)));

        // A longer target re-judges the same incidents.
        options.CurrentValue = new IncidentOptions { AckTarget = new AckTargetOptions { P1 = "45m" } };
        Assert.Equal(0, (await service.ComputeAsync(scope, T0.AddMinutes(-5), T0.AddMinutes(55), null, CancellationToken.None)).Totals.AckBreaches);
    }

    [Fact]
    public async Task An_open_unacknowledged_incident_becomes_a_breach_when_the_clock_passes_its_target()
    {
        var store = new Store([new(Guid.NewGuid(), null, "r", null, Priority.P0, null, T0, null, null)]);
        var clock = new ManualClock(T0.AddMinutes(5));
        var service = new IncidentReportService(store, new Monitor(new IncidentOptions()), clock);
        Assert.Equal(0, (await service.ComputeAsync(TenantScope.All, T0, T0.AddHours(1), null, CancellationToken.None)).Totals.AckBreaches);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await service.ComputeAsync(TenantScope.All, T0, T0.AddHours(1), null, CancellationToken.None)).Totals.AckBreaches);
    }
}
