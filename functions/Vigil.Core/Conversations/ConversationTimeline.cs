namespace Vigil.Core.Conversations;

/// <summary>The shape of a conversation from its events in time order: its bots and how often it changed hands.</summary>
public static class ConversationTimeline
{
    /// <summary>Bot names in order of first appearance.</summary>
    public static List<string> Bots(IEnumerable<string> botsInOrder)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var bots = new List<string>();
        foreach (var b in botsInOrder)
        {
            if (seen.Add(b)) bots.Add(b);
        }
        return bots;
    }

    /// <summary>How many times an event came from another bot than the event before it.</summary>
    public static int AgentSwitches(IEnumerable<string> botsInOrder)
    {
        string? previous = null;
        var switches = 0;
        foreach (var b in botsInOrder)
        {
            if (previous is not null && !string.Equals(previous, b, StringComparison.Ordinal)) switches++;
            previous = b;
        }
        return switches;
    }
}
