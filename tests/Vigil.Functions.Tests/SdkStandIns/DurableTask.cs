// Stand-ins for Microsoft.DurableTask (microsoft/durabletask-dotnet) and Grpc.Core (grpc/grpc-dotnet),
// signatures as in: src/Abstractions/TaskOrchestrationContext.cs, TaskName.cs, TaskOptions.cs,
// RetryPolicy.cs; src/Client/Core/DurableTaskClient.cs, OrchestrationMetadata.cs; Grpc.Core.Api RpcException, StatusCode;
// Azure/durabletask src/DurableTask.Core/Exceptions/OrchestrationAlreadyExistsException.cs (thrown by
// src/Client/Grpc/GrpcDurableTaskClient.cs ScheduleNewOrchestrationInstanceAsync for AlreadyExists).
#pragma warning disable CA1019, CA1813, CA1018, CS1591, CA1716, CA1720, CA1069

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Microsoft.DurableTask
{
    public readonly struct TaskName(string name) : IEquatable<TaskName>
    {
        public string Name { get; } = name;

        public static implicit operator TaskName(string value) => new(value);

        public bool Equals(TaskName other) => Name == other.Name;

        public override bool Equals(object? obj) => obj is TaskName other && Equals(other);

        public override int GetHashCode() => Name?.GetHashCode(StringComparison.Ordinal) ?? 0;
    }

    public class RetryPolicy(int maxNumberOfAttempts, TimeSpan firstRetryInterval, double backoffCoefficient = 1.0, TimeSpan? maxRetryInterval = null, TimeSpan? retryTimeout = null)
    {
        public int MaxNumberOfAttempts { get; } = maxNumberOfAttempts;
        public TimeSpan FirstRetryInterval { get; } = firstRetryInterval;
        public double BackoffCoefficient { get; } = backoffCoefficient;
        public TimeSpan? MaxRetryInterval { get; } = maxRetryInterval;
        public TimeSpan? RetryTimeout { get; } = retryTimeout;
    }

    public record TaskOptions
    {
        public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new();
    }

    public record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null);

    public abstract class TaskOrchestrationContext
    {
        public abstract string InstanceId { get; }
        public abstract DateTime CurrentUtcDateTime { get; }
        public abstract bool IsReplaying { get; }
        public abstract T? GetInput<T>();
        public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);
        public virtual Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken) => CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);
        public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);
        public virtual Task CallActivityAsync(TaskName name, object? input = null, TaskOptions? options = null) => CallActivityAsync<object>(name, input, options);
        public abstract Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null);
        public ILogger CreateReplaySafeLogger(string categoryName) => NullLogger.Instance;
    }
}

namespace Microsoft.DurableTask.Client
{
    public sealed class OrchestrationMetadata
    {
        public bool IsRunning { get; init; }
    }

    public abstract class DurableTaskClient
    {
        public abstract Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default);
        public virtual Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, CancellationToken cancellation) => ScheduleNewOrchestrationInstanceAsync(orchestratorName, null, null, cancellation);
        public virtual Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input, CancellationToken cancellation) => ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, null, cancellation);
        public virtual Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, StartOrchestrationOptions options, CancellationToken cancellation = default) => ScheduleNewOrchestrationInstanceAsync(orchestratorName, null, options, cancellation);
        public virtual Task RaiseEventAsync(string instanceId, string eventName, CancellationToken cancellation) => RaiseEventAsync(instanceId, eventName, null, cancellation);
        public abstract Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default);
        public virtual Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellation) => GetInstanceAsync(instanceId, false, cancellation);
        public abstract Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default);
    }
}

namespace DurableTask.Core.Exceptions
{
    public class OrchestrationAlreadyExistsException : InvalidOperationException
    {
        public OrchestrationAlreadyExistsException()
        {
        }

        public OrchestrationAlreadyExistsException(string message) : base(message)
        {
        }

        public OrchestrationAlreadyExistsException(string message, Exception innerException) : base(message, innerException)
        {
        }
    }
}

namespace Grpc.Core
{
    public enum StatusCode
    {
        OK = 0,
        Cancelled = 1,
        Unknown = 2,
        InvalidArgument = 3,
        DeadlineExceeded = 4,
        NotFound = 5,
        AlreadyExists = 6,
        PermissionDenied = 7,
        ResourceExhausted = 8,
        FailedPrecondition = 9,
        Aborted = 10,
        OutOfRange = 11,
        Unimplemented = 12,
        Internal = 13,
        Unavailable = 14,
        DataLoss = 15,
        Unauthenticated = 16,
    }

    public class RpcException : Exception
    {
        public RpcException()
        {
        }

        public RpcException(string message) : base(message)
        {
        }

        public RpcException(string message, Exception inner) : base(message, inner)
        {
        }

        public StatusCode StatusCode { get; init; }
    }
}
