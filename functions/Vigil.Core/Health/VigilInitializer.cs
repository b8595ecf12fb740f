using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Auth;

namespace Vigil.Core.Health;

/// <summary>
/// Runs before the host serves requests: migrates the schema, stores the admin key and brings the
/// settings-managed default escalation policy up to date. Waits for a
/// database that is still starting (as on a fresh <c>./run</c>), then fails start-up loudly.
/// </summary>
public sealed partial class VigilInitializer(
    IDatabaseMigrator migrator,
    ApiKeyService keys,
    IEscalationPolicyStore policies,
    IOptionsMonitor<EscalationOptions> escalation,
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
                // The seeded default follows Vigil:Escalation until an operator edits it.
                await policies.SyncManagedDefaultAsync(EscalationPolicy.Default(escalation.CurrentValue, time.GetUtcNow()), cancellationToken);
                LogReady(logger, version);
                return;
            }
            catch (StorageUnavailableException e) when (time.GetUtcNow() < deadline)
            {
                LogWaiting(logger, e.Message);
                // A database that is starting (or out of connections) recovers in real time: a host whose
                // clock is driven by hand (tests, replays) must not wait on that clock and hang for ever.
                await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Database ready at schema version {Version}")]
    private static partial void LogReady(ILogger logger, int version);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Waiting for the database: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string reason);
}
