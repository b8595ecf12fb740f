using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using Vigil.Core;
using Vigil.IntegrationTests.Infrastructure;
using Vigil.Postgres;

namespace Vigil.IntegrationTests;

/// <summary>
/// Which storage failures are outages (503), which lost to a concurrent transaction and are retried in
/// place, and which are neither; by SQLSTATE and exception type, never by message.
/// </summary>
public class PgCallTests
{
    private static PostgresException Server(string sqlState) => new("message", "ERROR", "ERROR", sqlState);

    [Theory]
    [InlineData(PostgresErrorCodes.DeadlockDetected)]
    [InlineData(PostgresErrorCodes.SerializationFailure)]
    [InlineData(PostgresErrorCodes.LockNotAvailable)]
    public void Deadlocks_serialization_failures_and_lock_timeouts_are_contention_not_outages(string sqlState) =>
        Assert.Equal(PgFailure.Contention, PgCall.Classify(Server(sqlState)));

    [Theory]
    [InlineData("08006")]
    [InlineData("08001")]
    [InlineData(PostgresErrorCodes.AdminShutdown)]
    [InlineData(PostgresErrorCodes.CrashShutdown)]
    [InlineData(PostgresErrorCodes.CannotConnectNow)]
    [InlineData(PostgresErrorCodes.TooManyConnections)]
    public void Connection_trouble_and_a_server_shutting_down_are_outages(string sqlState) =>
        Assert.Equal(PgFailure.Unavailable, PgCall.Classify(Server(sqlState)));

    [Fact]
    public void Failures_of_the_connection_itself_are_outages()
    {
        Assert.Equal(PgFailure.Unavailable, PgCall.Classify(new NpgsqlException("refused", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.Equal(PgFailure.Unavailable, PgCall.Classify(new NpgsqlException("timeout", new TimeoutException())));
        Assert.Equal(PgFailure.Unavailable, PgCall.Classify(new NpgsqlException("reset", new IOException("reset"))));
    }

    [Theory]
    [InlineData(PostgresErrorCodes.QueryCanceled)]
    [InlineData(PostgresErrorCodes.UniqueViolation)]
    [InlineData(PostgresErrorCodes.CharacterNotInRepertoire)]
    [InlineData(PostgresErrorCodes.NumericValueOutOfRange)]
    [InlineData(PostgresErrorCodes.UndefinedTable)]
    public void A_cancelled_query_or_a_bug_is_neither_an_outage_nor_retried(string sqlState) =>
        Assert.Equal(PgFailure.Other, PgCall.Classify(Server(sqlState)));

    [Fact]
    public void Messages_are_not_sniffed()
    {
        var connectionWording = new InvalidOperationException("The connection is broken") { Source = "Npgsql" };
        Assert.Equal(PgFailure.Other, PgCall.Classify(connectionWording));
        Assert.Equal(PgFailure.Other, PgCall.Classify(new OperationCanceledException()));
    }

    [Fact]
    public async Task A_transaction_that_lost_to_a_concurrent_one_is_run_again_and_its_result_returned()
    {
        var attempts = 0;
        var result = await PgCall.Run(async () =>
        {
            await Task.Yield();
            if (++attempts < 3) throw Server(attempts == 1 ? PostgresErrorCodes.DeadlockDetected : PostgresErrorCodes.SerializationFailure);
            return "stored";
        });
        Assert.Equal("stored", result);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Retries_are_bounded_and_then_the_failure_is_not_reported_as_an_outage()
    {
        var attempts = 0;
        var e = await Assert.ThrowsAsync<PostgresException>(() => PgCall.Run<int>(() =>
        {
            attempts++;
            throw Server(PostgresErrorCodes.DeadlockDetected);
        }));
        Assert.Equal(PostgresErrorCodes.DeadlockDetected, e.SqlState);
        Assert.Equal(4, attempts);
    }

    [Fact]
    public async Task An_outage_is_not_retried_in_place_and_becomes_storage_unavailable()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<StorageUnavailableException>(() => PgCall.Run<int>(() =>
        {
            attempts++;
            throw Server(PostgresErrorCodes.AdminShutdown);
        }));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_step_of_a_transaction_held_open_by_the_caller_is_never_run_again()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<PostgresException>(() => PgCall.RunInTransaction<int>(() =>
        {
            attempts++;
            throw Server(PostgresErrorCodes.DeadlockDetected);
        }));
        Assert.Equal(1, attempts);
    }

    /// <summary>
    /// A real deadlock against the real server: a concurrent transaction holds the key of the batch's
    /// second event, the ingest claims the first and waits for the second, then the transaction asks for
    /// the first. PostgreSQL aborts the ingest (its deadlock_timeout runs out first); the retry stores
    /// both events once the transaction has gone.
    /// </summary>
    [Fact]
    public async Task A_deadlock_with_a_concurrent_transaction_is_retried_in_place_and_the_batch_is_stored()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var now = DateTimeOffset.UtcNow;
        await using var other = new NpgsqlConnection(app.ConnectionString);
        await other.OpenAsync();
        await using var tx = await other.BeginTransactionAsync();
        // The ingest must be the one to detect the deadlock (and be aborted), not this transaction.
        await Execute(other, tx, "SET LOCAL deadlock_timeout = '60s'");
        await Execute(other, tx, "INSERT INTO event_keys (tenant_id, event_id, ts) VALUES ('default', 'k2', now())");
        var otherPid = other.ProcessID;

        var ingest = client.PostAsync("/api/events", VigilApp.Json(Events.Batch([Events.LlmCall("k1", now), Events.LlmCall("k2", now)])));
        await WaitUntilAsync(async () => await app.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", otherPid) > 0);
        // Blocks until PostgreSQL aborts the ingest's statement, which frees k1 for this transaction.
        await Execute(other, tx, "INSERT INTO event_keys (tenant_id, event_id, ts) VALUES ('default', 'k1', now())");
        await tx.RollbackAsync();

        var response = await ingest;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
        Assert.Equal(2L, await app.ScalarAsync<long>("SELECT count(*) FROM events"));
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The ingest never waited on the concurrent transaction.");
            await Task.Delay(20);
        }
    }
}
