using Vigil.Core.Health;

namespace Vigil.Core.Tests.Fakes;

/// <summary>A database that is unavailable for the first <see cref="FailuresLeft"/> attempts, each moving the clock on by <see cref="EachAttemptTakes"/>.</summary>
internal sealed class FakeDatabaseMigrator(ManualClock clock) : IDatabaseMigrator
{
    public int FailuresLeft { get; set; }

    public TimeSpan EachAttemptTakes { get; set; } = TimeSpan.FromSeconds(1);

    public int Attempts { get; private set; }

    public int LatestVersion => 10;

    public Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        Attempts++;
        clock.Advance(EachAttemptTakes);
        if (FailuresLeft-- > 0) throw new StorageUnavailableException($"connection refused (attempt {Attempts})");
        return Task.FromResult(LatestVersion);
    }
}
