using Microsoft.DurableTask.Client;
using Vigil.Core.Alerts;

namespace Vigil.Functions.Tests;

/// <summary>
/// The escalation orchestration and its activity in the real Durable runtime (in-process test host:
/// worker, gRPC sidecar, replay, durable timers) over the real PostgreSQL, with the levels arriving at
/// loopback receivers. Delays are shortened to seconds; the policy is the default one (level 1 at
/// once to the rule's channels, level 2 to email/Slack/webhook, level 3 to PagerDuty/Opsgenie).
/// </summary>
public sealed class EscalationRuntimeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    /// <summary>Timers fire at or after their due time; this much later still counts as on time here.</summary>
    private static readonly TimeSpan Lateness = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Every_level_is_sent_at_its_due_time_in_order_and_the_orchestration_then_completes()
    {
        var (level2, level3) = (TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6));
        await using var app = await EscalatingApp.StartAsync(level2, level3);
        var alert = await app.FireSlaViolationAsync();

        var completed = await app.Durable.WaitForCompletionAsync(alert.Id, Patience);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);

        var levels = app.Levels();
        Assert.Equal([(1, "webhook"), (2, "webhook"), (3, "pagerduty")], levels.Select(l => (l.Level, l.Channel)));
        var fired = alert.FiredAt!.Value;
        Assert.InRange(levels[0].At, fired, fired + Lateness);
        Assert.InRange(levels[1].At, fired + level2, fired + level2 + Lateness);
        Assert.InRange(levels[2].At, fired + level3, fired + level3 + Lateness);
        Assert.Equal(3, (await app.GetAlertAsync(alert.Id)).EscalationLevel);
        Assert.Equal([1, 2, 3], app.Durable.ActivityCalls.Select(c => c.Step.Level));
    }

    [Fact]
    public async Task An_acknowledgement_between_levels_stops_the_escalation_and_the_orchestration_completes()
    {
        await using var app = await EscalatingApp.StartAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        var alert = await app.FireSlaViolationAsync();
        Assert.Equal(2, (await app.WaitForLevelsAsync(2, Patience)).Count);

        Assert.Equal(200, await app.AcknowledgeAsync(alert.Id, "ana@oncall"));

        // Completed well before level 3's timer: the acknowledgement won the race and the timer was cancelled.
        var completed = await app.Durable.WaitForCompletionAsync(alert.Id, TimeSpan.FromSeconds(15));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);
        Assert.True(completed.LastUpdatedAt < alert.FiredAt!.Value + TimeSpan.FromSeconds(30));
        Assert.Equal([1, 2], app.Levels().Select(l => l.Level));
        Assert.Equal([1, 2], app.Durable.ActivityCalls.Select(c => c.Step.Level));
        var acknowledged = await app.GetAlertAsync(alert.Id);
        Assert.Equal(AlertState.Acknowledged, acknowledged.State);
        Assert.Equal("ana@oncall", acknowledged.AcknowledgedBy);
        Assert.Equal(2, acknowledged.EscalationLevel);
    }

    [Fact]
    public async Task Resolution_stops_the_escalation_before_its_next_level()
    {
        await using var app = await EscalatingApp.StartAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
        var alert = await app.FireSlaViolationAsync();
        Assert.Single(await app.WaitForLevelsAsync(1, Patience));

        await app.RecoverAsync();

        Assert.Equal(AlertState.Resolved, (await app.GetAlertAsync(alert.Id)).State);
        var completed = await app.Durable.WaitForCompletionAsync(alert.Id, TimeSpan.FromSeconds(15));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);
        Assert.Equal([1], app.Levels().Select(l => l.Level));
        Assert.Equal([1], app.Durable.ActivityCalls.Select(c => c.Step.Level));
        // The channel that was notified hears of the resolution.
        Assert.Contains(app.Webhook.Received, r => r.Json.GetProperty("event").GetString() == "resolve");
    }

    [Fact]
    public async Task A_transient_failure_of_the_activity_is_retried_by_the_retry_policy_without_a_second_send()
    {
        // Level 2's first attempt sends, then fails before it can report back.
        await using var app = await EscalatingApp.StartAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4),
            failAfterSending: (level, attempt) => level == 2 && attempt == 1);
        var alert = await app.FireSlaViolationAsync();

        var completed = await app.Durable.WaitForCompletionAsync(alert.Id, Patience);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);
        Assert.Equal([1, 2, 2, 3], app.Durable.ActivityCalls.Select(c => c.Step.Level));
        Assert.Equal([1, 2, 3], app.Levels().Select(l => l.Level));
        var notifications = (await app.GetAlertAsync(alert.Id)).Notifications.Where(n => n.Kind == NotificationKind.Trigger).ToList();
        Assert.Single(notifications, n => n.Level == 2 && n.Channel == Channels.Webhook);
    }

    [Fact]
    public async Task A_second_start_for_the_same_alert_does_nothing_even_when_two_race()
    {
        await using var app = await EscalatingApp.StartAsync(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(40));
        var alert = await app.FireSlaViolationAsync();
        var instanceId = EscalationOrchestration.InstanceId(alert.Id);
        var started = await app.Durable.Client.WaitForInstanceStartAsync(instanceId, getInputsAndOutputs: true);
        var plan = started.ReadInputAs<EscalationPlan>()!;
        Assert.Equal(alert.Id, plan.AlertId);

        // Evaluated again while firing, and started again by hand, one at a time and several at once.
        await app.EvaluateAsync();
        await EscalationOrchestration.StartAsync(app.Durable.Client, plan, CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => EscalationOrchestration.StartAsync(app.Durable.Client, plan, CancellationToken.None)));

        var now = await app.Durable.Client.GetInstanceAsync(instanceId);
        Assert.Equal(started.CreatedAt, now!.CreatedAt);
        Assert.Equal(OrchestrationRuntimeStatus.Running, now.RuntimeStatus);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(app.Levels());
        Assert.Equal([1], app.Durable.ActivityCalls.Select(c => c.Step.Level));
    }

    [Fact]
    public async Task Stopping_a_finished_or_unknown_escalation_is_harmless()
    {
        await using var app = await EscalatingApp.StartAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        var alert = await app.FireSlaViolationAsync();
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await app.Durable.WaitForCompletionAsync(alert.Id, Patience)).RuntimeStatus);

        await EscalationOrchestration.StopAsync(app.Durable.Client, alert.Id, CancellationToken.None);
        await EscalationOrchestration.StopAsync(app.Durable.Client, Guid.NewGuid(), CancellationToken.None);

        // Acknowledging the alert afterwards still works and signals a finished instance without failing.
        Assert.Equal(200, await app.AcknowledgeAsync(alert.Id, "late@oncall"));
        Assert.Equal(404, await app.AcknowledgeAsync(Guid.NewGuid(), "nobody"));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await app.Durable.Client.GetInstanceAsync(EscalationOrchestration.InstanceId(alert.Id)))!.RuntimeStatus);
    }

    [Fact]
    public async Task Every_replay_makes_the_same_decisions_as_the_first_run()
    {
        var (level2, level3) = (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
        await using var app = await EscalatingApp.StartAsync(level2, level3);
        var alert = await app.FireSlaViolationAsync();
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await app.Durable.WaitForCompletionAsync(alert.Id, Patience)).RuntimeStatus);

        // One execution per history event the runtime delivered: the first run, then replays after
        // each timer and each activity. Each replays what the previous decided, with the same times.
        var executions = app.Durable.Executions;
        Assert.True(executions.Count >= 5, $"expected a replay per timer and activity, saw {executions.Count} executions");
        Assert.False(executions[0].StartedReplaying);
        var final = executions[^1].Decisions;
        foreach (var execution in executions) Assert.Equal(final.Take(execution.Decisions.Count), execution.Decisions);

        // The decisions come from the plan and the context's clock only: timers at fired + delay.
        var fired = (await app.GetAlertAsync(alert.Id)).FiredAt!.Value.UtcDateTime;
        Assert.Contains($"timer {fired + level2:O}", final);
        Assert.Contains($"timer {fired + level3:O}", final);
        Assert.Equal(3, final.Count(d => d.StartsWith("activity " + DurableRuntime.ActivityName, StringComparison.Ordinal)));
    }
}
