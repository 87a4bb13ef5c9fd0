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
/// </summary>
public sealed class SqliteBusyTimeout(TimeSpan timeout) : DbConnectionInterceptor
{
    /// <summary>The pragma for <paramref name="timeout"/>: SQLite takes whole milliseconds.</summary>
    public static string Pragma(TimeSpan timeout) =>
        "PRAGMA busy_timeout = " + ((long)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue)).ToString(CultureInfo.InvariantCulture);

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
