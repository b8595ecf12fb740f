using Vigil.Core.Alerts;

namespace Vigil.Core.Tests.Fakes;

/// <summary>The local escalation schedule in memory: a claim is leased, a schedule or end releases it.</summary>
internal sealed class FakeEscalationSchedule : IEscalationSchedule
{
    public Dictionary<Guid, (int Step, DateTimeOffset Due, DateTimeOffset? LeasedUntil)> Rows { get; } = [];

    public List<int> ClaimLimits { get; } = [];

    public List<Guid> Ended { get; } = [];

    public void Due(Guid alertId, int step, DateTimeOffset due) => Rows[alertId] = (step, due, null);

    public Task<IReadOnlyList<EscalationClaim>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        ClaimLimits.Add(limit);
        var claims = Rows.Where(r => r.Value.Due <= now && !(r.Value.LeasedUntil > now)).OrderBy(r => r.Value.Due).Take(limit).ToList();
        foreach (var (id, row) in claims) Rows[id] = row with { LeasedUntil = now + lease };
        return Task.FromResult<IReadOnlyList<EscalationClaim>>([.. claims.Select(c => new EscalationClaim(c.Key, c.Value.Step))]);
    }

    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Rows.Count == 0 ? null : (DateTimeOffset?)Rows.Values.Min(r => r.Due));

    public Task ScheduleAsync(Guid alertId, int step, DateTimeOffset due, CancellationToken cancellationToken)
    {
        Rows[alertId] = (step, due, null);
        return Task.CompletedTask;
    }

    public Task EndAsync(Guid alertId, CancellationToken cancellationToken)
    {
        Ended.Add(alertId);
        Rows.Remove(alertId);
        return Task.CompletedTask;
    }

    public Task ReleaseHeldAsync(IReadOnlyList<Guid> alertIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var id in alertIds.Where(Rows.ContainsKey)) Rows[id] = Rows[id] with { Due = now, LeasedUntil = null };
        return Task.CompletedTask;
    }
}
