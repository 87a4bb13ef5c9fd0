using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Storage.Mentions;

/// <summary>
/// The durable ledger of mentions: the intake writes here first (so a crash after a 202
/// loses nothing), the pipeline reads pending rows in arrival order and marks them processed
/// only after they are indexed and observed (so a crash mid-pipeline re-processes, and the
/// index's upsert-by-id makes that harmless). On PostgreSQL several workers share it: a pending
/// read claims rows under a lease (decision 142), so each mention is processed by one worker at a time.
/// </summary>
public sealed partial class MentionLedger(
    IDbContextFactory<MentionLedgerDbContext> contexts,
    TimeProvider clock,
    PipelineMetrics metrics,
    IOptions<StorageOptions> storage,
    ILogger<MentionLedger> logger) : IMentionIntake
{
    private readonly bool _postgreSql = storage.Value.Provider == StateStoreProvider.PostgreSql;

    /// <summary>This ledger's name on the leases it takes: one per process (host, process id, and a random part for restarts).</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    private readonly StageCounter _redactStage = metrics.Stage(PipelineStages.Redact);
    private readonly StageCounter _appendWaitStage = metrics.Stage(PipelineStages.LedgerAppendWait);
    private readonly StageCounter _appendStage = metrics.Stage(PipelineStages.LedgerAppend);
    private readonly StageCounter _readStage = metrics.Stage(PipelineStages.LedgerRead);
    private readonly StageCounter _completeStage = metrics.Stage(PipelineStages.LedgerComplete);

    // SQLite has one writer at a time; serialising in-process avoids busy-retry storms.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    // Rows per group-commit transaction: enough to share one fsync among many requests, few enough to keep the lock short.
    private const int MaxRowsPerAppendTransaction = 20_000;

    private static readonly DateTimeOffsetToBinaryConverter TimeConverter = new();

    internal static readonly string[] DerivedColumns =
    [
        "Fingerprint", "Band0", "Band1", "Band2", "Band3", "DuplicateOf", "Watches", "Sentiment", "Negative", "Neutral", "Positive", "Topic", "TopicScore", "RiskTerms", "ScoredBy",
    ];

    internal static readonly string[] InsertColumns =
    [
        "Id", "Source", "ExternalId", "Url", "Author", "ThreadId", "Title", "Text", "Language", "PublishedAt", "PublishedAtEstimated", "CollectedAt", "Reach", "Likes", "Replies", "Shares", "DirectComplaint",
        .. DerivedColumns, "State", "Attempts", "AcceptedAt",
    ];

    private readonly ConcurrentQueue<PendingAppend> _appends = new();
    private long _pending = -1;
    private readonly Channel<bool> _arrivals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public async Task<IntakeReceipt> AcceptAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        if (mentions.Count == 0)
        {
            return new IntakeReceipt([], 0, 0);
        }

        var ids = mentions.Select(m => m.Id).ToList();

        // Redaction happens here, at the one door every channel passes, so no personal data ever
        // reaches the disk whoever the caller is; before the writer, so requests redact in parallel.
        var redacting = Stopwatch.GetTimestamp();
        var prepared = new Mention[mentions.Count];
        for (var i = 0; i < prepared.Length; i++)
        {
            prepared[i] = MentionPreparation.Prepare(mentions[i]);
        }

        _redactStage.Add(redacting, prepared.Length);

        // Group commit: whoever holds the writer writes every request queued so far in one
        // transaction (one fsync), so concurrent requests share the cost instead of queueing for it.
        var append = new PendingAppend(prepared);
        _appends.Enqueue(append);
        var waiting = Stopwatch.GetTimestamp();
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (!append.Done.Task.IsCompleted)
            {
                _appendWaitStage.Add(waiting, prepared.Length);
                // A transaction takes at most MaxRowsPerAppendTransaction rows from the front of the queue, and the rows ahead
                // may be those of requests that gave up waiting for the writer: write until this request's own rows are in, so
                // no request waits on a write nobody will make.
                // Not with this request's token: the transaction carries other requests' rows too, and one client hanging up
                // must not fail them all (the write is bounded by the database's own timeouts).
                do
                {
                    await WriteQueuedAppendsAsync(CancellationToken.None);
                }
                while (!append.Done.Task.IsCompleted);
            }
        }
        finally
        {
            _writeLock.Release();
        }

        var accepted = await append.Done.Task;
        return new IntakeReceipt(ids, accepted, mentions.Count - accepted);
    }

    /// <summary>
    /// Mentions not yet processed (pending), kept in memory so the intake can check it on every
    /// request; counted from the table once, then moved by every write that changes a state.
    /// </summary>
    public async ValueTask<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        var pending = Interlocked.Read(ref _pending);
        if (_postgreSql)
        {
            // Other workers write too: recount (an index scan of the pending rows) at most once a second.
            return Math.Max(0, await CountPendingSharedAsync(pending, cancellationToken));
        }

        if (pending >= 0)
        {
            return pending;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var counted = await db.Mentions.LongCountAsync(m => m.State == MentionState.Pending, cancellationToken);
        Interlocked.CompareExchange(ref _pending, counted, -1);
        return Interlocked.Read(ref _pending);
    }

    /// <summary>When the oldest pending mention was accepted (null when none is pending): the pipeline's lag.</summary>
    public async Task<DateTimeOffset?> OldestPendingAcceptedAtAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var oldest = await db.Mentions.AsNoTracking()
            .Where(m => m.State == MentionState.Pending)
            .OrderBy(m => m.Sequence)
            .Select(m => new { m.AcceptedAt })
            .FirstOrDefaultAsync(cancellationToken);
        return oldest?.AcceptedAt;
    }

    private void MovePending(long delta)
    {
        if (delta != 0 && Interlocked.Read(ref _pending) >= 0)
        {
            Interlocked.Add(ref _pending, delta);
        }
    }

    /// <summary>Writes every queued intake request in one transaction; runs under the write lock.</summary>
    private async Task WriteQueuedAppendsAsync(CancellationToken cancellationToken)
    {
        var batch = new List<PendingAppend>();
        var rows = 0;
        while (rows < MaxRowsPerAppendTransaction && _appends.TryDequeue(out var queued))
        {
            batch.Add(queued);
            rows += queued.Mentions.Count;
        }

        if (batch.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var accepted = new int[batch.Count];
            if (_postgreSql)
            {
                await InsertPostgreSqlAsync(batch, accepted, cancellationToken);
            }
            else
            {
                InWriterTransaction(writer =>
                {
                    var acceptedAt = Stored(clock.GetUtcNow());
                    for (var i = 0; i < batch.Count; i++)
                    {
                        foreach (var mention in batch[i].Mentions)
                        {
                            // ON CONFLICT DO NOTHING: 0 rows for an id the ledger already holds.
                            accepted[i] += writer.Insert.Execute(mention, acceptedAt);
                        }
                    }
                });
            }

            var total = accepted.Sum();
            _appendStage.Add(started, rows);
            metrics.RecordAccepted(total);
            MovePending(total);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(accepted[i]);
            }

            if (total > 0)
            {
                _arrivals.Writer.TryWrite(true);
            }
        }
        catch (Exception ex)
        {
            // Nothing of this transaction was written: every request in it fails, none half-succeeds.
            foreach (var queued in batch)
            {
                queued.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>A time as EF Core stores it in this table (<see cref="DateTimeOffsetToBinaryConverter"/>), so raw writes and EF reads agree.</summary>
    internal static long Stored(DateTimeOffset value) => (long)TimeConverter.ConvertToProvider(value)!;

    private static DateTimeOffset FromStored(long value) => (DateTimeOffset)TimeConverter.ConvertFromProvider(value)!;

    /// <summary>Completes when new mentions arrive or <paramref name="timeout"/> passes.</summary>
    public async Task WaitForArrivalAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _arrivals.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: the caller polls anyway, in case another process wrote.
        }
    }

    /// <summary>
    /// The next pending mentions in arrival order. SQLite (one process): those after
    /// <paramref name="afterSequence"/>, the reader's own position. PostgreSQL (several workers):
    /// pending mentions nobody holds a live lease on, claimed for <paramref name="lease"/> under
    /// this ledger's <see cref="WorkerId"/>; the position is not used there, because a lapsed lease
    /// or a row committed late by another writer can sit behind it.
    /// </summary>
    public async Task<IReadOnlyList<LedgerEntry>> ReadPendingAsync(long afterSequence, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (_postgreSql)
        {
            var claimed = await ClaimPendingAsync(max, lease, cancellationToken);
            _readStage.Add(started, claimed.Count);
            return claimed;
        }

        var entries = await ReadPendingSqliteAsync(afterSequence, max, cancellationToken);
        _readStage.Add(started, entries.Count);
        return entries;
    }

    /// <summary>Processed mentions not yet scored by <paramref name="modelVersion"/>, for re-scoring in place.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> ReadStaleScoresAsync(string modelVersion, long afterSequence, int max, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Mentions.AsNoTracking()
            .Where(m => m.State == MentionState.Processed && m.Sequence > afterSequence && (m.ScoredBy == null || m.ScoredBy != modelVersion))
            .OrderBy(m => m.Sequence)
            .Take(max)
            .ToListAsync(cancellationToken);
        return rows.Select(r => new LedgerEntry(r.Sequence, ToMention(r))).ToList();
    }

    /// <summary>All ledger entries in arrival order (for rebuilding the index).</summary>
    public async IAsyncEnumerable<Mention> ReadProcessedAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var rows = await db.Mentions.AsNoTracking()
                .Where(m => m.State == MentionState.Processed && m.Sequence > after)
                .OrderBy(m => m.Sequence)
                .Take(1000)
                .ToListAsync(cancellationToken);
            if (rows.Count == 0)
            {
                yield break;
            }

            foreach (var row in rows)
            {
                yield return ToMention(row);
            }

            after = rows[^1].Sequence;
        }
    }

    /// <summary>Marks mentions processed with what the pipeline learned about them, in one transaction.</summary>
    public async Task CompleteAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var changed = await UpdateAsync(entries, markProcessed: true, cancellationToken);
        MovePending(-changed);
        _completeStage.Add(started, entries.Count);
    }

    /// <summary>Writes new scores for mentions re-scored in place.</summary>
    public Task UpdateScoresAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken) =>
        UpdateAsync(entries, markProcessed: false, cancellationToken);

    /// <summary>
    /// Fingerprint, publish time, sequence, id and original of every processed mention with a fingerprint published at or
    /// after <paramref name="since"/>, in arrival order (to seed the near-duplicate index at start-up).
    /// </summary>
    public async IAsyncEnumerable<FingerprintRow> ReadFingerprintsAsync(DateTimeOffset since, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // Quoted names and @ parameters read the same on SQLite and PostgreSQL.
        command.CommandText = "SELECT \"Sequence\", \"Fingerprint\", \"PublishedAt\", \"Id\", \"DuplicateOf\" FROM mentions WHERE \"State\" = @processed AND \"Fingerprint\" <> 0 AND \"PublishedAt\" >= @since ORDER BY \"Sequence\"";
        var processed = command.CreateParameter();
        processed.ParameterName = "@processed";
        processed.Value = (int)MentionState.Processed;
        command.Parameters.Add(processed);
        var from = command.CreateParameter();
        from.ParameterName = "@since";
        // The stored value orders by the local clock time of its own offset, not by the instant: the query takes the widest
        // offset (14 h) more, and the instant is compared here.
        from.Value = Stored(since - TimeSpan.FromHours(14));
        command.Parameters.Add(from);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var publishedAt = FromStored(reader.GetInt64(2));
            if (publishedAt >= since)
            {
                yield return new FingerprintRow(reader.GetInt64(0), unchecked((ulong)reader.GetInt64(1)), publishedAt, reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
            }
        }
    }

    public async Task ParkAsync(string id, string reason, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var parked = await db.Mentions.Where(m => m.Id == id && m.State == MentionState.Pending).ExecuteUpdateAsync(
                s => s.SetProperty(m => m.State, MentionState.Parked)
                    .SetProperty(m => m.ParkedReason, reason)
                    .SetProperty(m => m.LeaseOwner, (string?)null)
                    .SetProperty(m => m.LeaseExpiresAt, (DateTimeOffset?)null)
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1),
                cancellationToken);
            MovePending(-parked);
        }
        finally
        {
            _writeLock.Release();
        }

        logger.LogWarning("Parked mention {MentionId}: {Reason}", id, reason);
    }

    public async Task<IReadOnlyList<ParkedMention>> ListParkedAsync(int max, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Mentions.AsNoTracking()
            .Where(m => m.State == MentionState.Parked)
            .OrderByDescending(m => m.Sequence)
            .Take(max)
            .Select(m => new ParkedMention(m.Id, m.Source, m.Url, m.ParkedReason ?? string.Empty, m.Attempts, m.AcceptedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Puts a parked mention back in the queue (after the operator fixed the cause).</summary>
    public async Task<bool> RequeueAsync(string id, CancellationToken cancellationToken)
    {
        int changed;
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var row = await db.Mentions.FirstOrDefaultAsync(m => m.Id == id && m.State == MentionState.Parked, cancellationToken);
            if (row is null)
            {
                return false;
            }

            // A new sequence number puts it behind the pipeline's read position. Removed and added again in one transaction:
            // a failure or a crash between the two must not lose the mention.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.Mentions.Remove(row);
            await db.SaveChangesAsync(cancellationToken);
            row.Sequence = 0;
            row.State = MentionState.Pending;
            row.ParkedReason = null;
            row.LeaseOwner = null;
            row.LeaseExpiresAt = null;
            db.Mentions.Add(row);
            changed = await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            MovePending(changed > 0 ? 1 : 0);
        }
        finally
        {
            _writeLock.Release();
        }

        _arrivals.Writer.TryWrite(true);
        return changed > 0;
    }

    public async Task<LedgerCounts> CountAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var counts = await db.Mentions.AsNoTracking()
            .GroupBy(m => m.State)
            .Select(g => new { g.Key, Count = g.LongCount() })
            .ToListAsync(cancellationToken);
        long Of(MentionState state) => counts.FirstOrDefault(c => c.Key == state)?.Count ?? 0;
        var unscored = await db.Mentions.LongCountAsync(m => m.State == MentionState.Processed && m.ScoredBy == null, cancellationToken);

        // The in-memory count drifts only if another process writes; the full count corrects it.
        Interlocked.Exchange(ref _pending, Of(MentionState.Pending));
        return new LedgerCounts(Of(MentionState.Pending), Of(MentionState.Processed), Of(MentionState.Parked), unscored);
    }

    /// <summary>Writes what the pipeline derived (and the processed state) in one transaction; returns the rows that changed state.</summary>
    private async Task<int> UpdateAsync(IReadOnlyList<LedgerEntry> entries, bool markProcessed, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return 0;
        }

        // The same mention twice in one call: the last reading wins, as it would in two calls.
        var bySequence = new Dictionary<long, LedgerEntry>(entries.Count);
        foreach (var entry in entries)
        {
            bySequence[entry.Sequence] = entry;
        }

        var changed = 0;
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (_postgreSql)
            {
                changed = await UpdatePostgreSqlAsync(bySequence.Values.Select(e => e.Mention), markProcessed, cancellationToken);
                return markProcessed ? changed : 0;
            }

            InWriterTransaction(writer =>
            {
                var now = Stored(clock.GetUtcNow());
                foreach (var entry in bySequence.Values)
                {
                    changed += markProcessed ? writer.Complete.Execute(entry, now) : writer.Rescore.Execute(entry, now);
                }
            });
        }
        finally
        {
            _writeLock.Release();
        }

        return markProcessed ? changed : 0;
    }

    internal static (int, int, int, int) Bands(ulong fingerprint) =>
        ((int)(fingerprint & 0xFFFF), (int)((fingerprint >> 16) & 0xFFFF), (int)((fingerprint >> 32) & 0xFFFF), (int)(fingerprint >> 48));

    private static Mention ToMention(MentionRecord r) => new()
    {
        Id = r.Id,
        Source = r.Source,
        ExternalId = r.ExternalId,
        Url = r.Url,
        Author = r.Author,
        ThreadId = r.ThreadId,
        Title = r.Title,
        Text = r.Text,
        Language = r.Language,
        PublishedAt = r.PublishedAt,
        PublishedAtEstimated = r.PublishedAtEstimated,
        CollectedAt = r.CollectedAt,
        Engagement = new Engagement(r.Reach, r.Likes, r.Replies, r.Shares),
        Fingerprint = unchecked((ulong)r.Fingerprint),
        DuplicateOf = r.DuplicateOf,
        DirectComplaint = r.DirectComplaint,
        Watches = r.Watches.Length == 0 ? [] : r.Watches.Split(' '),
        Sentiment = r.Sentiment is not null && SentimentScore.TryParse(r.Sentiment, out var label)
            ? new SentimentScore(label, r.Negative ?? 0, r.Neutral ?? 0, r.Positive ?? 0)
            : null,
        Topic = r.Topic is null ? null : new TopicScore(r.Topic, r.TopicScore ?? 0),
        RiskTerms = r.RiskTerms.Length == 0 ? [] : r.RiskTerms.Split('\t'),
        ScoredBy = r.ScoredBy,
    };
}

/// <summary>What seeds the near-duplicate index for one processed mention.</summary>
public readonly record struct FingerprintRow(long Sequence, ulong Fingerprint, DateTimeOffset PublishedAt, string Id, string? DuplicateOf);

/// <summary>One intake request waiting for the group commit that writes it.</summary>
internal sealed class PendingAppend(IReadOnlyList<Mention> mentions)
{
    public IReadOnlyList<Mention> Mentions { get; } = mentions;

    public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed record LedgerEntry(long Sequence, Mention Mention)
{
    /// <summary>When the intake made it durable: where the accepted → searchable latency starts.</summary>
    public DateTimeOffset AcceptedAt { get; init; }
}

public sealed record ParkedMention(string Id, string Source, string? Url, string Reason, int Attempts, DateTimeOffset AcceptedAt);

public sealed record LedgerCounts(long Pending, long Processed, long Parked, long Unscored);
