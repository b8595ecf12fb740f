using Microsoft.Extensions.DependencyInjection;
using Vigil.Otlp;

namespace Vigil.Api;

public static class VigilApiServiceCollectionExtensions
{
    /// <summary>The HTTP handlers of the contract, shared by the local host and the Functions app.</summary>
    public static IServiceCollection AddVigilApi(this IServiceCollection services)
    {
        services.AddSingleton<ApiGate>();
        services.AddSingleton<EventsApi>();
        services.AddSingleton<HealthApi>();
        services.AddSingleton<KeysApi>();
        services.AddSingleton<MetricsApi>();
        services.AddSingleton<AlertsApi>();
        services.AddSingleton<BudgetsApi>();
        services.AddSingleton<BatchJobsApi>();
        services.AddSingleton<EfficiencyApi>();
        services.AddSingleton<AdminApi>();
        services.AddSingleton<EventsQueryApi>();
        services.AddSingleton<ConsoleApi>();
        services.AddSingleton<ConversationsApi>();
        services.AddSingleton<ReviewApi>();
        services.AddSingleton<OtlpTraceIngestor>();
        services.AddSingleton<OtlpApi>();
        services.AddSingleton<PrometheusApi>();
        services.AddSingleton<EscalationPoliciesApi>();
        services.AddSingleton<PeopleApi>();
        services.AddSingleton<SchedulesApi>();
        services.AddSingleton<SilencesApi>();
        services.AddSingleton<AckLinkLimiter>();
        services.AddSingleton<AckLinkApi>();
        services.AddSingleton<IncidentsApi>();
        return services;
    }
}
