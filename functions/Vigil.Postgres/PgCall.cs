using System.Net.Sockets;
using Npgsql;
using Polly;
using Polly.Retry;
using Vigil.Core;

namespace Vigil.Postgres;

/// <summary>How a storage operation failed, as far as the caller should care.</summary>
internal enum PgFailure
{
    /// <summary>A bug, bad data, or a query cancelled or timed out by the server: the exception stays as it is.</summary>
    Other,
    /// <summary>
    /// The transaction lost to a concurrent one (deadlock, serialization failure, lock wait over
    /// lock_timeout) and was rolled back; running it again normally succeeds.
    /// </summary>
    Contention,
    /// <summary>The server cannot be reached or cannot take work now: hosts answer 503 with Retry-After.</summary>
    Unavailable,
}

/// <summary>
/// Runs a storage operation: retries it in place when it lost to a concurrent transaction, and turns
/// "the database is not there" into <see cref="StorageUnavailableException"/> (hosts answer 503).
/// Anything else is a bug, or a query the server cancelled, and stays as it is: an outage is only
/// what a client should wait out.
/// </summary>
internal static class PgCall
{
    /// <summary>
    /// Three more tries with exponential, jittered delays (about 25, 50 and 100 ms): two contenders
    /// that collided once rarely collide again, and jitter keeps them from retrying in step.
    /// </summary>
    private static readonly ResiliencePipeline ContentionRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => Classify(e) == PgFailure.Contention),
            MaxRetryAttempts = 3,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(25),
        })
        .Build();

    /// <summary>
    /// An operation that opens its own connection, so that a failure rolled back all it did (one
    /// statement, one transaction, or committed steps that are idempotent when repeated): it is run
    /// again after it lost to a concurrent transaction.
    /// </summary>
    public static async Task<T> Run<T>(Func<Task<T>> operation, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ContentionRetry.ExecuteAsync(async _ => await operation(), cancellationToken);
        }
        catch (Exception e) when (Classify(e) == PgFailure.Unavailable)
        {
            throw Unavailable(e);
        }
    }

    /// <inheritdoc cref="Run{T}(Func{Task{T}}, CancellationToken)"/>
    public static Task Run(Func<Task> operation, CancellationToken cancellationToken = default) =>
        Run(async () =>
        {
            await operation();
            return true;
        }, cancellationToken);

    /// <summary>
    /// A step inside a transaction the caller holds open: never run again here, since a failed
    /// statement aborted that whole transaction (a retry could only fail with "current transaction
    /// is aborted"); the caller's unit of work is what may be repeated.
    /// </summary>
    public static async Task<T> RunInTransaction<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (Classify(e) == PgFailure.Unavailable)
        {
            throw Unavailable(e);
        }
    }

    /// <inheritdoc cref="RunInTransaction{T}(Func{Task{T}})"/>
    public static Task RunInTransaction(Func<Task> operation) =>
        RunInTransaction(async () =>
        {
            await operation();
            return true;
        });

    /// <summary>
    /// By SQLSTATE and exception type only, never by message. A query cancelled by our own
    /// CancellationToken surfaces as <see cref="OperationCanceledException"/> and is left to the
    /// caller (a client that went away); a 57014 without it is statement_timeout or an operator's
    /// pg_cancel_backend, which neither a retry nor waiting fixes: <see cref="PgFailure.Other"/>.
    /// </summary>
    public static PgFailure Classify(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState switch
        {
            PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable
                => PgFailure.Contention,
            // Class 08: connection exceptions; 57P01-03: the server is shutting down or starting.
            var s when s.StartsWith("08", StringComparison.Ordinal) => PgFailure.Unavailable,
            PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                => PgFailure.Unavailable,
            // Class 53 (too many connections, out of memory, disk full) and a server gone read-only
            // (a standby after failover, or storage nearly full): the server cannot take work now,
            // and a client that waits and retries keeps its data.
            var s when s.StartsWith("53", StringComparison.Ordinal) => PgFailure.Unavailable,
            PostgresErrorCodes.ReadOnlySqlTransaction => PgFailure.Unavailable,
            _ => PgFailure.Other,
        },
        // Not a server error: the connection itself failed (refused, reset, timed out, pool exhausted).
        NpgsqlException npg when npg.IsTransient || npg.InnerException is SocketException or IOException or TimeoutException
            => PgFailure.Unavailable,
        TimeoutException or SocketException => PgFailure.Unavailable,
        _ => PgFailure.Other,
    };

    private static StorageUnavailableException Unavailable(Exception e) => new($"PostgreSQL is unavailable: {e.Message}", e);
}
