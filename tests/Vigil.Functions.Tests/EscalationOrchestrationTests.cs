using Microsoft.DurableTask;
using Vigil.Core.Alerts;

namespace Vigil.Functions.Tests;

/// <summary>The orchestration's control flow, driven by a context whose clock and events the test decides.</summary>
public class EscalationOrchestrationTests
{
    private static readonly DateTime Fired = new(2026, 11, 21, 10, 0, 7, DateTimeKind.Utc);

    private static EscalationPlan Critical => new(Guid.NewGuid(), Fired,
        [new EscalationStep(1, TimeSpan.Zero), new EscalationStep(2, TimeSpan.FromMinutes(5)), new EscalationStep(3, TimeSpan.FromMinutes(15))]);

    [Fact]
    public async Task Without_acknowledgement_every_level_is_sent_when_its_timer_fires()
    {
        var context = new FakeContext(Critical);
        await EscalationOrchestration.AlertEscalation(context);
        Assert.Equal([1, 2, 3], context.LevelsSent);
        Assert.Equal([Fired.AddMinutes(5), Fired.AddMinutes(15)], context.Timers.Select(t => t.FireAt));
        Assert.All(context.LevelsSent, _ => Assert.Equal(nameof(EscalationOrchestration.SendEscalationLevel), context.ActivityNames[0]));
    }

    [Fact]
    public async Task An_acknowledgement_before_level_two_stops_it_and_cancels_the_pending_timer()
    {
        var context = new FakeContext(Critical) { AcknowledgedAt = Fired.AddMinutes(2) };
        await EscalationOrchestration.AlertEscalation(context);
        Assert.Equal([1], context.LevelsSent);
        var timer = Assert.Single(context.Timers);
        Assert.True(timer.Cancelled);
    }

    [Fact]
    public async Task An_acknowledgement_between_levels_two_and_three_stops_level_three()
    {
        var context = new FakeContext(Critical) { AcknowledgedAt = Fired.AddMinutes(9) };
        await EscalationOrchestration.AlertEscalation(context);
        Assert.Equal([1, 2], context.LevelsSent);
        Assert.True(context.Timers[^1].Cancelled);
    }

    [Fact]
    public async Task When_the_activity_finds_the_alert_no_longer_firing_the_orchestration_ends()
    {
        var context = new FakeContext(Critical) { StopsAfterLevel = 2 };
        await EscalationOrchestration.AlertEscalation(context);
        Assert.Equal([1, 2], context.LevelsSent);
        Assert.Single(context.Timers);
    }

    [Fact]
    public async Task A_warning_sends_level_one_only_and_a_late_start_sends_overdue_levels_at_once()
    {
        var warning = new FakeContext(Critical with { Steps = [new EscalationStep(1, TimeSpan.Zero)] });
        await EscalationOrchestration.AlertEscalation(warning);
        Assert.Equal([1], warning.LevelsSent);
        Assert.Empty(warning.Timers);

        var late = new FakeContext(Critical, start: Fired.AddMinutes(20));
        await EscalationOrchestration.AlertEscalation(late);
        Assert.Equal([1, 2, 3], late.LevelsSent);
        Assert.Empty(late.Timers);
    }

    private sealed class FakeContext(EscalationPlan plan, DateTime? start = null) : TaskOrchestrationContext
    {
        private DateTime _now = start ?? plan.FiredAtUtc;
        private bool _acknowledgementWins;
        private bool _acknowledgementDelivered;

        public DateTime? AcknowledgedAt { get; init; }
        public int? StopsAfterLevel { get; init; }
        public List<int> LevelsSent { get; } = [];
        public List<string> ActivityNames { get; } = [];
        public List<(DateTime FireAt, bool Cancelled)> Timers { get; } = [];

        public override string InstanceId => EscalationOrchestration.InstanceId(plan.AlertId);
        public override DateTime CurrentUtcDateTime => _now;
        public override bool IsReplaying => false;

        public override T? GetInput<T>() where T : default => (T)(object)plan;

        public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
        {
            var index = Timers.Count;
            Timers.Add((fireAt, false));
            if (AcknowledgedAt is { } ack && ack < fireAt && !_acknowledgementDelivered)
            {
                // The acknowledgement arrives first: this timer stays pending until it is cancelled.
                _acknowledgementWins = true;
                var pending = new TaskCompletionSource();
                cancellationToken.Register(() =>
                {
                    Timers[index] = (fireAt, true);
                    pending.TrySetCanceled(cancellationToken);
                });
                return pending.Task;
            }
            _now = fireAt;
            return Task.CompletedTask;
        }

        public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
        {
            Assert.Equal(EscalationOrchestration.AcknowledgedEvent, eventName);
            if (_acknowledgementWins && !_acknowledgementDelivered)
            {
                _acknowledgementDelivered = true;
                _now = AcknowledgedAt!.Value;
                return Task.FromResult(default(T)!);
            }
            var pending = new TaskCompletionSource<T>();
            cancellationToken.Register(() => pending.TrySetCanceled(cancellationToken));
            return pending.Task;
        }

        public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
        {
            ActivityNames.Add(name.Name);
            Assert.NotNull(options);
            var request = Assert.IsType<EscalationLevelRequest>(input);
            Assert.Equal(plan.AlertId, request.AlertId);
            LevelsSent.Add(request.Level);
            var continues = StopsAfterLevel is not { } stop || request.Level < stop;
            return Task.FromResult((TResult)(object)continues);
        }
    }
}
