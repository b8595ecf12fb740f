using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Vigil.Api;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Jobs;

namespace Vigil.LocalHost;

public static class LocalHostServiceCollectionExtensions
{
    public static IServiceCollection AddVigilLocalHost(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<LocalHostOptions>(configuration.GetSection(LocalHostOptions.Section));
        services.AddOptions<TimerScheduleOptions>()
            .Configure<IEnumerable<ITimerJob>>((o, jobs) =>
            {
                foreach (var job in jobs) o.Schedules[job.Name] = new TimerSchedule(job.ScheduleSetting, configuration[job.ScheduleSetting] ?? job.DefaultSchedule);
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
        services.Configure<KestrelServerOptions>(ProblemResponseMiddleware.ConfigureKestrel);
        return services;
    }

    /// <summary>
    /// Problem+json for what no handler answers (an unknown route, a wrong method, a request Kestrel
    /// could not read) and the headers every API response carries; first in the pipeline.
    /// </summary>
    public static IApplicationBuilder UseProblemResponses(this IApplicationBuilder app)
    {
        app.UseMiddleware<ProblemResponseMiddleware>();
        // Routing's 404 and 405 have no body; write the contract's problem in its place.
        app.UseStatusCodePages(context => Problems.ForStatus(context.HttpContext.Response.StatusCode).ExecuteAsync(context.HttpContext));
        return app;
    }

    /// <summary><c>POST /admin/functions/{name}</c>: run a timer function now (admin key).</summary>
    public static IEndpointRouteBuilder MapLocalAdmin(this IEndpointRouteBuilder app)
    {
        app.MapPost("/admin/functions/{name}", (HttpContext c, string name, AdminApi api) => api.RunFunctionAsync(c, name))
            .WithName("RunTimerFunction");
        // A newcomer opening http://localhost:7071/ lands on the console.
        app.MapGet("/", () => Results.Redirect("/api/console")).WithName("RedirectToConsole");
        return app;
    }
}
