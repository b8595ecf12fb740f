using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Hosting;
using Vigil.Postgres;

namespace Vigil.Functions;

public static class FunctionsServiceCollectionExtensions
{
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static IServiceCollection AddVigilFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        // Escalation runs as a Durable orchestration started by the EvaluateAlerts function; the
        // default escalation driver (nothing to do on firing) stays.
        services.AddSingleton<EscalationOrchestration>();
        services.AddSingleton<PublicUrl>(sp => new SitePublicUrl(sp.GetRequiredService<IOptionsMonitor<AlertingOptions>>(), configuration));

        services.AddValidatedOptions<AzureIdentityOptions, AzureIdentityOptionsValidator>(configuration.GetSection(AzureIdentityOptions.Section));
        services.AddValidatedOptions<AzurePostgresOptions>(configuration.GetSection(AzurePostgresOptions.Section));
        services.AddSingleton<TokenCredential>(sp => CreateCredential(sp.GetRequiredService<IOptions<AzureIdentityOptions>>().Value));

        services.AddOptions<PostgresOptions>().Configure<IOptions<AzurePostgresOptions>, TokenCredential>((postgres, azure, credential) =>
        {
            if (!azure.Value.UseEntraAuthentication) return;
            // Tokens live about an hour; refresh well before, and retry soon after a failure.
            postgres.ConfigureDataSource = builder => builder.UsePeriodicPasswordProvider(
                async (_, cancellationToken) => (await credential.GetTokenAsync(new TokenRequestContext([AzurePostgresOptions.TokenScope]), cancellationToken)).Token,
                TimeSpan.FromMinutes(30),
                TimeSpan.FromSeconds(5));
        });

        // Traces and metrics (the Functions invocations and Vigil's own, see AddVigilTelemetry) go to
        // Application Insights when the app has a connection string for it, and over OTLP when
        // OTEL_EXPORTER_OTLP_ENDPOINT is set; either, both or neither. The Bicep turns local
        // authentication off in Application Insights, so its exporter signs in with the app's identity.
        var applicationInsights = configuration[ApplicationInsightsSetting];
        var azureMonitor = !string.IsNullOrWhiteSpace(applicationInsights);
        if (azureMonitor || VigilTelemetryServiceCollectionExtensions.ExportsOtlp(configuration))
        {
            services.AddVigilTelemetry(configuration, telemetry =>
            {
                telemetry.UseFunctionsWorkerDefaults();
                if (azureMonitor) telemetry.UseAzureMonitorExporter();
            });
        }
        if (azureMonitor)
        {
            services.AddOptions<AzureMonitorExporterOptions>().Configure<IOptions<AzureIdentityOptions>, TokenCredential>((exporter, identity, credential) =>
            {
                exporter.ConnectionString = applicationInsights;
                if (!string.IsNullOrWhiteSpace(identity.Value.ManagedIdentityClientId)) exporter.Credential = credential;
            });
        }
        return services;
    }

    private static TokenCredential CreateCredential(AzureIdentityOptions options) =>
        string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
}
