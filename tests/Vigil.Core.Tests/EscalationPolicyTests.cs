using Vigil.Core.Alerts;
using Vigil.Core.Notifications;

namespace Vigil.Core.Tests;

public class EscalationPolicyTests
{
    private static readonly DateTimeOffset Fired = new(2026, 11, 21, 10, 0, 7, TimeSpan.Zero);

    private static Alert Firing(bool escalates = true, string[]? channels = null) => new()
    {
        Id = Guid.NewGuid(), Rule = "r", Group = new Dictionary<string, string>(), GroupKey = "", Severity = Severity.Critical,
        State = AlertState.Firing, StartedAt = Fired.AddMinutes(-3), FiredAt = Fired, Escalates = escalates, Channels = channels ?? ["slack"],
    };

    private static EscalationPolicy Default() => EscalationPolicy.Default(new EscalationOptions(), Fired);

    [Fact]
    public void The_default_policy_goes_to_the_rule_channels_then_email_slack_webhook_then_pagerduty_opsgenie()
    {
        var plan = EscalationPlanner.Plan(Firing(channels: ["slack"]), Default());
        Assert.Equal(["slack"], plan.Steps[0].Channels);
        Assert.Equal(["email", "slack", "webhook"], plan.Steps[1].Channels);
        Assert.Equal(["pagerduty", "opsgenie"], plan.Steps[2].Channels);
        Assert.Equal(3, plan.LevelCount);
    }

    [Fact]
    public void The_default_levels_come_due_at_once_after_5_minutes_and_after_15_minutes_from_firing_not_from_the_start()
    {
        var plan = EscalationPlanner.Plan(Firing(), Default());
        Assert.Equal([Fired, Fired.AddMinutes(5), Fired.AddMinutes(15)], plan.Steps.Select(plan.DueAt));
    }

