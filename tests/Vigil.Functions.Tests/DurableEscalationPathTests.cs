using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vigil.Core.Alerts;
using Vigil.Core.Events;
using Vigil.Core.Jobs;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.Functions.Tests;

/// <summary>
/// The Functions app's escalation path against a real PostgreSQL and a real webhook receiver: the
/// EvaluateAlerts function starts one orchestration per fired alert (once), the orchestration's
/// activity sends the levels through the shared EscalationService, and the ack function raises
/// Acknowledged so the orchestration stops. Only the Durable runtime is simulated (a client that
/// records, a context that runs the orchestrator and its activity in process).
/// </summary>
public sealed class DurableEscalationPathTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _adminKey = "admin-" + Guid.NewGuid().ToString("N");
    private RecordingServer _webhook = null!;
    private ServiceProvider _services = null!;
    private readonly ShiftedTime _time = new();

    public async Task InitializeAsync()
    {
        _webhook = await RecordingServer.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = TestPostgres.NewSchema(out _),
            ["VIGIL_ADMIN_KEY"] = _adminKey,
            ["Vigil:Channels:Webhook:Url"] = _webhook.Url,
            ["Vigil:Escalation:Level2After"] = "00:05:00",
            ["Vigil:Escalation:Level3After"] = "00:15:00",
        }).Build();
        _services = FunctionsApp.Services(configuration, first: s => s.AddSingleton<TimeProvider>(_time));
        foreach (var hosted in _services.GetServices<IHostedService>()) await hosted.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _webhook.DisposeAsync();
    }

    [Fact]
    public async Task A_fired_alert_starts_one_orchestration_whose_activity_sends_each_level_once()
    {
        var client = new RecordingDurableClient();
        var alertId = await FireSlaViolationAsync(client);
        var (instanceId, plan) = Assert.Single(client.Scheduled);
        Assert.Equal(EscalationOrchestration.InstanceId(alertId), instanceId);
        Assert.Equal([0, 5, 15], plan.Steps.Select(s => s.After.TotalMinutes));
        Assert.Empty(Levels());

        // Evaluated again while still firing: its start was taken, nothing new starts; and a start
        // repeated for the same alert (a run that died before recording it) finds the instance.
        await EvaluateAsync(client);
        await EscalationOrchestration.StartAsync(client, plan, CancellationToken.None);
        Assert.Single(client.Scheduled);

        // Two hosts past the existence check at once: the loser's AlreadyExists is not a failure.
        await EscalationOrchestration.StartAsync(new RecordingDurableClient { Existing = client.Scheduled }, plan, CancellationToken.None);

        var context = new InProcessContext(plan, Activity, fireTimersAtOnce: true);
        await EscalationOrchestration.AlertEscalation(context);

        // Levels 1 and 2 go to the rule's webhook; level 3 goes to PagerDuty and Opsgenie (off here).
        Assert.Equal([1, 2], (await _webhook.WaitForAsync(2, Patience, IsLevel)).Select(Level));
        Assert.Equal([1, 2, 3], context.LevelsSent);
        var alert = await _services.GetRequiredService<IAlertStore>().GetAsync(alertId, CancellationToken.None);
        Assert.Equal(3, alert!.EscalationLevel);

        // A retried activity (the Durable runtime retries on a lost reply) sends nothing twice.
        Assert.True(await Activity(new EscalationLevelRequest(alertId, 2)));
        Assert.Equal(2, Levels().Count);
    }

    [Fact]
    public async Task Acknowledging_over_http_raises_the_event_that_stops_the_orchestration_before_level_two()
    {
        var client = new RecordingDurableClient();
        var alertId = await FireSlaViolationAsync(client);
        var plan = client.Scheduled[EscalationOrchestration.InstanceId(alertId)];
        var context = new InProcessContext(plan, Activity, fireTimersAtOnce: false);
        client.Raised += (instance, name) => { if (instance == context.InstanceId && name == EscalationOrchestration.AcknowledgedEvent) context.Raise(); };

        var orchestration = EscalationOrchestration.AlertEscalation(context);
        await context.TimerCreated.WaitAsync(Patience);
        Assert.Single(await _webhook.WaitForAsync(1, Patience, IsLevel));
        Assert.False(orchestration.IsCompleted, "the orchestration waits for level 2's timer");

        var functions = ActivatorUtilities.CreateInstance<HttpFunctions>(_services);
        var ack = await functions.AcknowledgeAlert(Request("POST", $"/api/alerts/{alertId}/ack", """{"acknowledged_by":"ana@oncall"}"""), alertId.ToString(), client);
        Assert.Equal(StatusCodes.Status200OK, Assert.IsAssignableFrom<IStatusCodeHttpResult>(ack).StatusCode);

        await orchestration.WaitAsync(Patience);
        Assert.Equal([1], context.LevelsSent);
        Assert.True(context.PendingTimerCancelled);
        Assert.Equal([1], Levels().Select(Level));
        var alert = await _services.GetRequiredService<IAlertStore>().GetAsync(alertId, CancellationToken.None);
        Assert.Equal(AlertState.Acknowledged, alert!.State);
        Assert.Equal("ana@oncall", alert.AcknowledgedBy);
    }

    [Fact]
    public async Task A_run_that_fails_to_start_the_orchestration_leaves_it_due_and_a_later_run_starts_it()
    {
        var down = new RecordingDurableClient { Unavailable = true };
        await Assert.ThrowsAsync<InvalidOperationException>(() => FireSlaViolationAsync(down));
        Assert.Empty(down.Scheduled);

        // The failed run's claim is leased; once it lapses the next run starts the escalation.
        var client = new RecordingDurableClient();
        await EvaluateAsync(client);
        Assert.Empty(client.Scheduled);
        _time.Advance(EscalationService.StartLease + TimeSpan.FromSeconds(1));
        await EvaluateAsync(client);
        var (instanceId, plan) = Assert.Single(client.Scheduled);
        Assert.Equal(EscalationOrchestration.InstanceId(plan.AlertId), instanceId);
        var alert = await _services.GetRequiredService<IAlertStore>().GetAsync(plan.AlertId, CancellationToken.None);
        Assert.Equal(AlertState.Firing, alert!.State);
    }

    [Fact]
    public async Task Acknowledging_an_alert_that_does_not_exist_answers_404_and_signals_nothing()
    {
        var client = new RecordingDurableClient();
        var functions = ActivatorUtilities.CreateInstance<HttpFunctions>(_services);
        var id = Guid.NewGuid().ToString();
        var ack = await functions.AcknowledgeAlert(Request("POST", $"/api/alerts/{id}/ack", "{}"), id, client);
        Assert.Equal(StatusCodes.Status404NotFound, Assert.IsAssignableFrom<IStatusCodeHttpResult>(ack).StatusCode);
        Assert.Empty(client.RaisedEvents);
    }

    private Task<bool> Activity(EscalationLevelRequest request) =>
        _services.GetRequiredService<EscalationOrchestration>().SendEscalationLevel(request, new TestFunctionContext());

    private List<ReceivedRequest> Levels() => [.. _webhook.Received.Where(IsLevel)];

    private static bool IsLevel(ReceivedRequest r) => r.Json.TryGetProperty("level", out var level) && level.ValueKind == JsonValueKind.Number;

    private static int Level(ReceivedRequest r) => r.Json.GetProperty("level").GetInt32();

    /// <summary>Slow full qualifications of lead_bot (SLA P95 2,000 ms), rolled up and evaluated by the EvaluateAlerts function.</summary>
    private async Task<Guid> FireSlaViolationAsync(RecordingDurableClient client)
    {
        var now = _time.GetUtcNow();
        var events = Enumerable.Range(0, 40).Select(i => Events.LlmCall($"slow-{Guid.NewGuid():N}", now.AddSeconds(-i), operation: "full_qualification", durationMs: 3000 + i * 10));
        var ingest = await _services.GetRequiredService<EventIngestor>().IngestAsync(JsonSerializer.SerializeToUtf8Bytes(events), new IngestCaller(null), CancellationToken.None);
        Assert.Equal(IngestStatus.Stored, ingest.Status);
        var runner = _services.GetRequiredService<TimerJobRunner>();
        await runner.RunAsync(runner.Find(TimerJobNames.ComputeRollups)!, CancellationToken.None);
        await EvaluateAsync(client);
        var firing = await _services.GetRequiredService<IAlertStore>().ListAsync(AlertState.Firing, "sla_violation", null, 10, CancellationToken.None);
        return Assert.Single(firing).Id;
    }

    private Task EvaluateAsync(RecordingDurableClient client) =>
        ActivatorUtilities.CreateInstance<TimerFunctions>(_services).EvaluateAlerts(new TimerInfo(), client, CancellationToken.None);

    private HttpRequest Request(string method, string path, string json)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Headers.Authorization = $"Bearer {_adminKey}";
        context.Request.ContentType = "application/json";
        var body = Encoding.UTF8.GetBytes(json);
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        return context.Request;
    }

    /// <summary>The Durable client as the functions use it: records starts and raised events.</summary>
    private sealed class RecordingDurableClient : DurableTaskClient
    {
        public ConcurrentDictionary<string, EscalationPlan> Scheduled { get; } = new();
        public ConcurrentQueue<(string InstanceId, string Name)> RaisedEvents { get; } = new();
        public event Action<string, string>? Raised;

        /// <summary>The task hub's storage cannot be reached.</summary>
        public bool Unavailable { get; init; }

        /// <summary>Instances another host started, not yet visible to GetInstanceAsync here.</summary>
        public IReadOnlyDictionary<string, EscalationPlan> Existing { get; init; } = new Dictionary<string, EscalationPlan>();

        public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
        {
            if (Unavailable) throw new InvalidOperationException("task hub storage unavailable");
            Assert.Equal(nameof(EscalationOrchestration.AlertEscalation), orchestratorName.Name);
            var id = options!.InstanceId!;
            if (Existing.ContainsKey(id)) throw new DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException($"An orchestration with instance ID '{id}' already exists.");
            Assert.True(Scheduled.TryAdd(id, Assert.IsType<EscalationPlan>(input)), $"{id} started twice");
            return Task.FromResult(id);
        }

        public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
        {
            RaisedEvents.Enqueue((instanceId, eventName));
            Raised?.Invoke(instanceId, eventName);
            return Task.CompletedTask;
        }

        public override Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
            Task.FromResult(Scheduled.ContainsKey(instanceId) ? new OrchestrationMetadata { IsRunning = true } : null);
    }

    /// <summary>Runs the orchestrator in process: the activity for real, timers at once or held until an event.</summary>
    private sealed class InProcessContext(EscalationPlan plan, Func<EscalationLevelRequest, Task<bool>> activity, bool fireTimersAtOnce) : TaskOrchestrationContext
    {
        private readonly TaskCompletionSource<string?> _acknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private DateTime _now = plan.FiredAtUtc;

        private readonly TaskCompletionSource _timerCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<int> LevelsSent { get; } = [];
        public bool PendingTimerCancelled { get; private set; }

        /// <summary>Completes when the orchestrator waits on its first held timer.</summary>
        public Task TimerCreated => _timerCreated.Task;

        public override string InstanceId => EscalationOrchestration.InstanceId(plan.AlertId);
        public override DateTime CurrentUtcDateTime => _now;
        public override bool IsReplaying => false;

        public void Raise() => _acknowledged.TrySetResult(null);

        public override T? GetInput<T>() where T : default => (T)(object)plan;

        public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
        {
            if (fireTimersAtOnce)
            {
                _now = fireAt;
                return Task.CompletedTask;
            }
            var pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cancellationToken.Register(() =>
            {
                PendingTimerCancelled = true;
                pending.TrySetCanceled(cancellationToken);
            });
            _timerCreated.TrySetResult();
            return pending.Task;
        }

        public override async Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
        {
            Assert.Equal(EscalationOrchestration.AcknowledgedEvent, eventName);
            await _acknowledged.Task.WaitAsync(cancellationToken);
            return default!;
        }

        public override async Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
        {
            Assert.Equal(nameof(EscalationOrchestration.SendEscalationLevel), name.Name);
            var request = Assert.IsType<EscalationLevelRequest>(input);
            LevelsSent.Add(request.Level);
            return (TResult)(object)await activity(request);
        }
    }

    /// <summary>The real clock, moved forward when a test needs a lease to lapse.</summary>
    private sealed class ShiftedTime : TimeProvider
    {
        private TimeSpan _offset;

        public void Advance(TimeSpan by) => _offset += by;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
    }

    private sealed class TestFunctionContext : FunctionContext
    {
        public override string InvocationId { get; } = Guid.NewGuid().ToString();
        public override string FunctionId => nameof(EscalationOrchestration.SendEscalationLevel);
    }
}
