using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Storage.Mentions;

/// <summary>
/// The ledger's statements on PostgreSQL (decision 142). Each group commit, completion and claim
/// is one statement over arrays (<c>unnest</c>), so a batch costs one round trip whatever its size;
/// a claim takes rows with <c>FOR UPDATE SKIP LOCKED</c>, so two workers never claim the same row
/// and neither waits for the other.
/// </summary>
public sealed partial class MentionLedger
{
    private long _pendingCountedAt;

    private static readonly string InsertSql = BuildInsertSql();

    private static readonly string ClaimSql = """
        UPDATE mentions AS m SET "LeaseOwner" = @owner, "LeaseExpiresAt" = @expires
        FROM (
            SELECT "Sequence" FROM mentions
            WHERE "State" = @pending AND ("LeaseExpiresAt" IS NULL OR "LeaseExpiresAt" <= @now)
            ORDER BY "Sequence"
            LIMIT @max
            FOR UPDATE SKIP LOCKED) AS claimed
        WHERE m."Sequence" = claimed."Sequence"
        RETURNING m.*
        """;

    private static readonly string CompleteSql = BuildUpdateSql(markProcessed: true);

    private static readonly string RescoreSql = BuildUpdateSql(markProcessed: false);

    /// <summary>Claims up to <paramref name="max"/> pending mentions nobody holds, oldest first, for <paramref name="lease"/>.</summary>
    private async Task<IReadOnlyList<LedgerEntry>> ClaimPendingAsync(int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Mentions.FromSqlRaw(
                ClaimSql,
                new NpgsqlParameter("owner", NpgsqlDbType.Varchar) { Value = WorkerId },
                new NpgsqlParameter("expires", NpgsqlDbType.Bigint) { Value = Stored(now + lease) },
                new NpgsqlParameter("pending", NpgsqlDbType.Integer) { Value = (int)MentionState.Pending },
                new NpgsqlParameter("now", NpgsqlDbType.Bigint) { Value = Stored(now) },
                new NpgsqlParameter("max", NpgsqlDbType.Integer) { Value = max })
            .AsNoTracking()
            .ToListAsync(cancellationToken);

        // RETURNING keeps no order.
        rows.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return rows.Select(r => new LedgerEntry(r.Sequence, ToMention(r)) { AcceptedAt = r.AcceptedAt }).ToList();
    }

