namespace Vigil.Core.Alerts;

/// <summary>Turns a policy into the plan of one alert's escalation.</summary>
public static class EscalationPlanner
{
    /// <summary>
    /// Every level of every cycle, with the rule's channels put in for <c>rule</c>. An alert that does
    /// not escalate (a warning, unless its rule says <c>escalate</c>) gets level 1 only, once.
    /// </summary>
    public static EscalationPlan Plan(Alert alert, EscalationPolicy policy)
    {
        var levels = alert.Escalates ? policy.Levels : [policy.Levels[0]];
        var cycles = alert.Escalates ? policy.Repeat + 1 : 1;
        var steps = new List<EscalationStep>();
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            for (var i = 0; i < levels.Count; i++)
            {
                var level = levels[i];
                var channels = level.Channels.SelectMany(c => c == EscalationPolicy.RuleChannels ? alert.Channels : [c]).Distinct(StringComparer.Ordinal).ToList();
                steps.Add(new EscalationStep(steps.Count + 1, i + 1, cycle, policy.CycleLength * cycle + level.After, channels, [.. level.Notify.Select(n => n.ToString())]));
            }
        }
        // To the microsecond, as PostgreSQL keeps fired_at: the plan and the stored alert agree on when it fired.
        var fired = (alert.FiredAt ?? alert.StartedAt).UtcDateTime;
        return new EscalationPlan(alert.Id, policy.Name, fired.AddTicks(-(fired.Ticks % 10)), levels.Count, steps);
    }

    /// <summary>Only a firing alert escalates; acknowledged or resolved ends it.</summary>
    public static bool Continues(AlertState state) => state == AlertState.Firing;
}
