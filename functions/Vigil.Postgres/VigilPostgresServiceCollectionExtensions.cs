using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Vigil.Core.Alerts;
using Vigil.Core.Incidents;
using Vigil.Core.Auth;
using Vigil.Core.Budgets;
using Vigil.Core.Conversations;
using Vigil.Core.Events;
using Vigil.Core.Health;
using Vigil.Core.Jobs;
using Vigil.Core.Metrics;
using Vigil.Core.OnCall;
using Vigil.Core.Reviews;
using Vigil.Core.Silences;

namespace Vigil.Postgres;

public static class VigilPostgresServiceCollectionExtensions
{
    /// <summary>One pooled <see cref="NpgsqlDataSource"/> and the PostgreSQL implementations of the Core ports.</summary>
    public static IServiceCollection AddVigilPostgres(this IServiceCollection services, IConfiguration configuration)
    {
        // Bound from the connection string, not a section, so registered by hand in the same shape as AddValidatedOptions.
        services.AddSingleton<IValidateOptions<PostgresOptions>, PostgresOptionsValidator>();
        services.AddOptions<PostgresOptions>()
            .Configure(o => o.ConnectionString ??= configuration[PostgresOptions.ConnectionStringSetting])
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PostgresOptions>>().Value;
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            var cs = builder.ConnectionStringBuilder;
            // Fail fast when the server is down: a request should get its 503 in seconds, not 15.
            if (cs.Timeout == 15) cs.Timeout = 5;
            if (cs.MaxAutoPrepare == 0) cs.MaxAutoPrepare = 32;
            // Rollup and event reads return tens of thousands of rows: with the default 8 KB buffer a
            // time series of 200 series made a thousand socket reads, each an async continuation.
            if (cs.ReadBufferSize == 8192) cs.ReadBufferSize = 64 * 1024;
            cs.ApplicationName ??= "vigil";
            builder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            options.ConfigureDataSource?.Invoke(builder);
            return builder.Build();
        });

        services.AddSingleton<IDatabaseMigrator, PgMigrator>();
        services.AddSingleton<IStorageHealth, PgStorageHealth>();
        services.AddSingleton<IEventStore, PgEventStore>();
        services.AddSingleton<IEventQueries, PgEventQueries>();
        services.AddSingleton<IApiKeyStore, PgApiKeyStore>();
        services.AddSingleton<IRetentionStore, PgRetentionStore>();
        services.AddSingleton<IRollupStore, PgRollupStore>();
        services.AddSingleton<IReviewStore, PgReviewStore>();
        services.AddSingleton<ISlaTargetStore, PgSlaTargetStore>();
        services.AddSingleton<IAlertRuleStore, PgAlertRuleStore>();
        services.AddSingleton<PgAlertStore>();
        services.AddSingleton<IAlertStore>(sp => sp.GetRequiredService<PgAlertStore>());
        services.AddSingleton<IIncidentStore>(sp => sp.GetRequiredService<PgAlertStore>());
        services.AddSingleton<IPostmortemStore, PgPostmortemStore>();
        services.AddSingleton<INotificationLog, PgNotificationLog>();
        services.AddSingleton<IEscalationSchedule, PgEscalationSchedule>();
        services.AddSingleton<IEscalationPolicyStore, PgEscalationPolicyStore>();
        services.AddSingleton<IOnCallStore, PgOnCallStore>();
        services.AddSingleton<ISilenceStore, PgSilenceStore>();
        services.AddSingleton<IBatchJobStore, PgBatchJobStore>();
        services.AddSingleton<IBudgetStore, PgBudgetStore>();
        services.AddSingleton<IConversationStore, PgConversationStore>();
        return services;
    }
}