    /// <summary>
    /// Gives back the leases this worker holds on mentions it did not finish (a graceful stop), so
    /// another worker, or this one restarted, takes them at once instead of after the lease. No-op on SQLite.
    /// </summary>
    public async Task<int> ReleaseLeasesAsync(CancellationToken cancellationToken)
    {
        if (!_postgreSql)
        {
            return 0;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Mentions
            .Where(m => m.LeaseOwner == WorkerId && m.State == MentionState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseOwner, (string?)null).SetProperty(m => m.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken);
    }

    /// <summary>
    /// The group commit as one INSERT over arrays; <c>RETURNING</c> names the ids that were new, and
    /// each counts for the first request in the batch that carried it (as on SQLite).
    /// </summary>
    private async Task InsertPostgreSqlAsync(List<PendingAppend> batch, int[] accepted, CancellationToken cancellationToken)
    {
        var mentions = batch.SelectMany(b => b.Mentions).ToList();
        var n = mentions.Count;
        string?[] Text(Func<Mention, string?> f) => mentions.Select(f).ToArray();
        long[] Long(Func<Mention, long> f) => mentions.Select(f).ToArray();
        var bands = mentions.Select(m => Bands(m.Fingerprint)).ToArray();

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using var insert = new NpgsqlCommand(InsertSql, connection);
        var p = insert.Parameters;
        p.Add(Array("Id", NpgsqlDbType.Text, Text(m => m.Id)));
        p.Add(Array("Source", NpgsqlDbType.Text, Text(m => m.Source)));
        p.Add(Array("ExternalId", NpgsqlDbType.Text, Text(m => m.ExternalId)));
        p.Add(Array("Url", NpgsqlDbType.Text, Text(m => m.Url)));
        p.Add(Array("Author", NpgsqlDbType.Text, Text(m => m.Author)));
        p.Add(Array("ThreadId", NpgsqlDbType.Text, Text(m => m.ThreadId)));
        p.Add(Array("Title", NpgsqlDbType.Text, Text(m => m.Title)));
        p.Add(Array("Text", NpgsqlDbType.Text, Text(m => m.Text)));
        p.Add(Array("Language", NpgsqlDbType.Text, Text(m => m.Language)));
        p.Add(Array("PublishedAt", NpgsqlDbType.Bigint, Long(m => Stored(m.PublishedAt))));
        p.Add(Array("PublishedAtEstimated", NpgsqlDbType.Boolean, mentions.Select(m => m.PublishedAtEstimated).ToArray()));
        p.Add(Array("CollectedAt", NpgsqlDbType.Bigint, Long(m => Stored(m.CollectedAt))));
        p.Add(Array("Reach", NpgsqlDbType.Bigint, Long(m => m.Engagement.Reach)));
        p.Add(Array("Likes", NpgsqlDbType.Bigint, Long(m => m.Engagement.Likes)));
        p.Add(Array("Replies", NpgsqlDbType.Bigint, Long(m => m.Engagement.Replies)));
        p.Add(Array("Shares", NpgsqlDbType.Bigint, Long(m => m.Engagement.Shares)));
        p.Add(Array("DirectComplaint", NpgsqlDbType.Boolean, mentions.Select(m => m.DirectComplaint).ToArray()));
        AddDerived(p, mentions, bands);
        p.Add(new NpgsqlParameter("pending", NpgsqlDbType.Integer) { Value = (int)MentionState.Pending });
        p.Add(new NpgsqlParameter("acceptedAt", NpgsqlDbType.Bigint) { Value = Stored(clock.GetUtcNow()) });

        var inserted = new HashSet<string>(n, StringComparer.Ordinal);
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                inserted.Add(reader.GetString(0));
            }
        }

