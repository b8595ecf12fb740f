using Microsoft.Extensions.Options;
using Vigil.Api;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Jobs;

namespace Vigil.LocalHost;

/// <summary>Section <c>Vigil:LocalHost</c>.</summary>
public sealed class LocalHostOptions
{
    public const string Section = "Vigil:LocalHost";

    /// <summary>Run the timer functions on their schedules (tests turn this off and call the admin API).</summary>
    public bool TimersEnabled { get; set; } = true;

    /// <summary>Send escalation levels when they come due (from PostgreSQL).</summary>
    public bool EscalationSchedulerEnabled { get; set; } = true;
}

public static class LocalHostServiceCollectionExtensions
{
    public static IServiceCollection AddVigilLocalHost(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LocalHostOptions>().Bind(configuration.GetSection(LocalHostOptions.Section)).ValidateOnStart();
        services.AddOptions<TimerScheduleOptions>()
            .Configure<IEnumerable<ITimerJob>>((o, jobs) =>
            {
                foreach (var job in jobs) o.Schedules[job.Name] = configuration[job.ScheduleSetting] ?? job.DefaultSchedule;
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TimerScheduleOptions>, TimerScheduleValidator>();
        services.AddHostedService<TimerScheduler>();
        services.AddSingleton<AdvanceEscalationsJob>();
        services.AddSingleton<ITimerJob>(sp => sp.GetRequiredService<AdvanceEscalationsJob>());
        services.AddSingleton<EscalationWakeUp>();
        services.AddSingleton<IEscalationDriver, DatabaseEscalationDriver>();
        services.AddHostedService<EscalationScheduler>();
        services.AddSingleton<PublicUrl, ServerPublicUrl>();
        return services;
    }

    /// <summary><c>POST /admin/functions/{name}</c>: run a timer function now (admin key).</summary>
    public static IEndpointRouteBuilder MapLocalAdmin(this IEndpointRouteBuilder app)
    {
        app.MapPost("/admin/functions/{name}", (HttpContext c, string name, AdminApi api) => api.RunFunctionAsync(c, name))
            .WithName("RunTimerFunction");
        return app;
    }
}
