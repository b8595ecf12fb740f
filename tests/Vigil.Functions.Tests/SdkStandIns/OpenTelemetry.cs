// Stand-ins for the two OpenTelemetry packages the Functions app uses that are not on this machine's
// feed. IOpenTelemetryBuilder, WithTracing/WithMetrics, AddSource and AddMeter are the real ones
// (OpenTelemetry 1.20.1 is referenced), so those calls are checked against the real API here.
//  - OpenTelemetry.Extensions.Hosting: OpenTelemetryServicesExtensions.AddOpenTelemetry returns
//    OpenTelemetryBuilder, whose WithTracing/WithMetrics return OpenTelemetryBuilder
//    (open-telemetry/opentelemetry-dotnet src/OpenTelemetry.Extensions.Hosting/OpenTelemetryBuilder.cs).
//  - Azure.Monitor.OpenTelemetry.Exporter: OpenTelemetryBuilderExtensions.UseAzureMonitorExporter on
//    IOpenTelemetryBuilder, and AzureMonitorExporterOptions : Azure.Core.ClientOptions with
//    ConnectionString and Credential (Azure/azure-sdk-for-net sdk/monitor/Azure.Monitor.OpenTelemetry.Exporter/api).
#pragma warning disable CS1591

using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace OpenTelemetry
{
    public sealed class OpenTelemetryBuilder(IServiceCollection services) : IOpenTelemetryBuilder
    {
        public IServiceCollection Services { get; } = services;

        public OpenTelemetryBuilder WithTracing(Action<TracerProviderBuilder> configure)
        {
            OpenTelemetryBuilderSdkExtensions.WithTracing(this, configure);
            return this;
        }

        public OpenTelemetryBuilder WithMetrics(Action<MeterProviderBuilder> configure)
        {
            OpenTelemetryBuilderSdkExtensions.WithMetrics(this, configure);
            return this;
        }
    }
}

namespace Microsoft.Extensions.DependencyInjection
{
    public static class OpenTelemetryServicesExtensions
    {
        public static global::OpenTelemetry.OpenTelemetryBuilder AddOpenTelemetry(this IServiceCollection services) => new(services);
    }
}

namespace Azure.Monitor.OpenTelemetry.Exporter
{
    public class AzureMonitorExporterOptions : Azure.Core.ClientOptions
    {
        public string? ConnectionString { get; set; }
        public Azure.Core.TokenCredential? Credential { get; set; }
    }

    public static class OpenTelemetryBuilderExtensions
    {
        public static global::OpenTelemetry.IOpenTelemetryBuilder UseAzureMonitorExporter(this global::OpenTelemetry.IOpenTelemetryBuilder builder) => builder;
    }
}
