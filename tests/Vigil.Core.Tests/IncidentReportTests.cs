using Vigil.Core.Alerts;
using Vigil.Core.Incidents;

namespace Vigil.Core.Tests;

/// <summary>The incident report's arithmetic: which alerts count, each mean over the alerts that have it, breaches, groups.</summary>
public class IncidentReportTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);

    // Distinct targets per priority, so a wrong lookup changes a breach.
    private static TimeSpan Target(Priority p) => p switch
    {
        Priority.P0 => TimeSpan.FromMinutes(5),
        Priority.P1 => TimeSpan.FromHours(1),
        Priority.P2 => TimeSpan.FromHours(4),
        _ => TimeSpan.FromHours(24),
    };

    private static IncidentFact Fact(string rule, string? bot, Priority priority, int firedMin, int? breachMin, int? ackMin, int? resolvedMin, string? ruleTenant = null) =>
        new(Guid.NewGuid(), ruleTenant, rule, bot, priority,
            breachMin is { } b ? T0.AddMinutes(b) : null,
            T0.AddMinutes(firedMin),
            ackMin is { } a ? T0.AddMinutes(a) : null,
            resolvedMin is { } r ? T0.AddMinutes(r) : null);

    [Fact]
    public void Each_mean_is_over_the_alerts_that_have_its_value_in_seconds_and_null_when_none_has_it()
    {
        var facts = new[]
        {
            Fact("errors", "a", Priority.P1, firedMin: 10, breachMin: 7, ackMin: 20, resolvedMin: 40),
            Fact("errors", "b", Priority.P1, firedMin: 12, breachMin: 11, ackMin: null, resolvedMin: 30),
            Fact("errors", "c", Priority.P1, firedMin: 14, breachMin: null, ackMin: 16, resolvedMin: null),
        };
        var report = IncidentReport.Compute(facts, Target, T0.AddMinutes(50), T0, T0.AddHours(1), null);
        var f = report.Totals;
        Assert.Equal(3, f.Count);
        Assert.Equal((180 + 60) / 2.0, f.MttdSeconds);
        Assert.Equal((600 + 120) / 2.0, f.MttaSeconds);
        Assert.Equal((1800 + 1080) / 2.0, f.MttrSeconds);
        Assert.Equal((2, 2, 2), (f.Detected, f.Acknowledged, f.Resolved));
        Assert.Empty(report.Groups);

        var none = IncidentReport.Compute([Fact("errors", "a", Priority.P1, 10, null, null, null)], Target, T0.AddMinutes(20), T0, T0.AddHours(1), null).Totals;
        Assert.Equal((1, (double?)null, (double?)null, (double?)null, 0), (none.Count, none.MttdSeconds, none.MttaSeconds, none.MttrSeconds, none.AckBreaches));
        var empty = IncidentReport.Compute([], Target, T0, T0, T0.AddHours(1), IncidentGrouping.Bot);
        Assert.Equal((0, (double?)null, 0), (empty.Totals.Count, empty.Totals.MttaSeconds, empty.Totals.AckBreaches));
        Assert.Empty(empty.Groups);
    }

    [Fact]
    public void Only_alerts_that_fired_inside_the_window_count_its_start_included_its_end_not()
    {
        var facts = new[]
        {
            Fact("r", "early", Priority.P2, firedMin: -1, breachMin: -2, ackMin: 0, resolvedMin: 1),
            Fact("r", "start", Priority.P2, firedMin: 0, breachMin: -3, ackMin: 5, resolvedMin: 9),
            Fact("r", "end", Priority.P2, firedMin: 60, breachMin: 59, ackMin: 61, resolvedMin: 62),
        };
        var report = IncidentReport.Compute(facts, Target, T0.AddHours(2), T0, T0.AddHours(1), IncidentGrouping.Bot);
        Assert.Equal(1, report.Totals.Count);
        Assert.Equal(180, report.Totals.MttdSeconds);
        Assert.Equal(["start"], report.Groups.Select(g => g.Key["bot"]));
        Assert.Equal((T0, T0.AddHours(1), IncidentGrouping.Bot), (report.From, report.To, report.GroupBy));
    }

    [Fact]
    public void An_acknowledgement_past_the_priority_target_is_a_breach_and_one_at_the_target_is_not()
    {
        var facts = new[]
        {
            Fact("p1", "at", Priority.P1, firedMin: 0, breachMin: null, ackMin: 60, resolvedMin: null),
            Fact("p1", "late", Priority.P1, firedMin: 0, breachMin: null, ackMin: 61, resolvedMin: null),
            // A P0 acknowledged at 6 minutes missed its 5; the same delay is fine for a P1.
            Fact("p0", "late", Priority.P0, firedMin: 0, breachMin: null, ackMin: 6, resolvedMin: null),
            Fact("p2", "fine", Priority.P2, firedMin: 0, breachMin: null, ackMin: 200, resolvedMin: null),
        };
        var report = IncidentReport.Compute(facts, Target, T0.AddHours(5), T0, T0.AddHours(1), IncidentGrouping.Priority);
        Assert.Equal(2, report.Totals.AckBreaches);
        Assert.Equal([("P1", 2, 1), ("P0", 1, 1), ("P2", 1, 0)], report.Groups.Select(g => (g.Key["priority"], g.Figures.Count, g.Figures.AckBreaches)));
    }

    [Fact]
    public void Unacknowledged_alerts_breach_when_resolved_after_the_target_or_still_open_past_it_when_read()
    {
        var facts = new[]
        {
            Fact("r", "resolved-in-time", Priority.P0, firedMin: 0, breachMin: null, ackMin: null, resolvedMin: 4),
            Fact("r", "resolved-late", Priority.P0, firedMin: 0, breachMin: null, ackMin: null, resolvedMin: 6),
            Fact("r", "open", Priority.P0, firedMin: 0, breachMin: null, ackMin: null, resolvedMin: null),
        };
        Assert.Equal(1, IncidentReport.Compute(facts, Target, T0.AddMinutes(5), T0, T0.AddHours(1), null).Totals.AckBreaches);
        Assert.Equal(2, IncidentReport.Compute(facts, Target, T0.AddMinutes(5).AddSeconds(1), T0, T0.AddHours(1), null).Totals.AckBreaches);
    }

    [Fact]
    public void Groups_by_rule_keep_tenants_apart_come_most_incidents_first_then_by_key_and_carry_their_own_figures()
    {
        var facts = new[]
        {
            Fact("errors", "a", Priority.P1, firedMin: 1, breachMin: 0, ackMin: 2, resolvedMin: 3, ruleTenant: "acme"),
            Fact("errors", "b", Priority.P1, firedMin: 2, breachMin: 0, ackMin: 12, resolvedMin: 22, ruleTenant: "acme"),
            Fact("errors", "c", Priority.P3, firedMin: 3, breachMin: 1, ackMin: null, resolvedMin: null, ruleTenant: "globex"),
            Fact("latency", null, Priority.P2, firedMin: 4, breachMin: 4, ackMin: 5, resolvedMin: null),
        };
        var report = IncidentReport.Compute(facts, Target, T0.AddMinutes(30), T0, T0.AddHours(1), IncidentGrouping.Rule);
        Assert.Equal(
            [("errors", "acme", 2), ("errors", "globex", 1), ("latency", null, 1)],
            report.Groups.Select(g => (g.Key["rule"], g.Key["rule_tenant_id"], g.Figures.Count)));
        var acme = report.Groups[0].Figures;
        Assert.Equal((90.0, 330.0, 660.0), (acme.MttdSeconds, acme.MttaSeconds, acme.MttrSeconds));
        Assert.Equal((120.0, (double?)null), (report.Groups[1].Figures.MttdSeconds, report.Groups[1].Figures.MttaSeconds));

        var byBot = IncidentReport.Compute(facts, Target, T0.AddMinutes(30), T0, T0.AddHours(1), IncidentGrouping.Bot);
        Assert.Equal(["a", "b", "c", null], byBot.Groups.Select(g => g.Key["bot"]));
        Assert.All(byBot.Groups, g => Assert.Equal(1, g.Figures.Count));
    }

    [Fact]
    public void The_deadline_is_firing_plus_the_priority_target_and_an_alert_that_never_fired_has_none()
    {
        var options = new IncidentOptions { AckTarget = new AckTargetOptions { P0 = "2m", P1 = "00:45:00", P2 = "1h30m", P3 = "2d" } };
        Assert.Equal(T0.AddMinutes(2), AckDeadline.DueAt(T0, Priority.P0, options));
        Assert.Equal(T0.AddMinutes(45), AckDeadline.DueAt(T0, Priority.P1, options));
        Assert.Equal(T0.AddMinutes(90), AckDeadline.DueAt(T0, Priority.P2, options));
        Assert.Equal(T0.AddDays(2), AckDeadline.DueAt(T0, Priority.P3, options));
        Assert.Null(AckDeadline.DueAt(null, Priority.P0, options));
        Assert.False(AckDeadline.IsBreached(null, null, null, T0.AddYears(1)));
        Assert.False(AckDeadline.IsBreached(T0, T0, null, T0.AddDays(1)));
        Assert.True(AckDeadline.IsBreached(T0, T0.AddTicks(1), null, T0));
        // The acknowledgement decides even if resolving came later, and resolving decides before now.
        Assert.False(AckDeadline.IsBreached(T0, T0.AddTicks(-1), T0.AddDays(1), T0.AddDays(2)));
        Assert.False(AckDeadline.IsBreached(T0, null, T0, T0.AddDays(2)));
        Assert.True(AckDeadline.IsBreached(T0, null, null, T0.AddTicks(1)));
        Assert.False(AckDeadline.IsBreached(T0, null, null, T0));
    }

    [Fact]
    public void Priorities_default_from_severity_a_rule_may_choose_one_and_only_the_contract_spelling_parses()
    {
        Assert.Equal(Priority.P1, Priorities.FromSeverity(Severity.Critical));
        Assert.Equal(Priority.P2, Priorities.FromSeverity(Severity.Warning));
        Assert.Equal(Priority.P3, Priorities.FromSeverity(Severity.Info));
        var rule = new AlertRule { Name = "r", Metric = AlertMetric.ErrorRate, Window = TimeSpan.FromMinutes(5), Comparator = Comparator.GreaterThan, Severity = Severity.Info };
        Assert.Equal(Priority.P3, rule.EffectivePriority);
        Assert.Equal(Priority.P0, (rule with { Priority = Priority.P0 }).EffectivePriority);
        Assert.Equal(Priority.P1, (rule with { Severity = Severity.Critical }).EffectivePriority);
        Assert.Equal(["P0", "P1", "P2", "P3"], Enum.GetValues<Priority>().Select(p => p.ToName()));
        foreach (var name in Priorities.Names)
        {
            Assert.True(Priorities.TryParse(name, out var p));
            Assert.Equal(name, p.ToName());
        }
        foreach (var bad in new[] { "p1", "P4", "", " P1", null, "1" }) Assert.False(Priorities.TryParse(bad, out _));
        Assert.True(IncidentGroupings.TryParse("priority", out var g) && g == IncidentGrouping.Priority);
        Assert.Equal(["rule", "priority", "bot"], Enum.GetValues<IncidentGrouping>().Select(x => x.ToName()));
        Assert.False(IncidentGroupings.TryParse("severity", out _));
    }

    [Fact]
    public void An_alert_keeps_the_priority_it_opened_with_and_without_one_reads_its_severity_default()
    {
        var alert = new Alert
        {
            Id = Guid.NewGuid(), Rule = "r", Group = new Dictionary<string, string>(), GroupKey = "", Severity = Severity.Warning,
            State = AlertState.Firing, StartedAt = T0,
        };
        Assert.Equal(Priority.P2, alert.Priority);
        Assert.Equal(Priority.P0, (alert with { Priority = Priority.P0 }).Priority);
        Assert.Equal(Priority.P0, (alert with { Priority = Priority.P0, Severity = Severity.Info }).Priority);
        Assert.Equal(Priority.P1, (alert with { Severity = Severity.Critical }).Priority);
    }

    [Fact]
    public void Acknowledge_targets_must_be_positive_durations_of_at_most_31_days_and_name_their_setting()
    {
        var v = new IncidentOptionsValidator();
        Assert.True(v.Validate(null, new IncidentOptions()).Succeeded);
        var defaults = new IncidentOptions();
        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), TimeSpan.FromHours(4), TimeSpan.FromHours(24)),
            (defaults.TargetFor(Priority.P0), defaults.TargetFor(Priority.P1), defaults.TargetFor(Priority.P2), defaults.TargetFor(Priority.P3)));
        Assert.True(v.Validate(null, new IncidentOptions { AckTarget = new AckTargetOptions { P0 = "1s", P3 = "31d" } }).Succeeded);
        Assert.Equal("Vigil:Incidents:AckTarget:P1 must be a duration such as 5m, 1h or 24h (was 'soon').",
            v.Validate(null, new IncidentOptions { AckTarget = new AckTargetOptions { P1 = "soon" } }).FailureMessage);
        Assert.Equal("Vigil:Incidents:AckTarget:P3 must be more than 0 and at most 31 days (was '32d').",
            v.Validate(null, new IncidentOptions { AckTarget = new AckTargetOptions { P3 = "32d" } }).FailureMessage);
        var both = v.Validate(null, new IncidentOptions { AckTarget = new AckTargetOptions { P0 = "0s", P2 = "" } }).FailureMessage;
        Assert.Contains("AckTarget:P0", both);
        Assert.Contains("AckTarget:P2", both);
        Assert.DoesNotContain("AckTarget:P1", both);
    }
}
