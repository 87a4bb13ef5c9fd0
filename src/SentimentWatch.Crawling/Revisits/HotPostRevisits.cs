using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Crawling.Sources;
using SentimentWatch.Crawling.State;

namespace SentimentWatch.Crawling.Revisits;

/// <summary>
/// Follows the engagement of recent posts (issue 18 item 4, decision 156). After each run of a
/// source it compares the counts of every post the run read with the counts last seen, starts
/// following the new ones, reads again the pages of posts that are still growing and were not on
/// the run's pages, and writes grown counts into the index (and tells the observers, so alert
/// evidence carries the new reach). A post stops being followed when a read shows no growth, when
/// its page no longer shows it, or when it is older than <see cref="RevisitOptions.MaxAge"/>.
/// </summary>
public sealed partial class HotPostRevisits(
    IDbContextFactory<CrawlStateDbContext> contexts,
    SourceCrawler crawler,
    IEnumerable<IMentionIndex> indexes,
    IEnumerable<IMentionObserver> observers,
    IOptionsMonitor<CrawlingOptions> options,
    TimeProvider time,
    ILogger<HotPostRevisits> logger)
{
    /// <summary>Called by the runner after the run's mentions were accepted; updates <paramref name="report"/>'s revisit counts.</summary>
    public async Task FollowAsync(CrawlSource source, CrawlReport report, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Revisits;
        if (!settings.Enabled || !SourceCrawler.ReportsEngagement(source))
        {
            return;
        }

        var now = time.GetUtcNow();
        var horizon = now - settings.MaxAge;
        report.EngagementUpdates += await ObserveAsync(source.Id, report.Observed, horizon, now, pagesRead: [], cancellationToken);

        var visited = report.Observed.Select(o => o.Page.ToString()).ToHashSet(StringComparer.Ordinal);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await db.HotPosts.Where(h => h.SourceId == source.Id && h.PublishedAt < horizon).ExecuteDeleteAsync(cancellationToken);
        }

        foreach (var (page, thread) in await DuePagesAsync(source.Id, now - settings.Every, visited, settings.MaxPagesPerRun, cancellationToken))
        {
            var observed = await crawler.ReadPageAsync(source, new Uri(page), thread is null ? null : new Uri(thread), cancellationToken);
            if (observed is null)
            {
                continue;
            }

            report.PagesRevisited++;
            report.EngagementUpdates += await ObserveAsync(source.Id, observed, horizon, now, pagesRead: [page], cancellationToken);
        }

        if (report.EngagementUpdates > 0)
        {
            LogUpdated(source.Id, report.EngagementUpdates, report.PagesRevisited);
        }
    }

    /// <summary>
    /// Compares what a read saw with what was last seen; returns how many posts' counts grew and
    /// were written. Posts followed on <paramref name="pagesRead"/> but missing from the read stop
    /// being followed (they scrolled off the listing or were deleted).
    /// </summary>
    private async Task<int> ObserveAsync(string sourceId, IReadOnlyList<ObservedPost> observed, DateTimeOffset horizon, DateTimeOffset now, IReadOnlyCollection<string> pagesRead, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ids = observed.Select(o => o.MentionId).Distinct(StringComparer.Ordinal).ToList();
        var followed = await db.HotPosts.Where(h => h.SourceId == sourceId && (ids.Contains(h.MentionId) || pagesRead.Contains(h.PageUrl))).ToDictionaryAsync(h => h.MentionId, StringComparer.Ordinal, cancellationToken);
        var grown = new Dictionary<string, (HotPostRecord Record, Engagement Engagement)>(StringComparer.Ordinal);
        foreach (var post in observed.DistinctBy(o => o.MentionId))
        {
            if (!followed.Remove(post.MentionId, out var record))
            {
                // Estimated times are the collection time: such a post's age is unknown, so it is not followed.
                if (!post.PublishedAtEstimated && post.PublishedAt >= horizon)
                {
                    db.HotPosts.Add(new HotPostRecord
                    {
                        SourceId = sourceId, MentionId = post.MentionId, PageUrl = post.Page.ToString(), ThreadUrl = post.Thread?.ToString(),
                        PublishedAt = post.PublishedAt, Reach = post.Engagement.Reach, Likes = post.Engagement.Likes,
                        Replies = post.Engagement.Replies, Shares = post.Engagement.Shares, LastCheckedAt = now, Growing = true,
                    });
                }

                continue;
            }

            record.LastCheckedAt = now;
            record.PageUrl = post.Page.ToString();
            var seen = post.Engagement;

            // A count a page does not show (a thread's reply count lives on the list page) reads 0:
            // counts never shrink here, each keeps the larger of what was seen and what is seen.
            var merged = new Engagement(Math.Max(seen.Reach, record.Reach), Math.Max(seen.Likes, record.Likes), Math.Max(seen.Replies, record.Replies), Math.Max(seen.Shares, record.Shares));
            record.Growing = merged != new Engagement(record.Reach, record.Likes, record.Replies, record.Shares);
            if (record.Growing)
            {
                grown[record.MentionId] = (record, merged);
            }
        }

        foreach (var gone in followed.Values)
        {
            gone.Growing = false;
            gone.LastCheckedAt = now;
        }

        var written = await WriteAsync(grown.Values.Select(g => (g.Record.MentionId, g.Engagement)).ToList(), cancellationToken);
        foreach (var (record, engagement) in grown.Values)
        {
            if (written.Contains(record.MentionId))
            {
                (record.Reach, record.Likes, record.Replies, record.Shares) = (engagement.Reach, engagement.Likes, engagement.Replies, engagement.Shares);
                record.Updates++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return written.Count;
    }

    /// <summary>
    /// Writes new counts into the index and tells the observers. Returns the ids written; a post the
    /// index does not hold yet (still in the pipeline) is left for the next read, so its growth is not lost.
    /// </summary>
    private async Task<HashSet<string>> WriteAsync(IReadOnlyList<(string MentionId, Engagement Engagement)> changes, CancellationToken cancellationToken)
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        var index = indexes.FirstOrDefault();
        if (changes.Count == 0 || index is null)
        {
            return written;
        }

        var updated = new List<Mention>();
        foreach (var (id, engagement) in changes)
        {
            if (await index.GetAsync(id, cancellationToken) is { } mention)
            {
                updated.Add(mention with { Engagement = engagement });
                written.Add(id);
            }
        }

        if (updated.Count == 0)
        {
            return written;
        }

        await index.UpsertAsync(updated, cancellationToken);
        foreach (var observer in observers)
        {
            await observer.OnIndexedAsync(updated, cancellationToken);
        }

        return written;
    }

    private async Task<IReadOnlyList<(string Page, string? Thread)>> DuePagesAsync(string sourceId, DateTimeOffset checkedBefore, HashSet<string> visited, int maxPages, CancellationToken cancellationToken)
    {
        if (maxPages == 0)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var due = await db.HotPosts.AsNoTracking()
            .Where(h => h.SourceId == sourceId && h.Growing && h.LastCheckedAt <= checkedBefore)
            .OrderBy(h => h.LastCheckedAt)
            .Select(h => new { h.PageUrl, h.ThreadUrl })
            .Take(maxPages * 20)
            .ToListAsync(cancellationToken);
        return due.Where(d => !visited.Contains(d.PageUrl)).DistinctBy(d => d.PageUrl).Take(maxPages).Select(d => (d.PageUrl, d.ThreadUrl)).ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceId}: engagement of {Updated} hot posts grew and was updated in the index ({Pages} pages read again)")]
    private partial void LogUpdated(string sourceId, int updated, int pages);
}
