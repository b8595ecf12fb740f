// Stand-ins for Microsoft.Azure.Functions.Worker (+ .Extensions.Http.AspNetCore, .Extensions.Timer,
// .Extensions.DurableTask, .OpenTelemetry). Signatures as in the real sources:
//   Azure/azure-functions-dotnet-worker: src/DotNetWorker.Core/FunctionAttribute.cs,
//     extensions/Worker.Extensions.Http/src/HttpTriggerAttribute.cs, AuthorizationLevel.cs,
//     extensions/Worker.Extensions.Timer/src/TimerTriggerAttribute.cs, extensions/Worker.Extensions.Timer/TimerInfo.cs,
//     src/DotNetWorker/Builder/FunctionsApplication.cs, FunctionsApplicationBuilder.cs,
//     extensions/Worker.Extensions.Http.AspNetCore/src/FunctionsApplicationBuilderAspNetCoreExtensions.cs,
//     src/DotNetWorker.OpenTelemetry/ConfigureFunctionsOpenTelemetry.cs
//   Azure/azure-functions-durable-extension: src/Worker.Extensions.DurableTask/{Orchestration,Activity}TriggerAttribute.cs,
//     DurableClientAttribute.cs
#pragma warning disable CA1019, CA1813, CA1018, CS1591

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Azure.Functions.Worker
{
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class FunctionAttribute(string name) : Attribute
    {
        public string Name { get; } = name;
    }

    public enum AuthorizationLevel
    {
        Anonymous,
        User,
        Function,
        System,
        Admin,
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class HttpTriggerAttribute : Attribute
    {
        public HttpTriggerAttribute(params string[] methods) => Methods = methods;

        public HttpTriggerAttribute(AuthorizationLevel authLevel, params string[] methods)
        {
            AuthLevel = authLevel;
            Methods = methods;
        }

        public string? Route { get; set; }
        public string[]? Methods { get; }
        public AuthorizationLevel AuthLevel { get; set; }
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class TimerTriggerAttribute : Attribute
    {
        public TimerTriggerAttribute(string schedule)
        {
            Schedule = schedule;
            UseMonitor = true;
        }

        public string Schedule { get; private set; }
        public bool UseMonitor { get; set; }
        public bool RunOnStartup { get; set; }
    }

    public class TimerInfo
    {
        public bool IsPastDue { get; set; }
    }

    public abstract class FunctionContext
    {
        public abstract string InvocationId { get; }
        public abstract string FunctionId { get; }
        public virtual CancellationToken CancellationToken { get; } = CancellationToken.None;
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class OrchestrationTriggerAttribute : Attribute
    {
        public string? Orchestration { get; set; }
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class ActivityTriggerAttribute : Attribute
    {
        public string? Activity { get; set; }
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class DurableClientAttribute : Attribute
    {
        public string? TaskHub { get; set; }
        public string? ConnectionName { get; set; }
    }
}

namespace Microsoft.Azure.Functions.Worker.Builder
{
    public class FunctionsApplication
    {
        public static FunctionsApplicationBuilder CreateBuilder(string[] args) => new();
    }

    public class FunctionsApplicationBuilder
    {
        public IConfigurationManager Configuration { get; } = new ConfigurationManager();
        public IServiceCollection Services { get; } = new ServiceCollection();
        public IHost Build() => throw new NotSupportedException("A stand-in: compiled, never run.");
    }

    public static class FunctionsApplicationBuilderAspNetCoreExtensions
    {
        public static FunctionsApplicationBuilder ConfigureFunctionsWebApplication(this FunctionsApplicationBuilder builder) => builder;
    }
}

namespace Microsoft.Azure.Functions.Worker.OpenTelemetry
{
    public static class ConfigureFunctionsOpenTelemetry
    {
        public static global::OpenTelemetry.IOpenTelemetryBuilder UseFunctionsWorkerDefaults(this global::OpenTelemetry.IOpenTelemetryBuilder builder) => builder;
    }
}
