namespace Vigil.Core.Alerts;

/// <summary>
/// Everything an escalation needs, fixed when the alert fires: the Durable orchestration's input (so
/// replays are deterministic whatever changes meanwhile) and what the local host keeps with the alert.
/// </summary>
public sealed record EscalationPlan(Guid AlertId, string Policy, DateTime FiredAtUtc, int LevelCount, IReadOnlyList<EscalationStep> Steps)
{
    public EscalationStep? After(EscalationStep step) => Steps.FirstOrDefault(s => s.Sequence == step.Sequence + 1);

    public EscalationStep? Find(int sequence) => Steps.FirstOrDefault(s => s.Sequence == sequence);

    public DateTimeOffset DueAt(EscalationStep step) => new DateTimeOffset(FiredAtUtc, TimeSpan.Zero) + step.After;
}