        for (var i = 0; i < batch.Count; i++)
        {
            foreach (var mention in batch[i].Mentions)
            {
                if (inserted.Remove(mention.Id))
                {
                    accepted[i]++;
                }
            }
        }
    }

    /// <summary>Writes the derived columns (and, when completing, the processed state) of every mention in one statement; returns the rows changed.</summary>
    private async Task<int> UpdatePostgreSqlAsync(IEnumerable<Mention> distinct, bool markProcessed, CancellationToken cancellationToken)
    {
        // One order for every worker, so two overlapping updates lock rows in the same order.
        var mentions = distinct.OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
        var bands = mentions.Select(m => Bands(m.Fingerprint)).ToArray();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using var update = new NpgsqlCommand(markProcessed ? CompleteSql : RescoreSql, connection);
        var p = update.Parameters;
        p.Add(Array("Id", NpgsqlDbType.Text, mentions.Select(m => m.Id).ToArray()));
        AddDerived(p, mentions, bands);
        if (markProcessed)
        {
            p.Add(new NpgsqlParameter("processed", NpgsqlDbType.Integer) { Value = (int)MentionState.Processed });
            p.Add(new NpgsqlParameter("pending", NpgsqlDbType.Integer) { Value = (int)MentionState.Pending });
            p.Add(new NpgsqlParameter("now", NpgsqlDbType.Bigint) { Value = Stored(clock.GetUtcNow()) });
        }

        return await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The pending count when other workers write too: the in-memory figure, recounted from the table at most once a second.</summary>
    private async Task<long> CountPendingSharedAsync(long pending, CancellationToken cancellationToken)
    {
        var countedAt = Interlocked.Read(ref _pendingCountedAt);
        if (pending >= 0 && Stopwatch.GetElapsedTime(countedAt) < TimeSpan.FromSeconds(1))
        {
            return pending;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var counted = await db.Mentions.LongCountAsync(m => m.State == MentionState.Pending, cancellationToken);
        Interlocked.Exchange(ref _pending, counted);
        Interlocked.Exchange(ref _pendingCountedAt, Stopwatch.GetTimestamp());
        return counted;
    }

    private static void AddDerived(NpgsqlParameterCollection p, List<Mention> mentions, (int, int, int, int)[] bands)
    {
        // In DerivedColumns order.
        p.Add(Array("Fingerprint", NpgsqlDbType.Bigint, mentions.Select(m => unchecked((long)m.Fingerprint)).ToArray()));
        p.Add(Array("Band0", NpgsqlDbType.Integer, bands.Select(b => b.Item1).ToArray()));
        p.Add(Array("Band1", NpgsqlDbType.Integer, bands.Select(b => b.Item2).ToArray()));
        p.Add(Array("Band2", NpgsqlDbType.Integer, bands.Select(b => b.Item3).ToArray()));
        p.Add(Array("Band3", NpgsqlDbType.Integer, bands.Select(b => b.Item4).ToArray()));
        p.Add(Array("DuplicateOf", NpgsqlDbType.Text, mentions.Select(m => m.DuplicateOf).ToArray()));
        p.Add(Array("Watches", NpgsqlDbType.Text, mentions.Select(m => string.Join(' ', m.Watches)).ToArray()));
        p.Add(Array("Sentiment", NpgsqlDbType.Text, mentions.Select(m => m.Sentiment is null ? null : SentimentScore.ToWire(m.Sentiment.Label)).ToArray()));
        p.Add(Array("Negative", NpgsqlDbType.Real, mentions.Select(m => m.Sentiment?.Negative).ToArray()));
        p.Add(Array("Neutral", NpgsqlDbType.Real, mentions.Select(m => m.Sentiment?.Neutral).ToArray()));
        p.Add(Array("Positive", NpgsqlDbType.Real, mentions.Select(m => m.Sentiment?.Positive).ToArray()));
        p.Add(Array("Topic", NpgsqlDbType.Text, mentions.Select(m => m.Topic?.Topic).ToArray()));
        p.Add(Array("TopicScore", NpgsqlDbType.Real, mentions.Select(m => m.Topic?.Score).ToArray()));
        p.Add(Array("RiskTerms", NpgsqlDbType.Text, mentions.Select(m => string.Join('\t', m.RiskTerms)).ToArray()));
        p.Add(Array("ScoredBy", NpgsqlDbType.Text, mentions.Select(m => m.ScoredBy).ToArray()));
    }

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, T[] values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values };

    private static string Quote(string column) => $"\"{column}\"";

    private static string BuildInsertSql()
    {
        // Every column but the three constants (State, Attempts, AcceptedAt) comes from an array.
        var fromArrays = InsertColumns[..^3];
        return $"""
            INSERT INTO mentions ({string.Join(", ", InsertColumns.Select(Quote))})
            SELECT {string.Join(", ", fromArrays.Select(c => "v." + Quote(c)))}, @pending, 0, @acceptedAt
            FROM unnest({string.Join(", ", fromArrays.Select(c => "@" + c))}) WITH ORDINALITY AS v({string.Join(", ", fromArrays.Select(Quote))}, ord)
            ORDER BY v.ord
            ON CONFLICT ("Id") DO NOTHING
            RETURNING "Id"
            """;
    }

    private static string BuildUpdateSql(bool markProcessed)
    {
        var set = string.Join(", ", DerivedColumns.Select(c => $"{Quote(c)} = v.{Quote(c)}"));
        var columns = new[] { "Id" }.Concat(DerivedColumns).ToArray();
        var from = $"unnest({string.Join(", ", columns.Select(c => "@" + c))}) AS v({string.Join(", ", columns.Select(Quote))})";
        return markProcessed
            ? $"""
                UPDATE mentions AS m SET {set}, "State" = @processed, "ProcessedAt" = @now, "Attempts" = m."Attempts" + 1, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL
                FROM {from}
                WHERE m."Id" = v."Id" AND m."State" = @pending
                """
            : $"""
                UPDATE mentions AS m SET {set}
                FROM {from}
                WHERE m."Id" = v."Id"
                """;
    }
}
