using Microsoft.AspNetCore.Http;

namespace Vigil.Api;

/// <summary>
/// What a request did to running escalations: alerts whose escalation must stop (acknowledged,
/// resolved) and alerts a silence no longer holds. The local host's engine reads the database and
/// needs nothing; the Functions app raises the orchestrations' events from these after the handler.
/// </summary>
public sealed class EscalationSignals
{
    public List<Guid> Stopped { get; } = [];

    public List<Guid> Released { get; } = [];

    public static EscalationSignals Of(HttpContext context)
    {
        if (context.Features.Get<EscalationSignals>() is { } signals) return signals;
        signals = new EscalationSignals();
        context.Features.Set(signals);
        return signals;
    }

    public static EscalationSignals? Find(HttpContext context) => context.Features.Get<EscalationSignals>();
}
