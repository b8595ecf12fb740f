using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vigil.Core.Alerts;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.Functions.Tests;

/// <summary>
/// The Functions app's escalation in the real Durable runtime: Microsoft.DurableTask's in-process
/// test host (a real worker and gRPC sidecar over an in-memory task hub, with real replay and
/// durable timers) runs the app's orchestrator and activity functions under the names their
/// <c>[Function]</c> attributes give. The activity is the app's own class, created from the app's
/// services as the Functions worker creates it, so it sends through the real EscalationService.
/// </summary>
internal sealed class DurableRuntime : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly ConcurrentQueue<RecordingOrchestrationContext> _executions;
    private readonly ConcurrentQueue<EscalationStepRequest> _activityCalls;

    private DurableRuntime(IHost host, ConcurrentQueue<RecordingOrchestrationContext> executions, ConcurrentQueue<EscalationStepRequest> activityCalls)
    {
        _host = host;
        _executions = executions;
        _activityCalls = activityCalls;
    }

    public static string OrchestratorName { get; } = FunctionName(nameof(EscalationOrchestration.AlertEscalation));

    public static string ActivityName { get; } = FunctionName(nameof(EscalationOrchestration.SendEscalationLevel));

    /// <summary>The client the app's functions get from their <c>[DurableClient]</c> binding.</summary>
    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>Every execution of the orchestrator (the first run and each replay), in order.</summary>
    public IReadOnlyList<RecordingOrchestrationContext> Executions => [.. _executions];

    /// <summary>Every invocation of the activity, retries included, in order.</summary>
    public IReadOnlyList<EscalationStepRequest> ActivityCalls => [.. _activityCalls];

    /// <param name="app">The Functions app's services.</param>
    /// <param name="failAfterSending">
    /// Decides, per level and attempt (1, 2, …), whether the activity fails after it has done its
    /// work, as when the reply is lost or the worker dies before reporting: the worst case for a
    /// double send, which the retry policy's next attempt must not cause.
    /// </param>
    public static async Task<DurableRuntime> StartAsync(IServiceProvider app, Func<int, int, bool>? failAfterSending = null)
    {
        var executions = new ConcurrentQueue<RecordingOrchestrationContext>();
        var activityCalls = new ConcurrentQueue<EscalationStepRequest>();
        var activity = ActivatorUtilities.CreateInstance<EscalationOrchestration>(app);
        // A host of our own around the test host's worker, client and sidecar, so that the sidecar
        // logs to this host's (empty) logging rather than to the console.
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddInMemoryDurableTask(
            tasks =>
            {
                // Typed by the plan, as the Functions worker hands the orchestrator its input.
                tasks.AddOrchestratorFunc<EscalationPlan>(OrchestratorName, (context, _) =>
                {
                    var recording = new RecordingOrchestrationContext(context);
                    executions.Enqueue(recording);
                    return EscalationOrchestration.AlertEscalation(recording);
                });
                tasks.AddActivityFunc<EscalationStepRequest, StepOutcome>(ActivityName, async (_, request) =>
                {
                    activityCalls.Enqueue(request);
                    var attempt = activityCalls.Count(r => r.AlertId == request.AlertId && r.Step.Sequence == request.Step.Sequence);
                    var outcome = await activity.SendEscalationLevel(request, CancellationToken.None);
                    if (failAfterSending?.Invoke(request.Step.Level, attempt) == true)
                    {
                        throw new TimeoutException($"level {request.Step.Level} attempt {attempt}: reply lost (injected)");
                    }
                    return outcome;
                });
            },
            new InMemoryDurableTaskOptions { Port = RecordingServer.FreePort() });
        var host = builder.Build();
        await host.StartAsync();
        return new DurableRuntime(host, executions, activityCalls);
    }

    public async Task<OrchestrationMetadata> WaitForCompletionAsync(Guid alertId, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        var metadata = await Client.WaitForInstanceCompletionAsync(EscalationOrchestration.InstanceId(alertId), getInputsAndOutputs: true, cancellation.Token);
        Assert.True(metadata.FailureDetails is null, $"the orchestration failed: {metadata.FailureDetails}");
        return metadata;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private static string FunctionName(string method) =>
        typeof(EscalationOrchestration).GetMethod(method)!.GetCustomAttribute<FunctionAttribute>()!.Name;
}
