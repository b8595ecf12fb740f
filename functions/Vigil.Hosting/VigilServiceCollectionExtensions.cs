using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Api;
using Vigil.Core;
using Vigil.Notifications;
using Vigil.Postgres;

namespace Vigil.Hosting;

public static class VigilServiceCollectionExtensions
{
    /// <summary>
    /// Everything Vigil is, whichever host runs it: the domain and its timer jobs, PostgreSQL, the
    /// notification channels and the HTTP handlers, with their options validated at start. A host
    /// adds only how it is triggered (the Functions app: functions and Durable escalation; the local
    /// host: routes, schedulers and its PostgreSQL-backed escalation).
    /// </summary>
    public static IServiceCollection AddVigil(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddVigilCore(configuration)
            .AddVigilPostgres(configuration)
            .AddVigilNotifications(configuration)
            .AddVigilApi();
}
