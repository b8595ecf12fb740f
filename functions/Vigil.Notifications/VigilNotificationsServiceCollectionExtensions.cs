using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Core;
using Vigil.Core.Notifications;
using Vigil.Core.Health;

namespace Vigil.Notifications;

public static class VigilNotificationsServiceCollectionExtensions
{
    /// <summary>The six channels, the dispatcher (Core's INotificationSender) and their health.</summary>
    public static IServiceCollection AddVigilNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ChannelOptions, ChannelOptionsValidator>(configuration.GetSection(ChannelOptions.Section));
        services.AddValidatedOptions<NotificationOptions, NotificationOptionsValidator>(configuration.GetSection(NotificationOptions.Section));
        services.AddHttpClient(NotificationDispatcher.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<IChannel, EmailChannel>();
        services.AddSingleton<IChannel, SlackChannel>();
        services.AddSingleton<IChannel, WebhookChannel>();
        services.AddSingleton<IChannel, PagerDutyChannel>();
        services.AddSingleton<IChannel, OpsgenieChannel>();
        services.AddSingleton<IChannel, TeamsChannel>();
        services.AddSingleton<NotificationDispatcher>();
        services.AddSingleton<INotificationSender>(sp => sp.GetRequiredService<NotificationDispatcher>());
        services.AddSingleton<IHealthContributor, ChannelsHealth>();
        return services;
    }
}
