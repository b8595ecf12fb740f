using DurableTask.Core.Exceptions;
using Grpc.Core;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Vigil.Core.Alerts;

namespace Vigil.Functions;

/// <summary>
/// The escalation of one alert as a Durable orchestration interpreting Core's EscalationPolicy: level
/// 1 at once through an activity, then for each next level a durable timer raced against the external
/// event <c>Acknowledged</c> (raised by the ack function, and on resolution). Deterministic: time from
/// the context, a replay-safe logger, all I/O in the activity.
/// </summary>
public sealed partial class EscalationOrchestration(EscalationService escalation)
{
    public const string AcknowledgedEvent = "Acknowledged";

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
            if (due > context.CurrentUtcDateTime)
            {
                using var timerCancellation = new CancellationTokenSource();
                using var eventCancellation = new CancellationTokenSource();
                var timer = context.CreateTimer(due, timerCancellation.Token);
                var acknowledged = context.WaitForExternalEvent<string>(AcknowledgedEvent, eventCancellation.Token);
                if (await Task.WhenAny(timer, acknowledged) == acknowledged)
                {
                    // A pending timer would keep the orchestration running until it fires.
                    timerCancellation.Cancel();
                    LogStopped(logger, plan.AlertId, step.Level);
                    return;
                }
                eventCancellation.Cancel();
            }
            var continues = await context.CallActivityAsync<bool>(nameof(SendEscalationLevel), new EscalationLevelRequest(plan.AlertId, step.Level), retry);
            LogLevelSent(logger, plan.AlertId, step.Level);
            if (!continues)
            {
                LogStopped(logger, plan.AlertId, step.Level + 1);
                return;
            }
        }
    }

    /// <summary>Sends one level (exactly once, however often retried) and says whether the alert still escalates.</summary>
    [Function(nameof(SendEscalationLevel))]
    public Task<bool> SendEscalationLevel([ActivityTrigger] EscalationLevelRequest request, CancellationToken cancellationToken) =>
        escalation.SendLevelAndContinueAsync(request.AlertId, request.Level, cancellationToken);

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
    public static async Task StopAsync(DurableTaskClient client, Guid alertId, CancellationToken cancellationToken)
    {
        try
        {
            await client.RaiseEventAsync(InstanceId(alertId), AcknowledgedEvent, null, cancellationToken);
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
}
