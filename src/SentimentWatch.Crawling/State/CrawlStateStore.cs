using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SentimentWatch.Core.Crawling;
using SentimentWatch.Crawling.Fetching;

namespace SentimentWatch.Crawling.State;

/// <summary>Loads and commits crawl cursors and health in the state database.</summary>
public sealed class CrawlStateStore(IDbContextFactory<CrawlStateDbContext> contexts, Sources.SourceCatalog catalog, TimeProvider time)
    : ISourceHealthReader
{
    /// <summary>Items remembered per source; older ones have scrolled off every page long ago.</summary>
    public const int SeenItemsKept = 20_000;

    /// <summary>Thread positions remembered per source; a thread whose position was dropped is read from page 1 again.</summary>
    public const int ThreadPositionsKept = 5_000;

    public async Task<CrawlCursor> LoadCursorAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var validators = await db.PageValidators.AsNoTracking()
            .Where(v => v.SourceId == sourceId)
            .ToDictionaryAsync(v => v.Url, v => new ConditionalValidators(v.ETag, v.LastModified), cancellationToken);
        var seen = await db.SeenItems.AsNoTracking()
            .Where(s => s.SourceId == sourceId)
            .Select(s => s.ItemKey)
            .ToListAsync(cancellationToken);
        var threads = await db.ThreadPositions.AsNoTracking()
            .Where(t => t.SourceId == sourceId)
            .ToDictionaryAsync(
                t => t.ThreadUrl,
                t => new ThreadPosition(t.LastPageUrl, t.LastPostId, t.ReachedEnd, t.Replies, t.OpenerMentionId, t.OpenerPublishedAt),
                cancellationToken);
        return new CrawlCursor(validators, seen, threads);
    }

    /// <summary>Remembers what a run handed on; call only after the pipeline accepted it.</summary>
    public async Task CommitCursorAsync(string sourceId, CrawlCursor cursor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var urls = cursor.NewValidators.Keys.ToList();
        var existing = await db.PageValidators.Where(v => v.SourceId == sourceId && urls.Contains(v.Url)).ToDictionaryAsync(v => v.Url, cancellationToken);
        foreach (var (url, validators) in cursor.NewValidators)
        {
            if (!existing.TryGetValue(url, out var record))
            {
                record = new PageValidatorRecord { SourceId = sourceId, Url = url };
                db.PageValidators.Add(record);
            }

            record.ETag = validators.ETag;
            record.LastModified = validators.LastModified;
            record.UpdatedAt = now;
        }

        var keys = cursor.NewItems.ToList();
        var known = (await db.SeenItems.Where(s => s.SourceId == sourceId && keys.Contains(s.ItemKey)).Select(s => s.ItemKey).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        db.SeenItems.AddRange(keys.Where(k => !known.Contains(k)).Select(k => new SeenItemRecord { SourceId = sourceId, ItemKey = k, SeenAt = now }));

        var threadUrls = cursor.NewThreadPositions.Keys.ToList();
        var positions = await db.ThreadPositions.Where(t => t.SourceId == sourceId && threadUrls.Contains(t.ThreadUrl)).ToDictionaryAsync(t => t.ThreadUrl, StringComparer.Ordinal, cancellationToken);
        foreach (var (threadUrl, position) in cursor.NewThreadPositions)
        {
            if (!positions.TryGetValue(threadUrl, out var record))
            {
                record = new ThreadPositionRecord { SourceId = sourceId, ThreadUrl = threadUrl };
                db.ThreadPositions.Add(record);
            }

            (record.LastPageUrl, record.LastPostId, record.ReachedEnd, record.Replies, record.OpenerMentionId, record.OpenerPublishedAt) =
                (position.LastPageUrl, position.LastPostId, position.ReachedEnd, position.Replies, position.OpenerMentionId, position.OpenerPublishedAt);
            record.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);

        if (threadUrls.Count > 0 && await db.ThreadPositions.CountAsync(t => t.SourceId == sourceId, cancellationToken) > ThreadPositionsKept)
        {
            var oldest = await db.ThreadPositions.Where(t => t.SourceId == sourceId).OrderByDescending(t => t.UpdatedAt).Skip(ThreadPositionsKept).Select(t => t.UpdatedAt).FirstAsync(cancellationToken);
            await db.ThreadPositions.Where(t => t.SourceId == sourceId && t.UpdatedAt <= oldest).ExecuteDeleteAsync(cancellationToken);
        }

        var count = await db.SeenItems.CountAsync(s => s.SourceId == sourceId, cancellationToken);
        if (count > SeenItemsKept)
        {
            var cutoff = await db.SeenItems.Where(s => s.SourceId == sourceId).OrderByDescending(s => s.SeenAt).Skip(SeenItemsKept).Select(s => s.SeenAt).FirstAsync(cancellationToken);
            await db.SeenItems.Where(s => s.SourceId == sourceId && s.SeenAt <= cutoff).ExecuteDeleteAsync(cancellationToken);
        }
    }

    public async Task RecordRunAsync(string sourceId, CrawlReport report, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.SourceHealth.FindAsync([sourceId], cancellationToken);
        if (record is null)
        {
            record = new SourceHealthRecord { SourceId = sourceId };
            db.SourceHealth.Add(record);
        }

        var errors = JsonSerializer.Deserialize<Dictionary<string, long>>(record.ErrorsByKind) ?? [];
        foreach (var (kind, count) in report.ErrorsByKind)
        {
            errors[kind] = errors.GetValueOrDefault(kind) + count;
        }

        record.ErrorsByKind = JsonSerializer.Serialize(errors);
        record.LastRunAt = report.StartedAt;
        record.PagesFetched += report.PagesFetched;
        record.NotModified += report.NotModified;
        record.LastItemsFound = report.NewItems;
        record.TotalItemsFound += report.NewItems;
        if (report.NewItems > 0)
        {
            record.LastMentionAt = report.FinishedAt;
        }

        if (report.Succeeded)
        {
            record.LastSuccessAt = report.FinishedAt;
            record.ConsecutiveFailures = 0;
        }
        else
        {
            record.ConsecutiveFailures++;
        }

        record.LastError = report.Succeeded ? record.LastError : report.FatalError ?? report.Errors.FirstOrDefault();
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SourceHealth>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var records = await db.SourceHealth.AsNoTracking().ToDictionaryAsync(r => r.SourceId, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var result = new List<SourceHealth>();
        foreach (var cataloged in await catalog.ListAsync(cancellationToken))
        {
            var source = cataloged.Definition;
            records.Remove(source.Id, out var record);
            result.Add(ToHealth(source.Id, source.Kind.ToString().ToLowerInvariant(), source.Enabled && !cataloged.Paused, ExpectedInterval(source), record));
        }

        // Sources removed from configuration or deleted over the API keep their history, shown as disabled.
        result.AddRange(records.Values.Select(r => ToHealth(r.SourceId, "unknown", false, null, r)));
        return result;
    }

    private static TimeSpan? ExpectedInterval(Sources.CrawlSource source)
    {
        if (source.Interval is { } interval)
        {
            return interval;
        }

        if (string.IsNullOrWhiteSpace(source.Cron) || !Quartz.CronExpression.TryParse(source.Cron, out var cron))
        {
            return null;
        }

        var first = cron.GetNextValidTimeAfter(DateTimeOffset.UtcNow);
        var second = first is { } f ? cron.GetNextValidTimeAfter(f) : null;
        return first is { } a && second is { } b ? b - a : null;
    }

    private static SourceHealth ToHealth(string id, string kind, bool enabled, TimeSpan? expected, SourceHealthRecord? record) => new()
    {
        SourceId = id,
        Kind = kind,
        Enabled = enabled,
        ExpectedInterval = expected,
        LastRunAt = record?.LastRunAt,
        LastSuccessAt = record?.LastSuccessAt,
        LastMentionAt = record?.LastMentionAt,
        LastItemsFound = record?.LastItemsFound ?? 0,
        TotalItemsFound = record?.TotalItemsFound ?? 0,
        PagesFetched = record?.PagesFetched ?? 0,
        NotModified = record?.NotModified ?? 0,
        ConsecutiveFailures = record?.ConsecutiveFailures ?? 0,
        LastError = record?.LastError,
        ErrorsByKind = record is null ? new Dictionary<string, long>() : JsonSerializer.Deserialize<Dictionary<string, long>>(record.ErrorsByKind) ?? [],
    };
}
