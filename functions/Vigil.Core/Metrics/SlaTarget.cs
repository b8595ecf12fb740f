using Vigil.Core.Events;

namespace Vigil.Core.Metrics;

/// <summary>
/// A latency target for one bot operation, global or one tenant's, and the event types whose
/// durations measure it. A bot operation's latency is its interactions' (<c>bot_interaction</c>)
/// — not the LLM calls, tool calls and retrievals inside them, whose own latencies would count
/// against it — and a handoff's is the handoff's (<c>handoff</c>).
/// </summary>
public sealed record SlaTarget(string? TenantId, string Bot, string Operation, double P50Ms, double P95Ms, double P99Ms,
    IReadOnlyList<string> EventTypes, DateTimeOffset UpdatedAt)
{
    /// <summary><c>["handoff"]</c> for a handoff target (operation or bot <c>handoff</c>), <c>["bot_interaction"]</c> otherwise.</summary>
    public static IReadOnlyList<string> DefaultEventTypes(string bot, string operation) =>
        operation == "handoff" || bot == "handoff" ? [EventType.Handoff.ToName()] : [EventType.BotInteraction.ToName()];

    /// <summary>
    /// The target that applies to a (tenant, bot, operation): the tenant's own, else the global one
    /// (global targets are the defaults every tenant starts with); for no tenant, the global one.
    /// </summary>
    public static SlaTarget? Resolve(IReadOnlyDictionary<(string? Tenant, string Bot, string Operation), SlaTarget> targets, string? tenantId, string bot, string operation) =>
        (tenantId is not null && targets.TryGetValue((tenantId, bot, operation), out var own)) ? own
        : targets.GetValueOrDefault((null, bot, operation));
}