    [Fact]
    public void The_default_follows_the_level_settings()
    {
        var policy = EscalationPolicy.Default(new EscalationOptions { Level2After = TimeSpan.FromMinutes(2), Level3After = TimeSpan.FromMinutes(7) }, Fired);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(7)], policy.Levels.Select(l => l.After));
        Assert.True(policy.ManagedBySettings);
    }

    [Fact]
    public void An_alert_that_does_not_escalate_gets_level_one_once_even_from_a_repeating_policy()
    {
        var plan = EscalationPlanner.Plan(Firing(escalates: false), Default() with { Repeat = 3 });
        var only = Assert.Single(plan.Steps);
        Assert.Equal((1, 1, 0), (only.Sequence, only.Level, only.Cycle));
    }

    [Fact]
    public void Critical_rules_escalate_and_warnings_notify_once_unless_configured()
    {
        var critical = new AlertRule { Name = "a", Metric = AlertMetric.ErrorRate, Window = TimeSpan.FromMinutes(5), Comparator = Comparator.GreaterThan, Threshold = 1, Severity = Severity.Critical };
        Assert.True(critical.Escalates);
        Assert.False((critical with { Severity = Severity.Warning }).Escalates);
        Assert.True((critical with { Severity = Severity.Warning, Escalate = true }).Escalates);
        Assert.False((critical with { Escalate = false }).Escalates);
        Assert.Equal(EscalationPolicy.DefaultName, critical.EscalationPolicyName);
    }

    [Theory]
    [InlineData(AlertState.Firing, true)]
    [InlineData(AlertState.Acknowledged, false)]
    [InlineData(AlertState.Resolved, false)]
    [InlineData(AlertState.Pending, false)]
    public void Escalation_stops_on_acknowledgement_or_resolution(AlertState state, bool continues) =>
        Assert.Equal(continues, EscalationPlanner.Continues(state));

    [Fact]
    public void A_repeating_policy_starts_over_after_the_last_level_by_the_gap_between_the_last_two()
    {
        var policy = new EscalationPolicy
        {
            Name = "p",
            Levels = [new(TimeSpan.Zero, ["slack"], []), new(TimeSpan.FromMinutes(10), ["pagerduty"], [])],
            Repeat = 2,
        };
        var plan = EscalationPlanner.Plan(Firing(), policy);
        Assert.Equal([0, 10, 20, 30, 40, 50], plan.Steps.Select(s => s.After.TotalMinutes));
        Assert.Equal([1, 2, 1, 2, 1, 2], plan.Steps.Select(s => s.Level));
        Assert.Equal([0, 0, 1, 1, 2, 2], plan.Steps.Select(s => s.Cycle));
        Assert.Equal([1, 2, 3, 4, 5, 6], plan.Steps.Select(s => s.Sequence));
        Assert.Equal(plan.Steps[3], plan.After(plan.Steps[2]));
        Assert.Null(plan.After(plan.Steps[5]));
    }

    [Fact]
    public void A_repeat_interval_sets_the_gap_before_each_new_cycle()
    {
        var policy = new EscalationPolicy { Name = "p", Levels = [new(TimeSpan.Zero, ["slack"], [])], Repeat = 2, RepeatInterval = TimeSpan.FromMinutes(30) };
        Assert.Equal([0, 30, 60], EscalationPlanner.Plan(Firing(), policy).Steps.Select(s => s.After.TotalMinutes));
    }

    [Fact]
    public void The_rule_channels_stand_in_for_rule_without_duplicates()
    {
        var policy = new EscalationPolicy { Name = "p", Levels = [new(TimeSpan.Zero, ["rule", "slack", "email"], [new NotifyTarget(true, "primary", false)])] };
        var step = EscalationPlanner.Plan(Firing(channels: ["slack", "teams"]), policy).Steps[0];
        Assert.Equal(["slack", "teams", "email"], step.Channels);
        Assert.Equal(["schedule:primary"], step.Notify);
    }

    [Fact]
    public void The_runbook_policy_pages_primary_secondary_manager_and_vp_at_0_15_45_and_105_minutes()
    {
        var runbook = EscalationPolicy.Runbook(Fired);
        Assert.Equal([0, 15, 45, 105], runbook.Levels.Select(l => l.After.TotalMinutes));
        Assert.Equal(["schedule:primary-oncall", "schedule:primary-oncall:secondary", "person:engineering-manager", "person:vp-engineering"],
            runbook.Levels.Select(l => l.Notify.Single().ToString()));
        Assert.Empty(runbook.Problems());
        Assert.False(runbook.ManagedBySettings);
    }

    [Fact]
    public void A_policy_with_no_levels_unordered_delays_unknown_channels_or_too_many_repeats_is_refused()
    {
        Assert.Contains(new EscalationPolicy { Name = "p", Levels = [] }.Problems(), p => p.Field == "levels");
        var unordered = new EscalationPolicy { Name = "p", Levels = [new(TimeSpan.FromMinutes(5), ["slack"], []), new(TimeSpan.FromMinutes(5), ["email"], [])] };
        Assert.Contains(unordered.Problems(), p => p.Field == "levels[1].after");
        var unknown = new EscalationPolicy { Name = "p", Levels = [new(TimeSpan.Zero, ["carrier-pigeon"], [])] };
        Assert.Contains(unknown.Problems(), p => p.Field == "levels[0].channels" && p.Message.Contains("carrier-pigeon"));
        var empty = new EscalationPolicy { Name = "p", Levels = [new(TimeSpan.Zero, [], [])] };
        Assert.Contains(empty.Problems(), p => p.Field == "levels[0]");
        Assert.Contains((Default() with { Repeat = 11 }).Problems(), p => p.Field == "repeat");
        Assert.Contains((Default() with { RepeatInterval = TimeSpan.FromSeconds(10) }).Problems(), p => p.Field == "repeat_interval");
        var eleven = new EscalationPolicy { Name = "p", Levels = [.. Enumerable.Range(0, 11).Select(i => new EscalationLevel(TimeSpan.FromMinutes(i), ["slack"], []))] };
        Assert.Contains(eleven.Problems(), p => p.Field == "levels");
        Assert.Empty(Default().Problems());
    }

    [Theory]
    [InlineData("person:alice", "person:alice")]
    [InlineData("schedule:primary-oncall", "schedule:primary-oncall")]
    [InlineData("schedule:primary-oncall:secondary", "schedule:primary-oncall:secondary")]
    [InlineData("alice", null)]
    [InlineData("person:", null)]
    [InlineData("person:Alice", null)]
    [InlineData("schedule:x:tertiary", null)]
    [InlineData("team:sre", null)]
    public void Notify_targets_are_people_or_schedules_primary_or_secondary(string text, string? parsed)
    {
        var ok = NotifyTarget.TryParse(text, out var target, out var error);
        Assert.Equal(parsed is not null, ok);
        if (ok) Assert.Equal(parsed, target.ToString());
        else Assert.Contains(text, error);
    }

    [Fact]
    public void People_add_the_channels_their_contact_points_allow_and_every_send_names_them()
    {
        var step = new EscalationStep(2, 2, 0, TimeSpan.FromMinutes(15), ["webhook"], ["schedule:primary"]);
        var alice = new Recipient("alice", "Alice", "alice@example.com", "U024BE7LH", null, null);
        var bob = new Recipient("bob", "Bob", null, null, "bob@contoso.com", "+4915112345678");
        var sends = EscalationService.Sends(step, [alice, bob]);
        Assert.Equal(["webhook", "email", "slack", "teams"], sends.Select(s => s.Channel));
        Assert.All(sends, s => Assert.Equal(["alice", "bob"], s.Recipients));
        Assert.Equal(["webhook"], EscalationService.Sends(step, []).Select(s => s.Channel));
    }
}
