using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SentimentWatch.Storage;

/// <summary>
/// Copies the SQLite state database's write-ahead log back into the database on a connection and a thread of its own
/// (decision 234). SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the committing
/// thread: the intake's group commit (a 202 waits for it) or a desk's batch in the pipeline's observe stage, each time
/// writing a few thousand pages and syncing the database file. Here a passive checkpoint runs every
/// <see cref="StorageOptions.CheckpointInterval"/>: it never waits for a reader or a writer, and a writer that starts after
/// it restarts the log from its beginning. Every connection keeps an automatic checkpoint at <see cref="BackstopPages"/>
/// (<see cref="SqliteBusyTimeout.Pragma"/>), so the log stays bounded when this service is not running (CLI verbs) or
/// falls behind. Nothing to do on PostgreSQL.
/// </summary>
public sealed class StateStoreCheckpointer(IOptions<StorageOptions> options, ILogger<StateStoreCheckpointer> logger) : BackgroundService
{
    /// <summary>
    /// The log size, in pages (4 KiB each), at which a committing connection checkpoints after all: 100,000 pages, about
    /// 400 MiB, some 70,000 mentions' worth of the intake's writes, 15 s of them at the throughput goal.
    /// </summary>
    public const int BackstopPages = 100_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var storage = options.Value;
        if (storage.Provider != StateStoreProvider.Sqlite)
        {
            return;
        }

        using var timer = new PeriodicTimer(storage.CheckpointInterval);
        SqliteConnection? connection = null;
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    connection ??= Open(storage);
                    Checkpoint(connection);
                    if (failing)
                    {
                        logger.LogInformation("The state database's log is checkpointed again");
                        failing = false;
                    }
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
                {
                    // SQLITE_BUSY / SQLITE_LOCKED: another connection is checkpointing (the backstop) or holds the file; next tick.
                }
                catch (SqliteException ex)
                {
                    // A full disk or a locked file: the writers' backstop still bounds the log; try again on the next tick.
                    if (!failing)
                    {
                        logger.LogWarning(ex, "Checkpointing the state database's log failed; committing connections checkpoint at {BackstopPages} pages meanwhile", BackstopPages);
                        failing = true;
                    }

                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>One passive checkpoint on <paramref name="connection"/>: the log's frames, and how many of them are now in the database.</summary>
    public static (long LogFrames, long Copied) Checkpoint(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        using var reader = command.ExecuteReader();
        reader.Read();

        // (busy, frames in the log, frames checkpointed); -1 when the database is not in WAL mode.
        return (reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>A connection of the checkpointer's own: not pooled, SQLite's busy handler and the same pragmas as the others.</summary>
    public static SqliteConnection Open(StorageOptions storage)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = storage.StateDatabasePath, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = SqliteBusyTimeout.Pragma(storage.BusyTimeout);
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
