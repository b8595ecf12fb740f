namespace Vigil.Core.Alerts;

/// <summary>
/// How fast an alert wants a person: the runbooks' P0 (drop everything) to P3 (next business day).
/// Each has an acknowledge target (<see cref="Incidents.IncidentOptions"/>). A rule without one takes
/// it from its severity (<see cref="Priorities.FromSeverity"/>); an alert keeps the one it fired with.
/// </summary>
public enum Priority
{
    P0,
    P1,
    P2,
    P3,
}

public static class Priorities
{
    public static readonly IReadOnlyList<string> Names = ["P0", "P1", "P2", "P3"];

    public static string ToName(this Priority p) => p switch
    {
        Priority.P0 => "P0",
        Priority.P1 => "P1",
        Priority.P2 => "P2",
        _ => "P3",
    };

    /// <summary>Exactly "P0".."P3" (upper case, as the contract writes them).</summary>
    public static bool TryParse(string? text, out Priority priority)
    {
        foreach (var p in Enum.GetValues<Priority>())
        {
            if (p.ToName() == text)
            {
                priority = p;
                return true;
            }
        }
        priority = default;
        return false;
    }

    /// <summary>The contract's default: critical → P1, warning → P2, info → P3 (P0 is only ever chosen).</summary>
    public static Priority FromSeverity(Severity severity) => severity switch
    {
        Severity.Critical => Priority.P1,
        Severity.Warning => Priority.P2,
        _ => Priority.P3,
    };
}
