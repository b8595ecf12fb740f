using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Vigil.Core;

namespace Vigil.Hosting;

public static class VigilTelemetryServiceCollectionExtensions
{
    /// <summary>The standard OpenTelemetry setting: where OTLP goes. Unset, nothing is exported over OTLP.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The standard setting for the service name; "vigil" when unset.</summary>
    public const string ServiceNameSetting = "OTEL_SERVICE_NAME";

    public static bool ExportsOtlp(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);

    /// <summary>
    /// Vigil's own traces and metrics, the same on both hosts: the "Vigil" source and meter (timer
    /// jobs, notifications, ingest counts), PostgreSQL (Npgsql), incoming HTTP (ASP.NET Core) and
    /// outgoing HTTP (notification channels). Exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// is set; the SDK reads the other OTEL_* settings itself (protocol, headers, timeouts, batch
    /// delays). A host with another exporter (the Functions app's Azure Monitor) passes it in
    /// <paramref name="otherExporters"/>, so the sources and instrumentations are registered once
    /// for both. With neither, nothing is registered: no activity is sampled that no one would read.
    /// </summary>
    public static IServiceCollection AddVigilTelemetry(this IServiceCollection services, IConfiguration configuration,
        Action<OpenTelemetryBuilder>? otherExporters = null)
    {
        var otlp = ExportsOtlp(configuration);
        if (!otlp && otherExporters is null) return services;

        var telemetry = services.AddOpenTelemetry();
        if (string.IsNullOrWhiteSpace(configuration[ServiceNameSetting]))
        {
            telemetry.ConfigureResource(resource => resource.AddService("vigil"));
        }
        telemetry
            .WithTracing(tracing => tracing
                .AddSource(VigilTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                .AddMeter(VigilTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsqlInstrumentation());
        otherExporters?.Invoke(telemetry);
        if (otlp)
        {
            // Per signal rather than UseOtlpExporter, which may not be combined with other exporters' setup.
            telemetry.WithTracing(tracing => tracing.AddOtlpExporter()).WithMetrics(metrics => metrics.AddOtlpExporter());
        }
        return services;
    }
}
