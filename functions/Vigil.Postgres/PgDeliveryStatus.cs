using Npgsql;
using NpgsqlTypes;
using Vigil.Core.Alerts;

namespace Vigil.Postgres;

/// <summary>
/// Completing a recorded send, for the two tables that record them (notifications of alerts and of
/// budgets), which share the delivery columns: status, attempts, sent_at, error.
/// </summary>
internal static class PgDeliveryStatus
{
    /// <param name="table">One of the two tables' names, never input.</param>
    public static Task CompleteAsync(NpgsqlDataSource dataSource, string table, long id, DeliveryStatus status, int attempts, DateTimeOffset? sentAt, string? error, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand($"UPDATE {table} SET status = $2, attempts = attempts + $3, sent_at = $4, error = $5 WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = status.ToName() });
        command.Parameters.Add(new() { Value = attempts });
        command.Parameters.Add(new() { Value = (object?)sentAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    });
}
