using Vigil.Core.Alerts;

namespace Vigil.Core.Incidents;

/// <summary>
/// The incident report over [<see cref="From"/>, <see cref="To"/>): the alerts that fired in it
/// (pending alerts that never fired are not incidents), their count, MTTD, MTTA, MTTR and
/// acknowledge-target breaches, overall and per group. Definitions (docs/incidents.md):
/// <list type="bullet">
/// <item>MTTD: firing minus the first breaching minute the rollups saw (<see cref="Alert.BreachStartedAt"/>).</item>
/// <item>MTTA: acknowledgement minus firing.</item>
/// <item>MTTR: resolution minus firing (by hand or cleared by itself).</item>
/// </list>
/// Each a mean over the alerts that have it, in seconds; acknowledge breaches judged at <c>now</c>.
/// </summary>
public sealed record IncidentReport(DateTimeOffset From, DateTimeOffset To, IncidentGrouping? GroupBy, IncidentFigures Totals, IReadOnlyList<IncidentGroup> Groups)
{
    /// <summary>
    /// Pure: the report from the facts, the acknowledge target of each priority and the time it is
    /// read at. Groups come most incidents first, then by key (a null key last), so the worst offender leads.
    /// </summary>
    public static IncidentReport Compute(IEnumerable<IncidentFact> facts, Func<Priority, TimeSpan> ackTarget, DateTimeOffset now,
        DateTimeOffset from, DateTimeOffset to, IncidentGrouping? groupBy)
    {
        var inWindow = facts.Where(f => f.FiredAt >= from && f.FiredAt < to).ToList();
        var groups = groupBy is not { } g
            ? []
            : inWindow.GroupBy(f => KeyText(f, g), StringComparer.Ordinal)
                .Select(x => new IncidentGroup(KeyOf(x.First(), g), Figures(x, ackTarget, now)))
                .OrderByDescending(x => x.Figures.Count)
                .ThenBy(x => string.Join('|', x.Key.Values.Select(v => v ?? "\uffff")), StringComparer.Ordinal)
                .ToList();
        return new IncidentReport(from, to, groupBy, Figures(inWindow, ackTarget, now), groups);
    }

    public static IncidentFigures Figures(IEnumerable<IncidentFact> facts, Func<Priority, TimeSpan> ackTarget, DateTimeOffset now)
    {
        var list = facts.ToList();
        var detect = list.Where(f => f.BreachStartedAt is not null).Select(f => (f.FiredAt - f.BreachStartedAt!.Value).TotalSeconds).ToList();
        var acknowledge = list.Where(f => f.AcknowledgedAt is not null).Select(f => (f.AcknowledgedAt!.Value - f.FiredAt).TotalSeconds).ToList();
        var resolve = list.Where(f => f.ResolvedAt is not null).Select(f => (f.ResolvedAt!.Value - f.FiredAt).TotalSeconds).ToList();
        var breaches = list.Count(f => AckDeadline.IsBreached(f.FiredAt + ackTarget(f.Priority), f.AcknowledgedAt, f.ResolvedAt, now));
        return new IncidentFigures(list.Count, Mean(detect), Mean(acknowledge), Mean(resolve), breaches)
        {
            Detected = detect.Count,
            Acknowledged = acknowledge.Count,
            Resolved = resolve.Count,
        };
    }

    private static double? Mean(List<double> values) => values.Count == 0 ? null : values.Sum() / values.Count;

    private static string KeyText(IncidentFact f, IncidentGrouping g) => g switch
    {
        // A rule is (its tenant, its name): acme's "errors" and globex's "errors" are two rules.
        IncidentGrouping.Rule => $"{f.RuleTenantId}\u0000{f.Rule}",
        IncidentGrouping.Priority => f.Priority.ToName(),
        _ => f.Bot is null ? "\u0001" : f.Bot,
    };

    private static Dictionary<string, string?> KeyOf(IncidentFact f, IncidentGrouping g) => g switch
    {
        IncidentGrouping.Rule => new() { ["rule"] = f.Rule, ["rule_tenant_id"] = f.RuleTenantId },
        IncidentGrouping.Priority => new() { ["priority"] = f.Priority.ToName() },
        _ => new() { ["bot"] = f.Bot },
    };
}
