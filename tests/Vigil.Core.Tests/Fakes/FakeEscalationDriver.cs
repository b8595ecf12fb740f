using Vigil.Core.Alerts;

namespace Vigil.Core.Tests.Fakes;

internal sealed class FakeEscalationDriver : IEscalationDriver
{
    public List<Alert> Fired { get; } = [];

    public List<Guid> SilenceEnded { get; } = [];

    public Task OnFiredAsync(IReadOnlyList<Alert> fired, CancellationToken cancellationToken)
    {
        Fired.AddRange(fired);
        return Task.CompletedTask;
    }

    public Task OnSilenceEndedAsync(IReadOnlyList<Guid> alertIds, CancellationToken cancellationToken)
    {
        SilenceEnded.AddRange(alertIds);
        return Task.CompletedTask;
    }
}
