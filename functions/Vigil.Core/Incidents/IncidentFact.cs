using Vigil.Core.Alerts;

namespace Vigil.Core.Incidents;

/// <summary>One fired alert as the incident report needs it (the store reads these tenant-scoped in SQL).</summary>
public sealed record IncidentFact(
    Guid AlertId,
    string? RuleTenantId,
    string Rule,
    string? Bot,
    Priority Priority,
    DateTimeOffset? BreachStartedAt,
    DateTimeOffset FiredAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? ResolvedAt);
