using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Storage.Mentions;

/// <summary>
/// The ledger's writes on SQLite (decision 204): one connection kept open for them, used only
/// under the write lock, with its statements prepared once, a page cache of
/// <c>Storage:LedgerCacheMiB</c>, and no checkpoint inside its commits (<see cref="StateStoreCheckpointer"/>,
/// decision 234; it was a threshold of 10,000 pages here, decision 204). A pooled connection per
/// write started every transaction with a cold 2 MiB cache: SQLite drops a connection's cache
/// whenever another connection has written, and the intake's inserts land at random places in
/// the id index. Completion and re-scoring find their rows by sequence number (the table's
/// rowid), not through that index.
/// </summary>
public sealed partial class MentionLedger : IDisposable
{
    private LedgerWriter? _writer;

    /// <summary>Runs <paramref name="write"/> in one immediate transaction on the writer connection; the caller holds the write lock.</summary>
    private void InWriterTransaction(Action<LedgerWriter> write)
    {
        var writer = _writer ??= OpenWriter();
        try
        {
            using var transaction = writer.Connection.BeginTransaction(deferred: false);
            write(writer);
            transaction.Commit();
        }
        catch
        {
            // Whatever broke (a full disk, a lock held too long), the next write starts on a fresh connection.
            _writer = null;
            writer.Dispose();
            throw;
        }
    }

