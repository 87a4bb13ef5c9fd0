using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SentimentWatch.Storage;

/// <summary>
/// SQLite's own busy handler on every connection the state store opens (decision 221). Microsoft.Data.Sqlite does not set
/// one: a statement that finds the database locked by another writer (the ledger's group commit, a desk's batch) is retried
/// after a 150 ms <c>Thread.Sleep</c>, however briefly the lock was held. <c>PRAGMA busy_timeout</c> makes SQLite itself wait,
/// retrying after 1, 2, 5, 10 … 100 ms, so a writer gets the lock milliseconds after it is released; the managed retry only
/// runs once <see cref="StorageOptions.BusyTimeout"/> has passed inside SQLite.
/// <para>
/// The same pragmas keep SQLite's statement journal in memory (<c>PRAGMA temp_store = MEMORY</c>, decision 231). A statement
/// that may fail half-way inside a larger transaction (any insert or update of a table with NOT NULL columns) journals the
/// pages it changes so it can be undone alone; past 64 KiB SQLite moved that journal into a deleted file in /var/tmp and
/// wrote every later page of the transaction there too: the alert evidence's upserts (8 rows, a random primary-key leaf
/// each) wrote as many bytes to it as to the database's log. The journal is only ever read back in this process, so it
/// needs no file; it holds the pages of one statement (or one savepoint).
/// </para>
/// <para>
/// And no connection checkpoints the write-ahead log inside its own commits before it reaches
/// <see cref="StateStoreCheckpointer.BackstopPages"/>: <see cref="StateStoreCheckpointer"/> does it on its own thread (decision 234).
/// </para>
/// </summary>
public sealed class SqliteBusyTimeout(TimeSpan timeout) : DbConnectionInterceptor
{
    /// <summary>
    /// The pragmas for <paramref name="timeout"/> (SQLite takes whole milliseconds), the statement journal in memory, the
    /// automatic checkpoint only as a backstop: <see cref="StateStoreCheckpointer"/> checkpoints on a thread of its own (decision 234),
    /// and the log's file cut back to <see cref="StateStoreCheckpointer.LogSizeLimitBytes"/> when it starts again.
    /// </summary>
    public static string Pragma(TimeSpan timeout) =>
        "PRAGMA busy_timeout = " + ((long)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue)).ToString(CultureInfo.InvariantCulture) + "; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = " + StateStoreCheckpointer.BackstopPages.ToString(CultureInfo.InvariantCulture)
        + "; PRAGMA journal_size_limit = " + StateStoreCheckpointer.LogSizeLimitBytes.ToString(CultureInfo.InvariantCulture);

    private readonly string _pragma = Pragma(timeout);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
