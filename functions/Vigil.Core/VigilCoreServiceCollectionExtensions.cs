using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Auth;
using Vigil.Core.Budgets;
using Vigil.Core.Conversations;
using Vigil.Core.Events;
using Vigil.Core.Health;
using Vigil.Core.Incidents;
using Vigil.Core.Jobs;
using Vigil.Core.Metrics;
using Vigil.Core.OnCall;
using Vigil.Core.Pricing;
using Vigil.Core.Prometheus;
using Vigil.Core.Reviews;

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
        services.AddValidatedOptions<StartupOptions, StartupOptionsValidator>(configuration.GetSection(StartupOptions.Section));
        services.AddValidatedOptions<EscalationOptions, EscalationOptionsValidator>(configuration.GetSection(EscalationOptions.Section));
        services.AddValidatedOptions<AlertingOptions, AlertingOptionsValidator>(configuration.GetSection(AlertingOptions.Section));
        services.TryAddSingleton<PublicUrl, DefaultPublicUrl>();

        services.TryAddSingleton<PriceTable>();
        services.TryAddSingleton<EventIngestor>();
        services.TryAddSingleton<ApiKeyService>();
        services.TryAddSingleton<MetricsService>();
        services.TryAddSingleton<TimeSeriesService>();
        services.TryAddSingleton<EfficiencyService>();
        services.AddValidatedOptions<PrometheusOptions, PrometheusOptionsValidator>(configuration.GetSection(PrometheusOptions.Section));
        services.TryAddSingleton<PrometheusMetrics>();
        services.AddSingleton<ITimerJob, ComputeRollupsJob>();
        services.TryAddSingleton<RecipientResolver>();
        services.TryAddSingleton<AckLinks>();
        services.TryAddSingleton<EscalationService>();
        services.TryAddSingleton<AlertService>();
        services.TryAddSingleton<AlertEvaluator>();
        services.TryAddSingleton<IEscalationDriver, ScheduledEscalationDriver>();
        services.AddSingleton<ITimerJob>(sp => sp.GetRequiredService<AlertEvaluator>());
        services.TryAddSingleton<BudgetService>();
        services.AddSingleton<ITimerJob, BudgetEvaluator>();
        services.AddSingleton<ITimerJob, ApplyRetentionJob>();
        services.AddValidatedOptions<ConversationOptions, ConversationOptionsValidator>(configuration.GetSection(ConversationOptions.Section));
        services.AddSingleton<ITimerJob, AnalyzeConversationsJob>();
        services.AddValidatedOptions<IncidentOptions, IncidentOptionsValidator>(configuration.GetSection(IncidentOptions.Section));
        services.TryAddSingleton<IncidentReportService>();
        services.TryAddSingleton<ReviewService>();
        services.AddValidatedOptions<ReviewOptions, ReviewOptionsValidator>(configuration.GetSection(ReviewOptions.Section));
        services.AddSingleton<ITimerJob, SendReviewJob>();
        services.TryAddSingleton<TimerJobRunner>();
        services.AddHostedService<VigilInitializer>();
        return services;
    }

    /// <summary>
    /// The one way Vigil registers options: bound from <paramref name="section"/> (a value of the
    /// wrong type fails there, naming the setting), checked by <typeparamref name="TValidator"/>,
    /// and both at start-up, so a bad setting stops the host before it serves anything.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services.AddOptions<TOptions>().Bind(section).ValidateOnStart();
    }

    /// <summary>As above for options whose every value of the right type is valid (switches): bound and checked at start-up.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, IConfiguration section)
        where TOptions : class =>
        services.AddOptions<TOptions>().Bind(section).ValidateOnStart();
}