    private LedgerWriter OpenWriter()
    {
        using var db = contexts.CreateDbContext();

        // Not pooled: disposing it (after a failure, at shutdown) closes it, rather than handing its large cache to EF Core.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false }.ToString());
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA cache_size = -{storage.Value.LedgerCacheMiB * 1024}; {SqliteBusyTimeout.Pragma(storage.Value.BusyTimeout)}";
            pragma.ExecuteNonQuery();
            return new LedgerWriter(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static readonly string[] ReadColumns =
    [
        "Sequence", "Id", "Source", "ExternalId", "Url", "Author", "ThreadId", "Title", "Text", "Language", "PublishedAt", "PublishedAtEstimated", "CollectedAt",
        "Reach", "Likes", "Replies", "Shares", "Fingerprint", "DuplicateOf", "DirectComplaint", "Watches", "Sentiment", "Negative", "Neutral", "Positive", "Topic",
        "TopicScore", "RiskTerms", "ScoredBy", "AcceptedAt",
    ];

    private static readonly string ReadPendingSql =
        $"SELECT {string.Join(", ", ReadColumns)} FROM mentions WHERE State = {(int)MentionState.Pending} AND Sequence > $after ORDER BY Sequence LIMIT $max";

    /// <summary>
    /// The pipeline's read: the columns it needs, read by position into the entity EF Core would
    /// have built (EF's own materialisation of a thousand 40-column rows cost more than the query).
    /// </summary>
    private async Task<IReadOnlyList<LedgerEntry>> ReadPendingSqliteAsync(long afterSequence, int max, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ReadPendingSql;
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$max", max);
        var entries = new List<LedgerEntry>(Math.Min(max, 4_096));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var r = new MentionRecord
            {
                Sequence = reader.GetInt64(0),
                Id = reader.GetString(1),
                Source = reader.GetString(2),
                ExternalId = NullableText(reader, 3),
                Url = NullableText(reader, 4),
                Author = NullableText(reader, 5),
                ThreadId = NullableText(reader, 6),
                Title = NullableText(reader, 7),
                Text = reader.GetString(8),
                Language = reader.GetString(9),
                PublishedAt = FromStored(reader.GetInt64(10)),
                PublishedAtEstimated = reader.GetInt64(11) != 0,
                CollectedAt = FromStored(reader.GetInt64(12)),
                Reach = reader.GetInt64(13),
                Likes = reader.GetInt64(14),
                Replies = reader.GetInt64(15),
                Shares = reader.GetInt64(16),
                Fingerprint = reader.GetInt64(17),
                DuplicateOf = NullableText(reader, 18),
                DirectComplaint = reader.GetInt64(19) != 0,
                Watches = reader.GetString(20),
                Sentiment = NullableText(reader, 21),
                Negative = NullableReal(reader, 22),
                Neutral = NullableReal(reader, 23),
                Positive = NullableReal(reader, 24),
                Topic = NullableText(reader, 25),
                TopicScore = NullableReal(reader, 26),
                RiskTerms = reader.GetString(27),
                ScoredBy = NullableText(reader, 28),
                AcceptedAt = FromStored(reader.GetInt64(29)),
            };
            entries.Add(new LedgerEntry(r.Sequence, ToMention(r)) { AcceptedAt = r.AcceptedAt });
        }

        return entries;
    }

    private static string? NullableText(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static float? NullableReal(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFloat(ordinal);

    public void Dispose()
    {
        // Waits briefly for a write in flight; at shutdown the pipeline has stopped writing.
        var locked = _writeLock.Wait(TimeSpan.FromSeconds(10));
        try
        {
            _writer?.Dispose();
            _writer = null;
        }
        finally
        {
            if (locked)
            {
                _writeLock.Release();
            }
        }
    }
}

/// <summary>The writer connection and its three prepared statements.</summary>
internal sealed class LedgerWriter(SqliteConnection connection) : IDisposable
{
    public SqliteConnection Connection { get; } = connection;

    public RawInsert Insert { get; } = new(connection);

    public RawUpdate Complete { get; } = new(connection, markProcessed: true);

    public RawUpdate Rescore { get; } = new(connection, markProcessed: false);

    public void Dispose()
    {
        Insert.Dispose();
        Complete.Dispose();
        Rescore.Dispose();
        Connection.Dispose();
    }
}

/// <summary>
/// A prepared SQLite statement bound by position: Microsoft.Data.Sqlite looks every parameter up
/// by name on every execution, which for a 37-column row cost more than the insert itself. Runs
/// inside the caller's transaction on the caller's connection.
/// </summary>
internal abstract class RawStatement : IDisposable
{
    private readonly SQLitePCL.sqlite3 _db;
    private readonly SQLitePCL.sqlite3_stmt _statement;

    protected RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        Check(SQLitePCL.raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    /// <summary>Steps the bound statement once; the rows it changed.</summary>
    protected int Step()
    {
        var rc = SQLitePCL.raw.sqlite3_step(_statement);
        SQLitePCL.raw.sqlite3_reset(_statement);
        if (rc != SQLitePCL.raw.SQLITE_DONE)
        {
            Check(rc);
        }

        return SQLitePCL.raw.sqlite3_changes(_db);
    }

    /// <summary>The derived columns, in <see cref="MentionLedger.DerivedColumns"/> order, from position <paramref name="i"/> + 1.</summary>
    protected void BindDerived(ref int i, Mention m)
    {
        var (b0, b1, b2, b3) = MentionLedger.Bands(m.Fingerprint);
        Integer(++i, unchecked((long)m.Fingerprint));
        Integer(++i, b0);
        Integer(++i, b1);
        Integer(++i, b2);
        Integer(++i, b3);
        Text(++i, m.DuplicateOf);
        Text(++i, string.Join(' ', m.Watches));
        Text(++i, m.Sentiment is null ? null : SentimentScore.ToWire(m.Sentiment.Label));
        Real(++i, m.Sentiment?.Negative);
        Real(++i, m.Sentiment?.Neutral);
        Real(++i, m.Sentiment?.Positive);
        Text(++i, m.Topic?.Topic);
        Real(++i, m.Topic?.Score);
        Text(++i, string.Join('\t', m.RiskTerms));
        Text(++i, m.ScoredBy);
    }

    protected void Text(int index, string? value) =>
        Check(value is null ? SQLitePCL.raw.sqlite3_bind_null(_statement, index) : SQLitePCL.raw.sqlite3_bind_text(_statement, index, value));

    protected void Integer(int index, long value) => Check(SQLitePCL.raw.sqlite3_bind_int64(_statement, index, value));

    protected void Real(int index, float? value) =>
        Check(value is null ? SQLitePCL.raw.sqlite3_bind_null(_statement, index) : SQLitePCL.raw.sqlite3_bind_double(_statement, index, value.Value));

    private void Check(int rc)
    {
        if (rc is not (SQLitePCL.raw.SQLITE_OK or SQLitePCL.raw.SQLITE_DONE or SQLitePCL.raw.SQLITE_ROW))
        {
            throw new SqliteException(SQLitePCL.raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
        }
    }

    public void Dispose() => _statement.Dispose();
}

/// <summary>The intake's INSERT.</summary>
internal sealed class RawInsert(SqliteConnection connection) : RawStatement(
    connection,
    $"INSERT INTO mentions ({string.Join(", ", MentionLedger.InsertColumns)}) VALUES ({string.Join(", ", MentionLedger.InsertColumns.Select(_ => "?"))}) ON CONFLICT (Id) DO NOTHING")
{
    /// <summary>Inserts one prepared mention; 1 when it is new, 0 when the id was known.</summary>
    public int Execute(Mention m, long acceptedAt)
    {
        var i = 0;
        Text(++i, m.Id);
        Text(++i, m.Source);
        Text(++i, m.ExternalId);
        Text(++i, m.Url);
        Text(++i, m.Author);
        Text(++i, m.ThreadId);
        Text(++i, m.Title);
        Text(++i, m.Text);
        Text(++i, m.Language);
        Integer(++i, MentionLedger.Stored(m.PublishedAt));
        Integer(++i, m.PublishedAtEstimated ? 1 : 0);
        Integer(++i, MentionLedger.Stored(m.CollectedAt));
        Integer(++i, m.Engagement.Reach);
        Integer(++i, m.Engagement.Likes);
        Integer(++i, m.Engagement.Replies);
        Integer(++i, m.Engagement.Shares);
        Integer(++i, m.DirectComplaint ? 1 : 0);
        BindDerived(ref i, m);
        Integer(++i, (int)MentionState.Pending);
        Integer(++i, 0);
        Integer(++i, acceptedAt);
        return Step();
    }
}

/// <summary>
/// Completion (derived columns, processed, only while still pending) or re-scoring (derived
/// columns only) of one row found by its sequence number.
/// </summary>
internal sealed class RawUpdate(SqliteConnection connection, bool markProcessed) : RawStatement(connection, Sql(markProcessed))
{
    private readonly bool _markProcessed = markProcessed;

    private static string Sql(bool markProcessed)
    {
        var set = string.Join(", ", MentionLedger.DerivedColumns.Select(c => $"{c} = ?"));
        return markProcessed
            ? $"UPDATE mentions SET {set}, State = {(int)MentionState.Processed}, ProcessedAt = ?, Attempts = Attempts + 1 WHERE Sequence = ? AND State = {(int)MentionState.Pending}"
            : $"UPDATE mentions SET {set} WHERE Sequence = ?";
    }

    /// <summary>1 when the row changed (completion: when it was still pending), else 0.</summary>
    public int Execute(LedgerEntry entry, long now)
    {
        var i = 0;
        BindDerived(ref i, entry.Mention);
        if (_markProcessed)
        {
            Integer(++i, now);
        }

        Integer(++i, entry.Sequence);
        return Step();
    }
}
