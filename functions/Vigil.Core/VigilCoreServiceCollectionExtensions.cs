using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Auth;
using Vigil.Core.Budgets;
using Vigil.Core.Events;
using Vigil.Core.Health;
using Vigil.Core.Jobs;
using Vigil.Core.Metrics;
using Vigil.Core.Pricing;

namespace Vigil.Core;

public static class VigilCoreServiceCollectionExtensions
{
    /// <summary>Domain services, options (validated at start) and the timer jobs of Core.</summary>
    public static IServiceCollection AddVigilCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        services.AddValidatedOptions<IngestOptions, IngestOptionsValidator>(configuration.GetSection(IngestOptions.Section));
        services.AddValidatedOptions<PricingOptions, PricingOptionsValidator>(configuration.GetSection(PricingOptions.Section));
        services.AddValidatedOptions<RetentionOptions, RetentionOptionsValidator>(configuration.GetSection(RetentionOptions.Section));
        services.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(configuration.GetSection(AuthOptions.Section))
            .Configure(o => o.AdminKey ??= configuration[AuthOptions.AdminKeySetting]);
        services.AddOptions<StartupOptions>().Bind(configuration.GetSection(StartupOptions.Section)).ValidateOnStart();
        services.AddValidatedOptions<EscalationOptions, EscalationOptionsValidator>(configuration.GetSection(EscalationOptions.Section));
        services.AddValidatedOptions<AlertingOptions, AlertingOptionsValidator>(configuration.GetSection(AlertingOptions.Section));
        services.TryAddSingleton<PublicUrl, DefaultPublicUrl>();

        services.TryAddSingleton<PriceTable>();
        services.TryAddSingleton<EventIngestor>();
        services.TryAddSingleton<ApiKeyService>();
        services.TryAddSingleton<MetricsService>();
        services.AddSingleton<ITimerJob, ComputeRollupsJob>();
        services.TryAddSingleton<EscalationPolicy>();
        services.TryAddSingleton<EscalationService>();
        services.TryAddSingleton<AlertService>();
        services.TryAddSingleton<AlertEvaluator>();
        services.TryAddSingleton<IEscalationDriver, ScheduledEscalationDriver>();
        services.AddSingleton<ITimerJob>(sp => sp.GetRequiredService<AlertEvaluator>());
        services.TryAddSingleton<BudgetService>();
        services.AddSingleton<ITimerJob, BudgetEvaluator>();
        services.AddSingleton<ITimerJob, ApplyRetentionJob>();
        services.TryAddSingleton<TimerJobRunner>();
        services.AddHostedService<VigilInitializer>();
        return services;
    }

    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services.AddOptions<TOptions>().Bind(section).ValidateOnStart();
    }
}
