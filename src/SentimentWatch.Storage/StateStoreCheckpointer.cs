using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SentimentWatch.Storage;

/// <summary>
/// Copies the SQLite state database's write-ahead log back into the database on a connection and a thread of its own
/// (decision 234). SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the committing
/// thread: the intake's group commit (a 202 waits for it) or a desk's batch in the pipeline's observe stage, each time
/// writing a few thousand pages and syncing the database file. Here, every <see cref="StorageOptions.CheckpointInterval"/>,
/// passive checkpoints (which wait for no reader or writer) copy the log back, again while the writers add more than a
/// pass leaves behind. A passive checkpoint never restarts the log: a writer does, only when it finds every frame copied,
/// which under steady writes it never does, so the log would grow to the backstop. Once the log holds
/// <see cref="RestartFrames"/> frames, a restart checkpoint copies the few frames the passive passes left, waits for
/// readers to leave the log and starts it again from its beginning; writers wait for that short step only.
/// Every connection keeps an automatic checkpoint at <see cref="BackstopPages"/> (<see cref="SqliteBusyTimeout.Pragma"/>),
/// so the log stays bounded when this service is not running (CLI verbs) or cannot work. Nothing to do on PostgreSQL.
/// </summary>
public sealed class StateStoreCheckpointer(IOptions<StorageOptions> options, ILogger<StateStoreCheckpointer> logger) : BackgroundService
{
    /// <summary>
    /// The log size, in pages (4 KiB each), at which a committing connection checkpoints after all: 100,000 pages, about
    /// 400 MiB, some 70,000 mentions' worth of the intake's writes.
    /// </summary>
    public const int BackstopPages = 100_000;

    /// <summary>The log length, in frames (one page each), from which the checkpointer restarts the log: about 40 MiB.</summary>
    public const int RestartFrames = 10_000;

    /// <summary>
    /// What the log's file is cut back to when a writer starts it again after a restart (<c>PRAGMA journal_size_limit</c>,
    /// on every connection since the writer that restarts the log does the cutting): 64 MiB. SQLite otherwise keeps the
    /// file at the largest it ever was (a million-mention burst left ~230 MB) and writes over it.
    /// </summary>
    public const long LogSizeLimitBytes = 64L * 1024 * 1024;

    /// <summary>Passive passes per tick at most, while each leaves more than <see cref="CaughtUpFrames"/> frames behind.</summary>
    private const int MaxPassivePasses = 4;

    /// <summary>Frames a passive pass may leave behind for the restart to copy while writers wait.</summary>
    private const int CaughtUpFrames = 1_000;

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
                    CatchUp(connection);
                    if (failing)
                    {
                        logger.LogInformation("The state database's log is checkpointed again");
                        failing = false;
                    }
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

    /// <summary>
    /// One tick's work on <paramref name="connection"/>: passive passes until one leaves at most <see cref="CaughtUpFrames"/>
    /// frames behind (or <see cref="MaxPassivePasses"/> of them), then a restart when the log holds <see cref="RestartFrames"/>.
    /// Returns the log's frames the passive passes found and whether the log was restarted.
    /// </summary>
    public static (long LogFrames, bool Restarted) CatchUp(SqliteConnection connection, int restartFrames = RestartFrames)
    {
        var (busy, log, copied) = Checkpoint(connection, "PASSIVE");
        for (var pass = 1; pass < MaxPassivePasses && !busy && log - copied > CaughtUpFrames; pass++)
        {
            (busy, log, copied) = Checkpoint(connection, "PASSIVE");
        }

        if (busy || log < restartFrames)
        {
            return (log, false);
        }

        var (restartBusy, restartLog, restartCopied) = Checkpoint(connection, "RESTART");
        return (log, !restartBusy && restartCopied == restartLog);
    }

    /// <summary>
    /// One checkpoint of <paramref name="mode"/> (PASSIVE, RESTART) on <paramref name="connection"/>: whether it could not finish
    /// (another checkpoint ran, or a reader or writer outlasted the busy timeout), the log's frames, and how many of them are now
    /// in the database (both -1 when it could not run at all, or the database is not in WAL mode).
    /// </summary>
    public static (bool Busy, long LogFrames, long Copied) Checkpoint(SqliteConnection connection, string mode = "PASSIVE")
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0) != 0, reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>
    /// How long a restart waits for a writer to finish or readers to leave the log before it gives up until the next tick:
    /// writers wait for a pending restart, so this bounds what a long reader can make them wait.
    /// </summary>
    public static readonly TimeSpan RestartPatience = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A connection of the checkpointer's own: not pooled, the same pragmas as the others but a busy timeout of
    /// <see cref="RestartPatience"/>.
    /// </summary>
    public static SqliteConnection Open(StorageOptions storage)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = storage.StateDatabasePath, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = SqliteBusyTimeout.Pragma(RestartPatience);
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
