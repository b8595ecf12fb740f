using Npgsql;
using Vigil.Core.Alerts;

namespace Vigil.Postgres;

/// <summary>Table notifications: every send of every alert, recorded before it happens and completed after.</summary>
public sealed class PgNotificationLog(NpgsqlDataSource dataSource) : INotificationLog
{
    internal const string Columns = "id, level, channel, kind, status, attempts, sent_at, error, created_at, step, recipients";

    public Task<IReadOnlyList<NotificationRecord>> AddAsync(Guid alertId, int level, NotificationKind kind, IEnumerable<string> channels, DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await InsertAsync(connection, null, alertId, level, null, kind, "pending", null, [.. channels.Distinct(StringComparer.Ordinal).Select(c => new StepSend(c, []))], at, cancellationToken);
    });

    public Task CompleteAsync(long id, DeliveryStatus status, int attempts, DateTimeOffset? sentAt, string? error, CancellationToken cancellationToken) =>
        PgDeliveryStatus.CompleteAsync(dataSource, "notifications", id, status, attempts, sentAt, error, cancellationToken);

    public Task<IReadOnlyList<(Guid AlertId, NotificationRecord Notification)>> StalePendingAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<(Guid, NotificationRecord)>>(async () =>
    {
        // Re-stamped on claim, so two hosts retrying at once do not both send.
        await using var command = dataSource.CreateCommand($"""
            UPDATE notifications SET created_at = $2
            WHERE id IN (SELECT id FROM notifications WHERE status = 'pending' AND created_at < $1 ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED)
            RETURNING alert_id, {Columns}
            """);
        command.Parameters.Add(new() { Value = olderThan });
        command.Parameters.Add(new() { Value = DateTimeOffset.UtcNow });
        var result = new List<(Guid, NotificationRecord)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result.Add((reader.GetGuid(0), Read(reader, 1)));
        return result;
    });

    /// <summary>One row per send, in the order given; the alerts store records a step's sends through this too, in its transaction.</summary>
    internal static async Task<IReadOnlyList<NotificationRecord>> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid alertId, int level, int? step,
        NotificationKind kind, string status, string? error, IReadOnlyList<StepSend> sends, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (sends.Count == 0) return [];
        await using var command = new NpgsqlCommand($"""
            INSERT INTO notifications (alert_id, level, step, channel, kind, status, attempts, error, created_at, recipients)
            SELECT $1, $2, $3, c, $4, $5, 0, $6, $7, string_to_array(r, ' ') FROM unnest($8::text[], $9::text[]) WITH ORDINALITY AS t(c, r, n) ORDER BY n
            RETURNING {Columns}
            """, connection, tx);
        command.Parameters.Add(new() { Value = alertId });
        command.Parameters.Add(new() { Value = level });
        command.Parameters.Add(new() { Value = (object?)step ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = kind.ToName() });
        command.Parameters.Add(new() { Value = status });
        command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = at });
        command.Parameters.Add(new() { Value = sends.Select(s => s.Channel).ToArray() });
        // Person ids are names ([a-z0-9_.-]), so a space joins them safely.
        command.Parameters.Add(new() { Value = sends.Select(s => string.Join(' ', s.Recipients)).ToArray() });
        var records = new List<NotificationRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) records.Add(Read(reader, 0));
        return records;
    }

    internal static NotificationRecord Read(NpgsqlDataReader r, int first) => new(
        r.GetInt64(first),
        r.GetInt32(first + 1),
        r.GetString(first + 2),
        r.GetString(first + 3) switch { "trigger" => NotificationKind.Trigger, "acknowledge" => NotificationKind.Acknowledge, _ => NotificationKind.Resolve },
        r.GetString(first + 4) switch { "pending" => DeliveryStatus.Pending, "sent" => DeliveryStatus.Sent, "suppressed" => DeliveryStatus.Suppressed, _ => DeliveryStatus.Failed },
        r.GetInt32(first + 5),
        r.IsDBNull(first + 6) ? null : r.GetFieldValue<DateTimeOffset>(first + 6),
        r.IsDBNull(first + 7) ? null : r.GetString(first + 7),
        r.GetFieldValue<DateTimeOffset>(first + 8))
    {
        Step = r.IsDBNull(first + 9) ? null : r.GetInt32(first + 9),
        Recipients = [.. r.GetFieldValue<string[]>(first + 10).Where(x => x.Length > 0)],
    };
}
