using Vigil.Core.Alerts;
using Vigil.Core.Metrics;

namespace Vigil.Core.Tests;

/// <summary>Whether a resolve notice goes out, and what it says, on each way an open alert ends.</summary>
public class AlertStateMachineEdgeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static AlertRule Rule(TimeSpan? forDuration = null) => new()
    {
        Name = "high_error_rate", Metric = AlertMetric.ErrorRate, Window = TimeSpan.FromMinutes(5), Comparator = Comparator.GreaterThan,
        Threshold = 0.05, Severity = Severity.Critical, For = forDuration ?? TimeSpan.Zero, Channels = ["slack"], GroupBy = [Dimension.Bot],
    };

    private static Observation Observed(double value) =>
        new(new Dictionary<string, string> { ["bot"] = "lead_bot" }, "bot=lead_bot", value, 0.05, value > 0.05);

    private static AlertChange? Decide(AlertRule? rule, Observation? observation, Alert? open, DateTimeOffset at) =>
        AlertStateMachine.Decide(rule, observation, open, null, Align.Floor(at, Resolution.Minute), at, Guid.NewGuid);

    private static Alert Open(AlertRule rule, double value = 0.2) => Assert.IsType<OpenAlert>(Decide(rule, Observed(value), null, T0)).Alert;

    [Fact]
    public void Deleting_the_rule_of_a_firing_alert_sends_a_resolve_notice_with_the_last_value()
    {
        var alert = Open(Rule(), 0.3);
        var resolve = Assert.IsType<ResolveAlert>(Decide(null, Observed(0.9), alert, T0.AddMinutes(2)));
        Assert.True(resolve.WasFired);
        Assert.Equal(0.3, resolve.Value);
        Assert.Equal(alert.Id, resolve.Id);
        Assert.Equal(T0.AddMinutes(2), resolve.At);
        Assert.Equal("the rule was deleted or disabled", resolve.Reason);
    }

    [Fact]
    public void Deleting_the_rule_of_a_pending_alert_resolves_it_quietly()
    {
        var alert = Open(Rule(TimeSpan.FromMinutes(5)));
        Assert.Equal(AlertState.Pending, alert.State);
        var resolve = Assert.IsType<ResolveAlert>(Decide(null, null, alert, T0.AddMinutes(2)));
        Assert.False(resolve.WasFired);
    }

    [Fact]
    public void When_the_data_disappears_the_notice_carries_the_last_value_seen()
    {
        var alert = Open(Rule(), 0.4);
        var resolve = Assert.IsType<ResolveAlert>(Decide(Rule(), null, alert, T0.AddMinutes(1)));
        Assert.Equal(0.4, resolve.Value);
        Assert.Equal("no longer enough data to hold", resolve.Reason);
        Assert.True(resolve.WasFired);
    }

    [Fact]
    public void When_the_condition_clears_the_notice_says_the_value_and_the_threshold()
    {
        var resolve = Assert.IsType<ResolveAlert>(Decide(Rule(), Observed(0.01234), Open(Rule()), T0.AddMinutes(1)));
        Assert.Equal("error_rate is 0.012, no longer > 0.05", resolve.Reason);
        Assert.Equal(0.01234, resolve.Value);
    }

    [Fact]
    public void A_pending_alert_fires_exactly_when_it_has_held_for_its_duration()
    {
        var rule = Rule(TimeSpan.FromMinutes(3));
        var alert = Open(rule);
        Assert.IsNotType<FireAlert>(Decide(rule, Observed(0.2), alert, T0.AddMinutes(2).AddSeconds(59)));
        Assert.IsType<FireAlert>(Decide(rule, Observed(0.2), alert, T0.AddMinutes(3)));
    }

    [Fact]
    public void A_changed_value_or_threshold_updates_the_open_alert()
    {
        var alert = Open(Rule(), 0.2);
        var update = Assert.IsType<UpdateAlert>(Decide(Rule(), Observed(0.3), alert, T0.AddMinutes(1)));
        Assert.Equal((0.3, 0.05), (update.Value, update.Threshold));
        var moved = Observed(0.2) with { Threshold = 0.1 };
        Assert.Equal(0.1, Assert.IsType<UpdateAlert>(Decide(Rule(), moved, alert, T0.AddMinutes(1))).Threshold);
        Assert.Null(Decide(Rule(), Observed(0.2), alert, T0.AddMinutes(1)));
    }

    [Fact]
    public void An_opened_alert_carries_what_its_notice_needs()
    {
        var alert = Open(Rule() with { Description = "errors", TenantId = "acme" });
        Assert.Equal("high_error_rate", alert.Rule);
        Assert.Equal("acme", alert.RuleTenantId);
        Assert.Equal("bot=lead_bot", alert.GroupKey);
        Assert.Equal("lead_bot", alert.Group["bot"]);
        Assert.Equal(Severity.Critical, alert.Severity);
        Assert.Equal(["slack"], alert.Channels);
        Assert.Equal("error_rate", alert.Metric);
        Assert.Equal(">", alert.Comparator);
        Assert.Equal("5m", alert.Window);
        Assert.Equal("errors", alert.Description);
        Assert.Equal(T0, alert.StartedAt);
    }
}
