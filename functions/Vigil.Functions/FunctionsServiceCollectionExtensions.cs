using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Postgres;

namespace Vigil.Functions;

/// <summary>Section <c>Vigil:Azure</c>: the identity the Function App uses for Azure resources.</summary>
public sealed class AzureIdentityOptions
{
    public const string Section = "Vigil:Azure";

    /// <summary>
    /// Client id of the app's user-assigned managed identity. Set in Azure (the Bicep does); empty
    /// locally, where the developer's own sign-in (Azure CLI, Visual Studio) is used instead.
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }
}

/// <summary>Section <c>Vigil:Postgres</c>: how the Function App signs in to Azure Database for PostgreSQL.</summary>
public sealed class AzurePostgresOptions
{
    public const string Section = "Vigil:Postgres";
    public const string TokenScope = "https://ossrdbms-aad.database.windows.net/.default";

    /// <summary>Sign in with a Microsoft Entra token of the app's identity instead of a password.</summary>
    public bool UseEntraAuthentication { get; set; }
}

public static class FunctionsServiceCollectionExtensions
{
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static IServiceCollection AddVigilFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        // Escalation runs as a Durable orchestration started by the EvaluateAlerts function; the
        // default escalation driver (nothing to do on firing) stays.
        services.AddSingleton<EscalationOrchestration>();
        services.AddSingleton<PublicUrl>(sp => new SitePublicUrl(sp.GetRequiredService<IOptionsMonitor<AlertingOptions>>(), configuration));

        services.AddOptions<AzureIdentityOptions>().Bind(configuration.GetSection(AzureIdentityOptions.Section)).ValidateOnStart();
        services.AddOptions<AzurePostgresOptions>().Bind(configuration.GetSection(AzurePostgresOptions.Section)).ValidateOnStart();
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

        // Traces and metrics (the Functions invocations and Vigil's own) go to Application Insights
        // when the app has a connection string for it. The Bicep turns local authentication off
        // there, so the exporter signs in with the app's identity.
        var applicationInsights = configuration[ApplicationInsightsSetting];
        if (!string.IsNullOrWhiteSpace(applicationInsights))
        {
            services.AddOpenTelemetry()
                .WithTracing(tracing => tracing.AddSource(VigilTelemetry.Name))
                .WithMetrics(metrics => metrics.AddMeter(VigilTelemetry.Name))
                .UseFunctionsWorkerDefaults()
                .UseAzureMonitorExporter();
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
