using Vigil.Core.Alerts;

namespace Vigil.Core.Tests;

/// <summary>Escalation at its edges: when an alert counts as fired, the limits of a policy, and bad settings.</summary>
public class EscalationEdgeTests
{
    private static readonly DateTimeOffset Started = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static Alert Alert(DateTimeOffset? firedAt, bool escalates = true) => new()
    {
        Id = Guid.NewGuid(), Rule = "r", Group = new Dictionary<string, string>(), GroupKey = "", Severity = Severity.Critical,
        State = AlertState.Firing, StartedAt = Started, FiredAt = firedAt, Escalates = escalates, Channels = ["slack"],
    };

    private static EscalationPolicy Policy(params double[] minutes) => new()
    {
        Name = "p",
        Levels = [.. minutes.Select(m => new EscalationLevel(TimeSpan.FromMinutes(m), ["slack"], []))],
    };

    [Fact]
    public void Levels_count_from_when_the_alert_fired_after_its_pending_period()
    {
        var fired = Started.AddMinutes(4);
        var plan = EscalationPlanner.Plan(Alert(fired), Policy(0, 10));
        Assert.Equal(fired.UtcDateTime, plan.FiredAtUtc);
        Assert.Equal([fired, fired.AddMinutes(10)], plan.Steps.Select(plan.DueAt));
    }

    [Fact]
    public void An_alert_without_a_firing_time_counts_from_its_start()
    {
        var plan = EscalationPlanner.Plan(Alert(null), Policy(0, 10));
        Assert.Equal(Started.UtcDateTime, plan.FiredAtUtc);
    }

    [Fact]
    public void The_firing_time_is_kept_to_the_microsecond_as_the_database_keeps_it()
    {
        var fired = Started.AddTicks(1_234_567); // 0.1234567 s: the last tick is below a microsecond
        var plan = EscalationPlanner.Plan(Alert(fired), Policy(0));
        Assert.Equal(Started.UtcDateTime.AddTicks(1_234_560), plan.FiredAtUtc);
        Assert.Equal(DateTimeKind.Utc, plan.FiredAtUtc.Kind);
    }

    [Fact]
    public void A_plan_numbers_its_steps_in_order_and_finds_the_next_one()
    {
        var plan = EscalationPlanner.Plan(Alert(Started), Policy(0, 5, 15) with { Repeat = 1 });
        Assert.Equal([1, 2, 3, 4, 5, 6], plan.Steps.Select(s => s.Sequence));
        Assert.Equal([1, 2, 3, 1, 2, 3], plan.Steps.Select(s => s.Level));
        Assert.Equal([0, 0, 0, 1, 1, 1], plan.Steps.Select(s => s.Cycle));
        Assert.Equal(3, plan.LevelCount);
        Assert.Equal("p", plan.Policy);
        Assert.Equal(4, plan.After(plan.Steps[2])!.Sequence);
        Assert.Null(plan.After(plan.Steps[^1]));
        Assert.Equal(5, plan.Find(5)!.Sequence);
        Assert.Null(plan.Find(7));
        // The second cycle starts 10 minutes (the last gap) after level 3.
        Assert.Equal(TimeSpan.FromMinutes(25), plan.Steps[3].After);
    }

    [Fact]
    public void A_one_level_policy_repeats_after_its_own_delay_and_never_faster_than_a_minute()
    {
        Assert.Equal(TimeSpan.FromMinutes(20), Policy(10).CycleLength);
        Assert.Equal(TimeSpan.FromMinutes(1), Policy(0).CycleLength);
        Assert.Equal(TimeSpan.FromMinutes(2), Policy(0.5, 1).CycleLength);
        Assert.Equal(TimeSpan.FromMinutes(17), (Policy(0, 5) with { RepeatInterval = TimeSpan.FromMinutes(12) }).CycleLength);
    }

    [Fact]
    public void Policy_limits_are_inclusive()
    {
        var ten = new EscalationPolicy { Name = "p", Levels = [.. Enumerable.Range(0, 10).Select(i => new EscalationLevel(TimeSpan.FromMinutes(i), ["rule"], []))] };
        Assert.Empty(ten.Problems());
        Assert.Empty((ten with { Repeat = 10 }).Problems());
        Assert.Empty((ten with { Repeat = 0, RepeatInterval = TimeSpan.FromMinutes(1) }).Problems());
        Assert.Empty((ten with { RepeatInterval = TimeSpan.FromDays(7) }).Problems());
        Assert.Equal([("repeat_interval", "repeat_interval is 1m to 7d.")], (ten with { RepeatInterval = TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1) }).Problems());
        Assert.Equal([("repeat", "repeat is 0 to 10.")], (ten with { Repeat = -1 }).Problems());
    }

    [Fact]
    public void Each_problem_of_a_policy_is_named_with_its_field()
    {
        var policy = new EscalationPolicy
        {
            Name = "p",
            Levels = [new(TimeSpan.FromMinutes(-1), ["slack"], []), new(TimeSpan.FromMinutes(-2), [], [])],
        };
        Assert.Equal(
            [
                "levels[0].after: after must not be negative.",
                "levels[1].after: after must not be negative.",
                $"levels[1].after: each level's after must be later than the one before ({DurationText.Format(TimeSpan.FromMinutes(-1))}).",
                "levels[1]: a level sends to at least one channel or person.",
            ],
            policy.Problems().Select(p => $"{p.Field}: {p.Message}"));
        Assert.Equal("a policy has 1 to 10 levels (got 0).", Assert.Single(new EscalationPolicy { Name = "p", Levels = [] }.Problems()).Message);
    }

    [Fact]
    public void A_level_may_notify_only_people()
    {
        var policy = new EscalationPolicy { Name = "p", Levels = [new(TimeSpan.Zero, [], [new NotifyTarget(false, "alice", false)])] };
        Assert.Empty(policy.Problems());
        Assert.Equal(["person:alice"], EscalationPlanner.Plan(Alert(Started), policy).Steps[0].Notify);
    }

    [Theory]
    [InlineData(5, 15, true)]
    [InlineData(1, 2, true)]
    [InlineData(0, 15, false)]
    [InlineData(-5, 15, false)]
    [InlineData(15, 15, false)]
    [InlineData(20, 15, false)]
    public void The_default_policys_settings_need_level_2_before_level_3_and_after_zero(int level2, int level3, bool valid)
    {
        var options = new EscalationOptions { Level2After = TimeSpan.FromMinutes(level2), Level3After = TimeSpan.FromMinutes(level3) };
        var result = new EscalationOptionsValidator().Validate(null, options);
        Assert.Equal(valid, result.Succeeded);
        if (!valid) Assert.Contains("Vigil:Escalation: need 0 < Level2After < Level3After", result.FailureMessage);
    }

    [Fact]
    public void Only_a_firing_alert_keeps_escalating()
    {
        foreach (var state in Enum.GetValues<AlertState>()) Assert.Equal(state == AlertState.Firing, EscalationPlanner.Continues(state));
    }
}
