using Vigil.Core.Alerts;

namespace Vigil.Core.Incidents;

/// <summary>One stored state change of an alert (table alert_transitions): from (null when it opened), to, when, the value then and why.</summary>
public sealed record AlertTransition(AlertState? From, AlertState To, DateTimeOffset At, double? Value, string? Detail);
