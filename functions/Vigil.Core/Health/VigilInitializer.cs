using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Core.Auth;

namespace Vigil.Core.Health;

/// <summary>
/// Runs before the host serves requests: migrates the schema and stores the admin key. Waits for a
/// database that is still starting (as on a fresh <c>./run</c>), then fails start-up loudly.
/// </summary>
public sealed partial class VigilInitializer(
    IDatabaseMigrator migrator,
    ApiKeyService keys,
    IOptions<StartupOptions> options,
    TimeProvider time,
    ILogger<VigilInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.Value.DatabaseWaitTimeout;
        while (true)
        {
            try
            {
                var version = await migrator.MigrateAsync(cancellationToken);
                await keys.SeedAdminKeyAsync(cancellationToken);
                LogReady(logger, version);
                return;
            }
            catch (StorageUnavailableException e) when (time.GetUtcNow() < deadline)
            {
                LogWaiting(logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Database ready at schema version {Version}")]
    private static partial void LogReady(ILogger logger, int version);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Waiting for the database: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string reason);
}
