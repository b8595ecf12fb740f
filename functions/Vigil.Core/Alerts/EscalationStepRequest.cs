namespace Vigil.Core.Alerts;

/// <summary>The input of the activity that sends one step: the alert and the step, as planned.</summary>
public sealed record EscalationStepRequest(Guid AlertId, EscalationStep Step);
