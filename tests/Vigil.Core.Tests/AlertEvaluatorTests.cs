using Vigil.Core.Alerts;
using Vigil.Core.Conversations;
using Vigil.Core.Metrics;
using Vigil.Core.Tests.Fakes;

namespace Vigil.Core.Tests;

/// <summary>
/// EvaluateAlerts on in-memory rollups and alerts: which alerts open, fire and resolve for what the
/// rollups say, the window each rule reads, and the escalation a firing alert is given.
/// </summary>
public class AlertEvaluatorTests
{
    // 10:00:30: a 5 minute rule reads the minutes 09:56 to 10:00 (up to the ceiling, 10:01).
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 0, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset Minute = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static AlertRule ErrorRate(string name = "high_error_rate", double threshold = 0.1, string? tenant = null) => new()
    {
        TenantId = tenant,
        Name = name,
        Metric = AlertMetric.ErrorRate,
        Window = TimeSpan.FromMinutes(5),
        Comparator = Comparator.GreaterThan,
        Threshold = threshold,
        Severity = Severity.Critical,
        Channels = ["slack"],
        GroupBy = [Dimension.Bot],
    };

    private static RollupCounters Calls(long calls, long errors) => new() { Events = calls + 1, Calls = calls, Errors = errors };

    private static (Dimension, string) Bot(string bot) => (Dimension.Bot, bot);

