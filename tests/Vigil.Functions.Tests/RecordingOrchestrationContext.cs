using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Vigil.Functions.Tests;

/// <summary>
/// Passes every call of an orchestrator through to the runtime's real context and writes down the
/// decisions it makes (timers with their fire times, activities with their inputs, events waited
/// for), one list per execution, so a test can compare what each replay decided with the first run.
/// </summary>
internal sealed class RecordingOrchestrationContext(TaskOrchestrationContext inner) : TaskOrchestrationContext
{
    private readonly ConcurrentQueue<string> _decisions = new();

    public IReadOnlyList<string> Decisions => [.. _decisions];

    /// <summary>Whether this execution started as a replay of history (the runtime said so at its first await).</summary>
    public bool StartedReplaying { get; } = inner.IsReplaying;

    public override TaskName Name => inner.Name;

    public override string InstanceId => inner.InstanceId;

    public override ParentOrchestrationInstance? Parent => inner.Parent;

    public override DateTime CurrentUtcDateTime => inner.CurrentUtcDateTime;

    public override bool IsReplaying => inner.IsReplaying;

    public override string Version => inner.Version;

    public override IReadOnlyDictionary<string, object?> Properties => inner.Properties;

    public override TaskOrchestrationEntityFeature Entities => inner.Entities;

    protected override ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    public override ILogger CreateReplaySafeLogger(string categoryName) => inner.CreateReplaySafeLogger(categoryName);

    public override T? GetInput<T>() where T : default => inner.GetInput<T>();

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        _decisions.Enqueue($"activity {name.Name} {System.Text.Json.JsonSerializer.Serialize(input)}");
        return inner.CallActivityAsync<TResult>(name, input, options);
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        _decisions.Enqueue($"timer {fireAt:O}");
        return inner.CreateTimer(fireAt, cancellationToken);
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        _decisions.Enqueue($"wait {eventName}");
        return inner.WaitForExternalEvent<T>(eventName, cancellationToken);
    }

    public override void SendEvent(string instanceId, string eventName, object payload)
    {
        _decisions.Enqueue($"send {instanceId} {eventName}");
        inner.SendEvent(instanceId, eventName, payload);
    }

    public override void SetCustomStatus(object? customStatus) => inner.SetCustomStatus(customStatus);

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null)
    {
        _decisions.Enqueue($"suborchestration {orchestratorName.Name}");
        return inner.CallSubOrchestratorAsync<TResult>(orchestratorName, input, options);
    }

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
    {
        _decisions.Enqueue("continue-as-new");
        inner.ContinueAsNew(newInput, preserveUnprocessedEvents);
    }

    public override Guid NewGuid() => inner.NewGuid();
}
