using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Storage.Mentions;

/// <summary>
/// The durable ledger of mentions: the intake writes here first (so a crash after a 202
/// loses nothing), the pipeline reads pending rows in arrival order and marks them processed
/// only after they are indexed and observed (so a crash mid-pipeline re-processes, and the
/// index's upsert-by-id makes that harmless).
/// </summary>
public sealed class MentionLedger(
    IDbContextFactory<MentionLedgerDbContext> contexts,
    TimeProvider clock,
    ILogger<MentionLedger> logger) : IMentionIntake
{
    // SQLite has one writer at a time; serialising in-process avoids busy-retry storms.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<bool> _arrivals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public async Task<IntakeReceipt> AcceptAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        if (mentions.Count == 0)
        {
            return new IntakeReceipt([], 0, 0);
        }

        var ids = mentions.Select(m => m.Id).ToList();
        var accepted = 0;
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var known = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in ids.Distinct().Chunk(500))
            {
                known.UnionWith(await db.Mentions.Where(m => chunk.Contains(m.Id)).Select(m => m.Id).ToListAsync(cancellationToken));
            }

            var now = clock.GetUtcNow();
            foreach (var mention in mentions)
            {
                if (known.Add(mention.Id))
                {
                    // Redaction happens here, at the one door every channel passes, so no
                    // personal data ever reaches the disk whoever the caller is.
                    db.Mentions.Add(ToRecord(MentionPreparation.Prepare(mention), now));
                    accepted++;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }

        if (accepted > 0)
        {
            _arrivals.Writer.TryWrite(true);
        }

        return new IntakeReceipt(ids, accepted, mentions.Count - accepted);
    }

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

    public async Task<IReadOnlyList<LedgerEntry>> ReadPendingAsync(long afterSequence, int max, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Mentions.AsNoTracking()
            .Where(m => m.State == MentionState.Pending && m.Sequence > afterSequence)
            .OrderBy(m => m.Sequence)
            .Take(max)
            .ToListAsync(cancellationToken);
        return rows.Select(r => new LedgerEntry(r.Sequence, ToMention(r))).ToList();
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

    /// <summary>
    /// An earlier mention whose text is within <see cref="SimHash.NearDuplicateDistance"/> bits
    /// of this one's, from a different id, published within <paramref name="window"/>.
    /// </summary>
    public async Task<string?> FindNearDuplicateAsync(Mention mention, long sequence, TimeSpan window, CancellationToken cancellationToken)
    {
        if (mention.Fingerprint == 0)
        {
            return null;
        }

        var (b0, b1, b2, b3) = Bands(mention.Fingerprint);
        var since = mention.PublishedAt - window;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var candidates = await db.Mentions.AsNoTracking()
            .Where(m => m.Sequence < sequence && m.Id != mention.Id && m.State != MentionState.Parked
                && (m.Band0 == b0 || m.Band1 == b1 || m.Band2 == b2 || m.Band3 == b3))
            .OrderBy(m => m.Sequence)
            .Select(m => new { m.Id, m.Fingerprint, m.PublishedAt, m.DuplicateOf })
            .Take(200)
            .ToListAsync(cancellationToken);
        var match = candidates.FirstOrDefault(c => c.PublishedAt >= since
            && SimHash.Distance(unchecked((ulong)c.Fingerprint), mention.Fingerprint) <= SimHash.NearDuplicateDistance);

        // Point at the original, not at another repost of it.
        return match is null ? null : match.DuplicateOf ?? match.Id;
    }

    /// <summary>Marks mentions processed with what the pipeline learned about them.</summary>
    public async Task CompleteAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        await UpdateAsync(mentions, MentionState.Processed, cancellationToken);
    }

    /// <summary>Writes new scores for mentions re-scored in place.</summary>
    public Task UpdateScoresAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken) =>
        UpdateAsync(mentions, null, cancellationToken);

    public async Task ParkAsync(string id, string reason, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await db.Mentions.Where(m => m.Id == id).ExecuteUpdateAsync(
                s => s.SetProperty(m => m.State, MentionState.Parked)
                    .SetProperty(m => m.ParkedReason, reason)
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1),
                cancellationToken);
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

            // A new sequence number puts it behind the pipeline's read position.
            db.Mentions.Remove(row);
            await db.SaveChangesAsync(cancellationToken);
            row.Sequence = 0;
            row.State = MentionState.Pending;
            row.ParkedReason = null;
            db.Mentions.Add(row);
            changed = await db.SaveChangesAsync(cancellationToken);
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
        return new LedgerCounts(Of(MentionState.Pending), Of(MentionState.Processed), Of(MentionState.Parked), unscored);
    }

    private async Task UpdateAsync(IReadOnlyList<Mention> mentions, MentionState? state, CancellationToken cancellationToken)
    {
        if (mentions.Count == 0)
        {
            return;
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var byId = mentions.GroupBy(m => m.Id).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
            var keys = byId.Keys.ToList();
            var rows = await db.Mentions.Where(m => keys.Contains(m.Id)).ToListAsync(cancellationToken);
            var now = clock.GetUtcNow();
            foreach (var row in rows)
            {
                var mention = byId[row.Id];
                ApplyDerived(row, mention);
                if (state is { } s)
                {
                    row.State = s;
                    row.ProcessedAt = now;
                    row.Attempts++;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static (int, int, int, int) Bands(ulong fingerprint) =>
        ((int)(fingerprint & 0xFFFF), (int)((fingerprint >> 16) & 0xFFFF), (int)((fingerprint >> 32) & 0xFFFF), (int)(fingerprint >> 48));

    private static MentionRecord ToRecord(Mention m, DateTimeOffset acceptedAt)
    {
        var record = new MentionRecord
        {
            Id = m.Id,
            Source = m.Source,
            ExternalId = m.ExternalId,
            Url = m.Url,
            Author = m.Author,
            ThreadId = m.ThreadId,
            Title = m.Title,
            Text = m.Text,
            Language = m.Language,
            PublishedAt = m.PublishedAt,
            CollectedAt = m.CollectedAt,
            Reach = m.Engagement.Reach,
            Likes = m.Engagement.Likes,
            Replies = m.Engagement.Replies,
            Shares = m.Engagement.Shares,
            DirectComplaint = m.DirectComplaint,
            State = MentionState.Pending,
            AcceptedAt = acceptedAt,
        };
        ApplyDerived(record, m);
        return record;
    }

    private static void ApplyDerived(MentionRecord record, Mention m)
    {
        record.Fingerprint = unchecked((long)m.Fingerprint);
        (record.Band0, record.Band1, record.Band2, record.Band3) = Bands(m.Fingerprint);
        record.DuplicateOf = m.DuplicateOf;
        record.Watches = string.Join(' ', m.Watches);
        record.Sentiment = m.Sentiment is null ? null : SentimentScore.ToWire(m.Sentiment.Label);
        record.Negative = m.Sentiment?.Negative;
        record.Neutral = m.Sentiment?.Neutral;
        record.Positive = m.Sentiment?.Positive;
        record.Topic = m.Topic?.Topic;
        record.TopicScore = m.Topic?.Score;
        record.RiskTerms = string.Join('\t', m.RiskTerms);
        record.ScoredBy = m.ScoredBy;
    }

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

public sealed record LedgerEntry(long Sequence, Mention Mention);

public sealed record ParkedMention(string Id, string Source, string? Url, string Reason, int Attempts, DateTimeOffset AcceptedAt);

public sealed record LedgerCounts(long Pending, long Processed, long Parked, long Unscored);