    [Fact]
    public async Task A_group_over_its_threshold_fires_with_its_value_and_the_others_do_not()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate());
        h.Rollups.Add(Minute.AddMinutes(-2), Calls(40, 10), Bot("lead_bot"), (Dimension.TenantId, "acme"));
        h.Rollups.Add(Minute.AddMinutes(-1), Calls(60, 3), Bot("buyer_bot"), (Dimension.TenantId, "acme"));

        var report = await h.EvaluateAsync();

        var alert = h.Only();
        Assert.Equal(AlertState.Firing, alert.State);
        Assert.Equal("high_error_rate", alert.Rule);
        Assert.Equal("bot=lead_bot", alert.GroupKey);
        Assert.Equal(0.25, alert.Value);
        Assert.Equal(0.1, alert.Threshold);
        Assert.Equal(Now, alert.FiredAt);
        Assert.Equal((1, 2, 1, 1, 0), (report.Rules, report.Observations, report.Opened, report.Fired, report.Resolved));
        Assert.Equal(alert.Id, Assert.Single(report.FiredAlerts).Id);
        Assert.Equal(alert.Id, Assert.Single(h.Driver.Fired).Id);
        Assert.True(h.Alerts.LastSession!.Committed);
        Assert.True(h.Alerts.LastSession.Disposed);
    }

    [Fact]
    public async Task A_firing_alert_gets_the_default_escalation_from_the_settings()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate());
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"));

        await h.EvaluateAsync();

        var plan = h.Only().Plan!;
        Assert.Equal(EscalationPolicy.DefaultName, plan.Policy);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMinutes(7), TimeSpan.FromMinutes(19)], plan.Steps.Select(s => s.After));
        Assert.Equal(["slack"], plan.Steps[0].Channels);
        Assert.Equal(Now.UtcDateTime, plan.FiredAtUtc);
    }

    [Fact]
    public async Task The_window_is_the_rules_minutes_up_to_the_current_one()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate());
        h.Rollups.Add(Minute.AddMinutes(-4), Calls(10, 9), Bot("first_minute"));
        h.Rollups.Add(Minute.AddMinutes(-5), Calls(10, 9), Bot("too_old"));
        h.Rollups.Add(Minute, Calls(10, 9), Bot("this_minute"));
        h.Rollups.Add(Minute.AddMinutes(1), Calls(10, 9), Bot("future"));

        var report = await h.EvaluateAsync();

        Assert.Equal(["bot=first_minute", "bot=this_minute"], h.Alerts.Alerts.Values.Select(a => a.GroupKey).Order(StringComparer.Ordinal));
        Assert.Equal(2, report.Observations);
    }

    [Fact]
    public async Task A_long_window_starts_at_the_hour()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate() with { Window = TimeSpan.FromDays(8) });
        // 8 days before 10:01 is 10:01 eight days ago; past the minute-precision limit the window starts at 10:00.
        h.Rollups.Add(Minute.AddDays(-8), Calls(10, 9), Bot("hour_start"));
        h.Rollups.Add(Minute.AddDays(-8).AddMinutes(-1), Calls(10, 9), Bot("before"));

        await h.EvaluateAsync();

        Assert.Equal("bot=hour_start", h.Only().GroupKey);
    }

    [Fact]
    public async Task A_seven_day_window_keeps_minute_precision()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate() with { Window = TimeSpan.FromDays(7) });
        h.Rollups.Add(Minute.AddDays(-7).AddMinutes(1), Calls(10, 9), Bot("first_minute"));
        h.Rollups.Add(Minute.AddDays(-7), Calls(10, 9), Bot("before"));

        await h.EvaluateAsync();

        Assert.Equal("bot=first_minute", h.Only().GroupKey);
    }

    [Fact]
    public async Task Firing_alerts_are_logged_with_their_value_and_threshold()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate());
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"));

        await h.EvaluateAsync();

        Assert.Equal("Alert high_error_rate fired for bot=lead_bot: value 0.25 against 0.1", h.EvaluatorLog.Single(1311));
    }

    [Fact]
    public async Task A_firing_alert_gets_its_plan_even_when_others_only_open_pending()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate());
        h.Rules.Rules.Add(ErrorRate("slow") with { For = TimeSpan.FromMinutes(5) });
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"));

        await h.EvaluateAsync();

        Assert.NotNull(h.Alerts.Alerts.Values.Single(a => a.Rule == "high_error_rate").Plan);
        Assert.Null(h.Alerts.Alerts.Values.Single(a => a.Rule == "slow").Plan);
    }

    [Fact]
    public async Task Running_twice_in_a_minute_changes_nothing_the_second_time()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate());
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"));
        await h.EvaluateAsync();

        h.Clock.Advance(TimeSpan.FromSeconds(20));
        var again = await h.EvaluateAsync();

        Assert.Equal((1, 0, 0, 0), (again.Observations, again.Opened, again.Fired, again.Resolved));
        Assert.Empty(h.Alerts.LastSession!.Applied);
        Assert.Single(h.Driver.Fired);
    }

    [Fact]
    public async Task A_new_value_of_a_firing_alert_is_kept_without_firing_again()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate());
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"));
        await h.EvaluateAsync();

        h.Rollups.Add(Minute, Calls(40, 30), Bot("lead_bot"));
        var again = await h.EvaluateAsync();

        Assert.Equal(0.5, h.Only().Value);
        Assert.Equal(0, again.Fired);
        Assert.IsType<UpdateAlert>(Assert.Single(h.Alerts.LastSession!.Applied));
    }

    [Fact]
    public async Task A_fired_alert_that_clears_resolves_and_its_channels_hear_of_it()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate());
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"));
        await h.EvaluateAsync();
        var fired = h.Only();
        Assert.Equal(StepResult.Sent, (await h.Service.SendStepAsync(fired.Id, fired.Plan!.Steps[0], CancellationToken.None)).Result);

        h.Rollups.Rows.Clear();
        h.Rollups.Add(Minute, Calls(40, 2), Bot("lead_bot"));
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        var report = await h.EvaluateAsync();

        var resolved = h.Only();
        Assert.Equal(AlertState.Resolved, resolved.State);
        Assert.Equal("error_rate is 0.05, no longer > 0.1", resolved.ResolveReason);
        Assert.Equal(1, report.Resolved);
        Assert.Equal([resolved.Id], report.StoppedAlerts);
        Assert.Equal(["trigger", "resolve"], h.Sender.Sent.Select(s => s.Notification.Event));
        Assert.All(h.Sender.Sent, s => Assert.Equal("slack", s.Channel));
    }

    [Fact]
    public async Task A_pending_alert_resolving_tells_nobody()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate() with { For = TimeSpan.FromMinutes(3) });
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"));
        await h.EvaluateAsync();

        h.Rollups.Rows.Clear();
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        var report = await h.EvaluateAsync();

        Assert.Equal(AlertState.Resolved, h.Only().State);
        Assert.Equal("no longer enough data to hold", h.Only().ResolveReason);
        Assert.Equal(1, report.Resolved);
        Assert.Empty(h.Sender.Sent);
    }

    [Fact]
    public async Task With_a_for_duration_the_alert_fires_once_it_has_held_that_long_with_its_plan_from_then()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate() with { For = TimeSpan.FromMinutes(2) });
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"));

        var first = await h.EvaluateAsync();
        Assert.Equal((1, 0), (first.Opened, first.Fired));
        Assert.Equal(AlertState.Pending, h.Only().State);
        Assert.Empty(h.Driver.Fired);

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        h.Rollups.Add(Minute.AddMinutes(1), Calls(40, 10), Bot("lead_bot"));
        Assert.Equal(0, (await h.EvaluateAsync()).Fired);

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        h.Rollups.Add(Minute.AddMinutes(2), Calls(40, 10), Bot("lead_bot"));
        var third = await h.EvaluateAsync();

        var alert = h.Only();
        Assert.Equal((0, 1), (third.Opened, third.Fired));
        Assert.Equal(AlertState.Firing, alert.State);
        Assert.Equal(alert.Id, Assert.Single(h.Driver.Fired).Id);
        Assert.Equal(Now.AddMinutes(2).UtcDateTime, alert.Plan!.FiredAtUtc);
        Assert.Equal(alert.Id, alert.Plan.AlertId);
    }

    [Fact]
    public async Task An_alert_whose_rule_was_disabled_resolves()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate());
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"));
        await h.EvaluateAsync();

        h.Rules.Rules[0] = h.Rules.Rules[0] with { Enabled = false };
        var report = await h.EvaluateAsync();

        Assert.Equal(0, report.Rules);
        Assert.Equal("the rule was deleted or disabled", h.Only().ResolveReason);
        Assert.Equal(1, report.Resolved);
    }

    [Fact]
    public async Task A_rate_needs_its_minimum_samples_and_a_count_does_not()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate() with { MinSamples = 20 });
        h.Rules.Rules.Add(new AlertRule
        {
            Name = "busy",
            Metric = AlertMetric.EventCount,
            Window = TimeSpan.FromMinutes(5),
            Comparator = Comparator.GreaterOrEqual,
            Threshold = 11,
            MinSamples = 1000,
            Severity = Severity.Warning,
            GroupBy = [Dimension.Bot],
        });
        h.Rollups.Add(Minute, Calls(19, 10), Bot("small_bot"));
        h.Rollups.Add(Minute, Calls(20, 10), Bot("enough_bot"));

        await h.EvaluateAsync();

        Assert.Equal(["busy:bot=enough_bot", "busy:bot=small_bot", "high_error_rate:bot=enough_bot"],
            h.Alerts.Alerts.Values.Select(a => $"{a.Rule}:{a.GroupKey}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_tenants_rule_reads_only_that_tenants_data_and_its_alerts_are_that_tenants()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate(tenant: "acme"));
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"), (Dimension.TenantId, "acme"));
        h.Rollups.Add(Minute, Calls(40, 30), Bot("other_bot"), (Dimension.TenantId, "globex"));

        await h.EvaluateAsync();

        var alert = h.Only();
        Assert.Equal("bot=lead_bot", alert.GroupKey);
        Assert.Equal("acme", alert.TenantId);
        Assert.Equal("acme", alert.RuleTenantId);
    }

    [Fact]
    public async Task A_rules_filter_leaves_out_other_values()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate() with { Filters = new MetricFilter().With(Dimension.Operation, "process", "qualify") });
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"), (Dimension.Operation, "process"));
        h.Rollups.Add(Minute, Calls(40, 30), Bot("buyer_bot"), (Dimension.Operation, "other"));
        h.Rollups.Add(Minute, Calls(40, 30), Bot("seller_bot"), (Dimension.Operation, "qualify"));

        await h.EvaluateAsync();

        Assert.Equal(["bot=lead_bot", "bot=seller_bot"], h.Alerts.Alerts.Values.Select(a => a.GroupKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Rules_with_the_same_window_and_filters_read_the_rollups_once()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate("a"));
        h.Rules.Rules.Add(ErrorRate("b", threshold: 0.3));
        h.Rules.Rules.Add(ErrorRate("c") with { Window = TimeSpan.FromMinutes(10) });
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"));

        var report = await h.EvaluateAsync();

        Assert.Equal(2, h.Rollups.Queries.Count);
        Assert.Equal(["a", "c"], h.Alerts.Alerts.Values.Select(a => a.Rule).Order(StringComparer.Ordinal));
        Assert.Equal(3, report.Observations);
    }

    [Fact]
    public async Task Two_rules_with_different_filters_each_read_their_own_groups()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate("lead") with { Filters = new MetricFilter().With(Dimension.Bot, "lead_bot") });
        h.Rules.Rules.Add(ErrorRate("buyer") with { Filters = new MetricFilter().With(Dimension.Bot, "buyer_bot") });
        h.Rules.Rules.Add(ErrorRate("by_operation") with { GroupBy = [Dimension.Operation] });
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"), (Dimension.Operation, "process"));
        h.Rollups.Add(Minute, Calls(40, 20), Bot("buyer_bot"), (Dimension.Operation, "process"));

        await h.EvaluateAsync();

        Assert.Equal(["buyer:bot=buyer_bot:0.5", "by_operation:operation=process:0.375", "lead:bot=lead_bot:0.25"],
            h.Alerts.Alerts.Values.Select(a => $"{a.Rule}:{a.GroupKey}:{a.Value}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_handoff_metric_counts_only_handoffs()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate() with { Metric = AlertMetric.HandoffFailureRate });
        h.Rollups.Add(Minute, Calls(10, 5), Bot("lead_bot"), (Dimension.Type, "handoff"));
        h.Rollups.Add(Minute, Calls(30, 0), Bot("lead_bot"), (Dimension.Type, "llm_call"));

        await h.EvaluateAsync();

        Assert.Equal(0.5, h.Only().Value);
    }

    [Fact]
    public async Task A_bot_seen_this_week_and_silent_now_counts_as_zero_events()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(new AlertRule
        {
            Name = "silent",
            Metric = AlertMetric.EventCount,
            Window = TimeSpan.FromMinutes(5),
            Comparator = Comparator.LessThan,
            Threshold = 1,
            Severity = Severity.Warning,
            GroupBy = [Dimension.TenantId, Dimension.Bot],
            Filters = new MetricFilter().With(Dimension.TenantId, "acme"),
        });
        h.Rollups.Add(Minute, Calls(5, 0), Bot("busy_bot"), (Dimension.TenantId, "acme"));
        h.Rollups.Add(Minute.AddDays(-2), Calls(5, 0), Bot("quiet_bot"), (Dimension.TenantId, "acme"));
        h.Rollups.Add(Minute.AddDays(-2), Calls(5, 0), Bot("foreign_bot"), (Dimension.TenantId, "globex"));
        h.Rollups.Add(Minute.AddDays(-8), Calls(5, 0), Bot("gone_bot"), (Dimension.TenantId, "acme"));

        await h.EvaluateAsync();

        var alert = h.Only();
        Assert.Equal("bot=quiet_bot|tenant_id=acme", alert.GroupKey);
        Assert.Equal(0, alert.Value);
        Assert.Equal("acme", alert.TenantId);
    }

    [Fact]
    public async Task Silent_bots_are_not_guessed_for_a_rule_grouped_by_more_than_bot_and_tenant()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(new AlertRule
        {
            Name = "silent",
            Metric = AlertMetric.EventCount,
            Window = TimeSpan.FromMinutes(5),
            Comparator = Comparator.LessThan,
            Threshold = 1,
            Severity = Severity.Warning,
            GroupBy = [Dimension.Bot, Dimension.Operation],
        });
        h.Rollups.Add(Minute.AddDays(-2), Calls(5, 0), Bot("quiet_bot"), (Dimension.Operation, "process"));

        var report = await h.EvaluateAsync();

        Assert.Empty(h.Alerts.Alerts);
        Assert.Equal(0, report.Observations);
    }

    [Fact]
    public async Task Silent_bots_need_the_rule_to_group_by_bot()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(new AlertRule
        {
            Name = "silent",
            Metric = AlertMetric.EventCount,
            Window = TimeSpan.FromMinutes(5),
            Comparator = Comparator.LessThan,
            Threshold = 1,
            Severity = Severity.Warning,
            GroupBy = [Dimension.TenantId],
        });
        h.Rollups.Add(Minute.AddDays(-2), Calls(5, 0), Bot("quiet_bot"), (Dimension.TenantId, "acme"));

        await h.EvaluateAsync();

        Assert.Empty(h.Alerts.Alerts);
    }

    [Fact]
    public async Task A_cost_spike_compares_the_window_with_the_one_before_it()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(new AlertRule
        {
            Name = "cost_spike",
            Metric = AlertMetric.CostSpikeRatio,
            Window = TimeSpan.FromMinutes(5),
            Comparator = Comparator.GreaterThan,
            Threshold = 2,
            Severity = Severity.Warning,
            GroupBy = [Dimension.Bot],
        });
        h.Rollups.Add(Minute, new RollupCounters { Events = 3, CostEvents = 3, CostUsd = 12m }, Bot("lead_bot"));
        h.Rollups.Add(Minute.AddMinutes(-5), new RollupCounters { Events = 3, CostEvents = 3, CostUsd = 4m }, Bot("lead_bot"));
        h.Rollups.Add(Minute.AddMinutes(-10), new RollupCounters { Events = 3, CostEvents = 3, CostUsd = 100m }, Bot("lead_bot"));
        h.Rollups.Add(Minute, new RollupCounters { Events = 3, CostEvents = 3, CostUsd = 5m }, Bot("steady_bot"));
        h.Rollups.Add(Minute.AddMinutes(-9), new RollupCounters { Events = 3, CostEvents = 3, CostUsd = 4m }, Bot("steady_bot"));

        await h.EvaluateAsync();

        var alert = h.Only();
        Assert.Equal("bot=lead_bot", alert.GroupKey);
        Assert.Equal(3, alert.Value);
    }

    private static RollupCounters Durations(params double[] ms)
    {
        var c = new RollupCounters { Events = ms.Length, Calls = ms.Length };
        foreach (var d in ms) c.Duration.Add(d);
        return c;
    }

    private static AlertRule SlaRule(SlaThreshold from) => new()
    {
        Name = "sla",
        Metric = AlertMetric.LatencyP95,
        Window = TimeSpan.FromMinutes(5),
        Comparator = Comparator.GreaterThan,
        ThresholdFrom = from,
        Severity = Severity.Warning,
        GroupBy = [Dimension.TenantId, Dimension.Bot, Dimension.Operation],
    };

    [Theory]
    [InlineData(SlaThreshold.P50, 150)]
    [InlineData(SlaThreshold.P95, 250)]
    [InlineData(SlaThreshold.P99, 350)]
    public async Task An_sla_rule_takes_its_threshold_from_the_target_of_each_group(SlaThreshold from, double threshold)
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(SlaRule(from));
        h.SlaTargets.Targets.Add(new SlaTarget(null, "lead_bot", "process", 150, 250, 350, ["bot_interaction"], Now));
        h.Rollups.Add(Minute, Durations(400, 410, 420), Bot("lead_bot"), (Dimension.Operation, "process"), (Dimension.Type, "bot_interaction"), (Dimension.TenantId, "acme"));
        // No target for this operation: no threshold, so no observation.
        h.Rollups.Add(Minute, Durations(900), Bot("lead_bot"), (Dimension.Operation, "other"), (Dimension.Type, "bot_interaction"), (Dimension.TenantId, "acme"));

        var report = await h.EvaluateAsync();

        var alert = h.Only();
        Assert.Equal(threshold, alert.Threshold);
        Assert.Equal("bot=lead_bot|operation=process|tenant_id=acme", alert.GroupKey);
        Assert.Equal(1, report.Observations);
    }

    [Fact]
    public async Task An_sla_rule_measures_only_the_targets_event_types_and_prefers_the_tenants_own_target()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(SlaRule(SlaThreshold.P95));
        h.SlaTargets.Targets.Add(new SlaTarget(null, "lead_bot", "process", 100, 200, 300, ["bot_interaction"], Now));
        h.SlaTargets.Targets.Add(new SlaTarget("acme", "lead_bot", "process", 100, 1000, 2000, ["bot_interaction"], Now));
        h.Rollups.Add(Minute, Durations(500, 500), Bot("lead_bot"), (Dimension.Operation, "process"), (Dimension.Type, "bot_interaction"), (Dimension.TenantId, "acme"));
        h.Rollups.Add(Minute, Durations(500, 500), Bot("lead_bot"), (Dimension.Operation, "process"), (Dimension.Type, "bot_interaction"), (Dimension.TenantId, "globex"));
        // LLM calls inside the interactions are not what the target measures.
        h.Rollups.Add(Minute, Durations(5000), Bot("lead_bot"), (Dimension.Operation, "process"), (Dimension.Type, "llm_call"), (Dimension.TenantId, "acme"));

        await h.EvaluateAsync();

        var alert = h.Only();
        Assert.Equal("globex", alert.TenantId);
        Assert.Equal(200, alert.Threshold);
        Assert.InRange(alert.Value!.Value, 490, 510);
    }

    [Fact]
    public async Task An_sla_rule_with_a_type_filter_measures_that_type()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(SlaRule(SlaThreshold.P95) with { Filters = new MetricFilter().With(Dimension.Type, "llm_call") });
        h.SlaTargets.Targets.Add(new SlaTarget(null, "lead_bot", "process", 100, 200, 300, ["bot_interaction"], Now));
        h.Rollups.Add(Minute, Durations(5000), Bot("lead_bot"), (Dimension.Operation, "process"), (Dimension.Type, "llm_call"), (Dimension.TenantId, "acme"));

        await h.EvaluateAsync();

        Assert.InRange(h.Only().Value!.Value, 4900, 5100);
    }

    [Fact]
    public async Task A_conversation_rule_reads_the_scored_conversations_of_its_window()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(new AlertRule
        {
            TenantId = "acme",
            Name = "few_resolved",
            Metric = AlertMetric.ResolutionRate,
            Window = TimeSpan.FromMinutes(30),
            Comparator = Comparator.LessThan,
            Threshold = 0.5,
            MinSamples = 4,
            Severity = Severity.Warning,
            GroupBy = [Dimension.Bot, Dimension.Operation],
            Filters = new MetricFilter().With(Dimension.Bot, "lead_bot", "buyer_bot"),
        });
        h.Conversations.Totals.Add(new ConversationGroup(null, "lead_bot", new ConversationTotals(10, 3, 7.5, 2, 1)));
        h.Conversations.Totals.Add(new ConversationGroup(null, "buyer_bot", new ConversationTotals(10, 8, 7.5, 2, 1)));
        h.Conversations.Totals.Add(new ConversationGroup(null, "tiny_bot", new ConversationTotals(3, 0, 1, 0, 0)));
        h.Conversations.Totals.Add(new ConversationGroup(null, null, new ConversationTotals(5, 1, 1, 0, 0)));

        var report = await h.EvaluateAsync();

        Assert.Equal(["bot=lead_bot|operation=:0.3", "bot=|operation=:0.2"], h.Alerts.Alerts.Values.Select(a => $"{a.GroupKey}:{a.Value}").Order(StringComparer.Ordinal));
        Assert.All(h.Alerts.Alerts.Values, a => Assert.Equal("acme", a.TenantId));
        Assert.Equal(3, report.Observations);
        var query = Assert.Single(h.Conversations.TotalsQueries);
        Assert.Equal((Minute.AddMinutes(-29), Minute.AddMinutes(1), false, true), (query.From, query.To, query.ByTenant, query.ByBot));
        Assert.Equal(["acme"], query.Tenants!);
        Assert.Equal(["lead_bot", "buyer_bot"], query.Bots!);
        Assert.Empty(h.Rollups.Queries);
    }

    [Fact]
    public async Task A_conversation_count_grouped_by_tenant_ignores_minimum_samples()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(new AlertRule
        {
            Name = "no_conversations",
            Metric = AlertMetric.Conversations,
            Window = TimeSpan.FromMinutes(30),
            Comparator = Comparator.LessThan,
            Threshold = 2,
            MinSamples = 50,
            Severity = Severity.Warning,
            GroupBy = [Dimension.TenantId],
        });
        h.Conversations.Totals.Add(new ConversationGroup("acme", null, new ConversationTotals(1, 1, 1, 0, 0)));
        h.Conversations.Totals.Add(new ConversationGroup(null, null, new ConversationTotals(1, 1, 1, 0, 0)));

        await h.EvaluateAsync();

        Assert.Equal(["tenant_id=", "tenant_id=acme"], h.Alerts.Alerts.Values.Select(a => a.GroupKey).Order(StringComparer.Ordinal));
        Assert.True(Assert.Single(h.Conversations.TotalsQueries).ByTenant);
    }

    [Fact]
    public async Task A_conversation_rule_without_a_threshold_observes_nothing()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(new AlertRule
        {
            Name = "conversations",
            Metric = AlertMetric.Conversations,
            Window = TimeSpan.FromMinutes(30),
            Comparator = Comparator.LessThan,
            ThresholdFrom = SlaThreshold.P95,
            Severity = Severity.Warning,
        });
        h.Conversations.Totals.Add(new ConversationGroup(null, null, new ConversationTotals(1, 1, 1, 0, 0)));

        Assert.Equal(0, (await h.EvaluateAsync()).Observations);
    }

    [Fact]
    public async Task A_resolved_alert_does_not_open_again_within_its_cooldown()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate() with { Cooldown = TimeSpan.FromMinutes(10) });
        h.Rules.Rules.Add(ErrorRate("other") with { Cooldown = TimeSpan.FromMinutes(3) });
        h.Alerts.Add(new Alert
        {
            Id = Guid.NewGuid(), Rule = "high_error_rate", Group = new Dictionary<string, string> { ["bot"] = "lead_bot" }, GroupKey = "bot=lead_bot",
            Severity = Severity.Critical, State = AlertState.Resolved, StartedAt = Now.AddMinutes(-20), FiredAt = Now.AddMinutes(-20), ResolvedAt = Now.AddMinutes(-9),
        });
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"));

        await h.EvaluateAsync();
        Assert.Equal(Minute.AddMinutes(-10), h.Alerts.LastSession!.ResolutionsSince);
        Assert.Equal(["other"], h.Alerts.Alerts.Values.Where(a => a.State.IsOpen()).Select(a => a.Rule));

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.EvaluateAsync();
        Assert.Equal(["high_error_rate", "other"], h.Alerts.Alerts.Values.Where(a => a.State.IsOpen()).Select(a => a.Rule).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_rules_nothing_is_read_and_open_alerts_resolve()
    {
        var h = new AlertingHarness(Now);
        h.Alerts.Add(new Alert
        {
            Id = Guid.NewGuid(), Rule = "gone", Group = new Dictionary<string, string>(), GroupKey = "",
            Severity = Severity.Critical, State = AlertState.Firing, StartedAt = Now.AddMinutes(-20), FiredAt = Now.AddMinutes(-20),
        });

        var report = await h.EvaluateAsync();

        Assert.Equal((0, 0, 1), (report.Rules, report.Observations, report.Resolved));
        Assert.Empty(h.Rollups.Queries);
        Assert.Equal(Minute, h.Alerts.LastSession!.ResolutionsSince);
        Assert.Equal(AlertState.Resolved, h.Only().State);
    }

    [Fact]
    public async Task A_rule_escalates_by_its_own_policy_the_tenants_before_the_global_one()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate("tenant_rule", tenant: "acme") with { EscalationPolicyName = "pager" });
        h.Rules.Rules.Add(ErrorRate("global_rule") with { EscalationPolicyName = "pager" });
        h.Rules.Rules.Add(ErrorRate("unknown_policy") with { EscalationPolicyName = "nowhere" });
        h.Policies.Policies.Add(Policy("pager", null, TimeSpan.FromMinutes(2)));
        h.Policies.Policies.Add(Policy("pager", "acme", TimeSpan.FromMinutes(3)));
        h.Policies.Policies.Add(Policy(EscalationPolicy.DefaultName, null, TimeSpan.FromMinutes(4)));
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"), (Dimension.TenantId, "acme"));

        await h.EvaluateAsync();

        var afters = h.Alerts.Alerts.Values.ToDictionary(a => a.Rule, a => (a.Plan!.Policy, a.Plan.Steps[1].After));
        Assert.Equal(("pager", TimeSpan.FromMinutes(3)), afters["tenant_rule"]);
        Assert.Equal(("pager", TimeSpan.FromMinutes(2)), afters["global_rule"]);
        Assert.Equal((EscalationPolicy.DefaultName, TimeSpan.FromMinutes(4)), afters["unknown_policy"]);
    }

    [Fact]
    public async Task A_tenants_rule_uses_the_global_policy_of_its_name_when_the_tenant_has_none()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate(tenant: "acme") with { EscalationPolicyName = "pager" });
        h.Policies.Policies.Add(Policy("pager", null, TimeSpan.FromMinutes(2)));
        h.Policies.Policies.Add(Policy("pager", "globex", TimeSpan.FromMinutes(9)));
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"), (Dimension.TenantId, "acme"));

        await h.EvaluateAsync();

        Assert.Equal(("pager", TimeSpan.FromMinutes(2)), (h.Only().Plan!.Policy, h.Only().Plan!.Steps[1].After));
    }

    [Fact]
    public async Task A_pending_alert_that_fires_takes_its_rules_policy()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate() with { For = TimeSpan.FromMinutes(1), EscalationPolicyName = "pager" });
        h.Policies.Policies.Add(Policy("pager", null, TimeSpan.FromMinutes(2)));
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"));
        await h.EvaluateAsync();
        Assert.Null(h.Only().Plan);

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        h.Rollups.Add(Minute.AddMinutes(1), Calls(40, 10), Bot("lead_bot"));
        await h.EvaluateAsync();

        Assert.Equal("pager", h.Only().Plan!.Policy);
    }

    [Fact]
    public async Task An_open_alert_of_a_rule_deleted_meanwhile_fires_with_the_default_policy()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate() with { For = TimeSpan.FromMinutes(1) });
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"));
        await h.EvaluateAsync();

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        h.Rollups.Add(Minute.AddMinutes(1), Calls(40, 10), Bot("lead_bot"));
        var report = await h.EvaluateAsync();

        Assert.Equal(1, report.Fired);
        Assert.Equal(EscalationPolicy.DefaultName, h.Only().Plan!.Policy);
    }

    private static EscalationPolicy Policy(string name, string? tenant, TimeSpan second) => new()
    {
        TenantId = tenant,
        Name = name,
        Levels = [new EscalationLevel(TimeSpan.Zero, [EscalationPolicy.RuleChannels], []), new EscalationLevel(second, [Channels.Email], [])],
    };

    [Fact]
    public async Task The_timer_reports_every_count_under_its_own_name()
    {
        var h = new AlertingHarness(Now);
        h.Rules.Rules.Add(ErrorRate());
        h.Rules.Rules.Add(ErrorRate("pending") with { For = TimeSpan.FromMinutes(5) });
        h.Rules.Rules.Add(ErrorRate("quiet", threshold: 0.9));
        h.Alerts.Add(new Alert
        {
            Id = Guid.NewGuid(), Rule = "gone", Group = new Dictionary<string, string>(), GroupKey = "",
            Severity = Severity.Critical, State = AlertState.Pending, StartedAt = Now.AddMinutes(-20),
        });
        h.Rollups.Add(Minute, Calls(40, 10), Bot("lead_bot"));
        h.Rollups.Add(Minute, Calls(40, 12), Bot("buyer_bot"));

        var result = await h.Evaluator.RunAsync(CancellationToken.None);

        Assert.Equal("evaluated 3 rules over 6 groups: 4 opened, 2 fired, 1 resolved", result.Summary);
        Assert.Equal(new Dictionary<string, long> { ["rules"] = 3, ["groups"] = 6, ["opened"] = 4, ["fired"] = 2, ["resolved"] = 1 }, result.Counts);
        Assert.Equal(("EvaluateAlerts", "AlertSchedule", "10 */1 * * * *"), (h.Evaluator.Name, h.Evaluator.ScheduleSetting, h.Evaluator.DefaultSchedule));
    }
}
