namespace Vigil.Core.Alerts;

/// <summary>
/// One send of an escalation plan: the policy's <see cref="Level"/> (1-based) in <see cref="Cycle"/>
/// (0 unless the policy repeats), due <see cref="After"/> firing, to these channels (the rule's
/// already put in) and these people. <see cref="Sequence"/> numbers the plan's steps from 1.
/// </summary>
public sealed record EscalationStep(int Sequence, int Level, int Cycle, TimeSpan After, IReadOnlyList<string> Channels, IReadOnlyList<string> Notify);
