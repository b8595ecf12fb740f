using DurableTask.Core.Exceptions;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Vigil.Api;
using Vigil.Core.Alerts;

namespace Vigil.Functions;

/// <summary>
/// The escalation of one alert as a Durable orchestration interpreting Core's escalation plan (made
/// from the rule's policy when the alert fired, and the orchestration's input, so a later edit of the
/// policy never changes it): each step waits on a durable timer until due, raced against the external
/// event <c>Acknowledged</c> (raised on acknowledgement and on resolution), then is sent by an
/// activity. A step a silence holds is tried again when the silence ends, or at once on
/// <c>Released</c> (the silence was deleted early). Deterministic: time from the context, a
/// replay-safe logger, all I/O in the activity.
/// </summary>
public sealed partial class EscalationOrchestration(EscalationService escalation)
{
    public const string AcknowledgedEvent = "Acknowledged";

    public const string ReleasedEvent = "Released";

    private const int MaxHoldsPerStep = 1000;

    /// <summary>One orchestration per alert, so a second start for the same alert finds the first.</summary>
    public static string InstanceId(Guid alertId) => $"alert-{alertId:N}";

    [Function(nameof(AlertEscalation))]
    public static async Task AlertEscalation([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var plan = context.GetInput<EscalationPlan>()!;
        var logger = context.CreateReplaySafeLogger(nameof(AlertEscalation));
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(5), 2.0));
        foreach (var step in plan.Steps)
        {
            var due = plan.FiredAtUtc + step.After;
            // Each hold lasts until a silence ends, so the bound is never reached in practice; it
            // keeps the history finite if silences were extended forever.
            for (var holds = 0; holds <= MaxHoldsPerStep; holds++)
            {
                if (await AcknowledgedBeforeAsync(context, due, releasable: false))
                {
                    LogStopped(logger, plan.AlertId, step.Level);
                    return;
                }
                var outcome = await context.CallActivityAsync<StepOutcome>(nameof(SendEscalationLevel), new EscalationStepRequest(plan.AlertId, step), retry);
                if (outcome.Result == StepResult.Stopped)
                {
                    LogStopped(logger, plan.AlertId, step.Level);
                    return;
                }
                if (outcome.Result != StepResult.Held)
                {
                    LogLevelSent(logger, plan.AlertId, step.Level);
                    break;
                }
                LogHeld(logger, plan.AlertId, step.Level, outcome.HeldUntil!.Value);
                if (await AcknowledgedBeforeAsync(context, outcome.HeldUntil.Value.UtcDateTime, releasable: true))
                {
                    LogStopped(logger, plan.AlertId, step.Level);
                    return;
                }
                due = context.CurrentUtcDateTime;
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="until"/> unless <c>Acknowledged</c> comes first (true), or, when
    /// <paramref name="releasable"/>, <c>Released</c> (false, as when the time comes).
    /// </summary>
    private static async Task<bool> AcknowledgedBeforeAsync(TaskOrchestrationContext context, DateTime until, bool releasable)
    {
        if (until <= context.CurrentUtcDateTime) return false;
        using var timerCancellation = new CancellationTokenSource();
        using var eventCancellation = new CancellationTokenSource();
        var timer = context.CreateTimer(until, timerCancellation.Token);
        var acknowledged = context.WaitForExternalEvent<string>(AcknowledgedEvent, eventCancellation.Token);
        Task[] waits = releasable ? [timer, acknowledged, context.WaitForExternalEvent<string>(ReleasedEvent, eventCancellation.Token)] : [timer, acknowledged];
        var first = await Task.WhenAny(waits);
        // A pending timer would keep the orchestration running until it fires; pending waits are dropped.
        if (first != timer) timerCancellation.Cancel();
        eventCancellation.Cancel();
        return first == acknowledged;
    }

    /// <summary>Sends one step (exactly once, however often retried) and says what comes next.</summary>
    [Function(nameof(SendEscalationLevel))]
    public Task<StepOutcome> SendEscalationLevel([ActivityTrigger] EscalationStepRequest request, CancellationToken cancellationToken) =>
        escalation.SendStepAsync(request.AlertId, request.Step, cancellationToken);

    /// <summary>Starts the alert's escalation; a second start for the same alert does nothing.</summary>
    public static async Task StartAsync(DurableTaskClient client, EscalationPlan plan, CancellationToken cancellationToken)
    {
        var instanceId = InstanceId(plan.AlertId);
        if (await client.GetInstanceAsync(instanceId, cancellationToken) is not null) return;
        // The check above and the start are two calls; two hosts can pass the check together. The
        // dedupe statuses make the start itself refuse an instance that exists in any state where
        // the backend honours them, and host.json's overridableExistingInstanceStates
        // (NonRunningStates) makes the Functions host refuse a running one.
        var options = new StartOrchestrationOptions(instanceId).WithDedupeStatuses([.. StartOrchestrationOptionsExtensions.ValidDedupeStatuses]);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(AlertEscalation), plan, options, cancellationToken);
        }
        catch (Exception e) when (e is OrchestrationAlreadyExistsException or RpcException { StatusCode: StatusCode.AlreadyExists })
        {
            // Another host started it between the check and the call. The gRPC client turns the
            // sidecar's AlreadyExists into OrchestrationAlreadyExistsException (older clients did not).
        }
    }

    /// <summary>Acknowledged or resolved: the orchestration stops before its next level.</summary>
    public static Task StopAsync(DurableTaskClient client, Guid alertId, CancellationToken cancellationToken) =>
        RaiseAsync(client, alertId, AcknowledgedEvent, cancellationToken);

    /// <summary>A silence holding the alert ended early: its held step is tried again now.</summary>
    public static Task ReleaseAsync(DurableTaskClient client, Guid alertId, CancellationToken cancellationToken) =>
        RaiseAsync(client, alertId, ReleasedEvent, cancellationToken);

    /// <summary>
    /// After an HTTP handler: raises the events its request calls for (<see cref="EscalationSignals"/>),
    /// then passes its result on. The local host needs none of this; its engine reads the database.
    /// </summary>
    public static async Task<IResult> SignalAsync(DurableTaskClient client, HttpContext context, IResult result)
    {
        if (EscalationSignals.Find(context) is { } signals)
        {
            // The change is committed; a client gone now must not leave an orchestration unsignalled.
            foreach (var alertId in signals.Stopped) await StopAsync(client, alertId, CancellationToken.None);
            foreach (var alertId in signals.Released) await ReleaseAsync(client, alertId, CancellationToken.None);
        }
        return result;
    }

    private static async Task RaiseAsync(DurableTaskClient client, Guid alertId, string eventName, CancellationToken cancellationToken)
    {
        try
        {
            await client.RaiseEventAsync(InstanceId(alertId), eventName, null, cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.FailedPrecondition)
        {
            // Not running (finished, or never started for an alert that did not escalate): nothing to stop.
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Alert {AlertId}: escalation level {Level} done")]
    private static partial void LogLevelSent(ILogger logger, Guid alertId, int level);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Alert {AlertId}: escalation stopped before level {Level} (acknowledged or resolved)")]
    private static partial void LogStopped(ILogger logger, Guid alertId, int level);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Alert {AlertId}: escalation level {Level} held by a silence until {Until}")]
    private static partial void LogHeld(ILogger logger, Guid alertId, int level, DateTimeOffset until);
}
