using Vigil.Core.Alerts;

namespace Vigil.Core.Tests.Fakes;

/// <summary>An evaluation transaction of <see cref="FakeAlertStore"/>: changes apply to the store as the SQL would apply them.</summary>
internal sealed class FakeAlertEvaluationSession(FakeAlertStore store) : IAlertEvaluationSession
{
    public List<AlertChange> Applied { get; } = [];

    public bool Committed { get; private set; }

    public bool Disposed { get; private set; }

    public DateTimeOffset? ResolutionsSince { get; private set; }

    public Task<IReadOnlyList<Alert>> OpenAlertsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Alert>>([.. store.Alerts.Values.Where(a => a.State.IsOpen())]);

    public Task<IReadOnlyDictionary<(string? RuleTenant, string Rule, string GroupKey), DateTimeOffset>> LastFiredResolutionsAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        ResolutionsSince = since;
        IReadOnlyDictionary<(string?, string, string), DateTimeOffset> last = store.Alerts.Values
            .Where(a => a.State == AlertState.Resolved && a.FiredAt is not null && a.ResolvedAt >= since)
            .GroupBy(a => (a.RuleTenantId, a.Rule, a.GroupKey))
            .ToDictionary(g => g.Key, g => g.Max(a => a.ResolvedAt!.Value));
        return Task.FromResult(last);
    }

    public Task ApplyAsync(IReadOnlyList<AlertChange> changes, CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            Applied.Add(change);
            switch (change)
            {
                case OpenAlert o:
                    store.Alerts[o.Alert.Id] = o.Alert;
                    break;
                case FireAlert f:
                    store.Alerts[f.Id] = store.Alerts[f.Id] with { State = AlertState.Firing, FiredAt = f.At, Value = f.Value, Plan = f.Plan };
                    break;
                case UpdateAlert u:
                    store.Alerts[u.Id] = store.Alerts[u.Id] with { Value = u.Value, Threshold = u.Threshold };
                    break;
                case ResolveAlert r:
                    store.Alerts[r.Id] = store.Alerts[r.Id] with { State = AlertState.Resolved, ResolvedAt = r.At, ResolveReason = r.Reason, Value = r.Value };
                    break;
            }
        }
        return Task.CompletedTask;
    }

    public Task CommitAsync(CancellationToken cancellationToken)
    {
        Committed = true;
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
