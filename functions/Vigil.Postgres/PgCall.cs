using System.Net.Sockets;
using Npgsql;
using Vigil.Core;

namespace Vigil.Postgres;

/// <summary>
/// Runs a storage operation and turns "the database is not there" into
/// <see cref="StorageUnavailableException"/> (hosts answer 503). Anything else is a bug and stays as is.
/// </summary>
internal static class PgCall
{
    public static async Task<T> Run<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw new StorageUnavailableException($"PostgreSQL is unavailable: {e.Message}", e);
        }
    }

    public static async Task Run(Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw new StorageUnavailableException($"PostgreSQL is unavailable: {e.Message}", e);
        }
    }

    public static bool IsUnavailable(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exceptions
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections
                or PostgresErrorCodes.InsufficientResources or PostgresErrorCodes.ReadOnlySqlTransaction
                or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                or PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled,
        NpgsqlException npg => npg.IsTransient || npg.InnerException is SocketException or IOException or TimeoutException,
        TimeoutException or SocketException => true,
        InvalidOperationException ioe => ioe.Message.Contains("connection", StringComparison.OrdinalIgnoreCase) && ioe.Source == "Npgsql",
        _ => false,
    };
}
