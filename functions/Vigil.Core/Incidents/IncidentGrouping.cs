namespace Vigil.Core.Incidents;

/// <summary>How the incident report splits its figures: <c>group_by=rule|priority|bot</c>.</summary>
public enum IncidentGrouping
{
    Rule,
    Priority,
    Bot,
}

public static class IncidentGroupings
{
    public static string ToName(this IncidentGrouping g) => g switch
    {
        IncidentGrouping.Rule => "rule",
        IncidentGrouping.Priority => "priority",
        _ => "bot",
    };

    public static bool TryParse(string? text, out IncidentGrouping grouping)
    {
        foreach (var g in Enum.GetValues<IncidentGrouping>())
        {
            if (g.ToName() == text)
            {
                grouping = g;
                return true;
            }
        }
        grouping = default;
        return false;
    }
}
