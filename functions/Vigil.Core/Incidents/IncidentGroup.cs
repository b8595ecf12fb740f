namespace Vigil.Core.Incidents;

/// <summary>One group of the report: its key (<c>{"rule","rule_tenant_id"}</c>, <c>{"priority"}</c> or <c>{"bot"}</c>; null where the alert has none) and figures.</summary>
public sealed record IncidentGroup(IReadOnlyDictionary<string, string?> Key, IncidentFigures Figures);
