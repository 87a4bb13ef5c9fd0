using AngleSharp.Html.Dom;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Crawling.Fetching;
using SentimentWatch.Crawling.Parsing;
using SentimentWatch.Crawling.Sources;
using SentimentWatch.Crawling.State;

namespace SentimentWatch.Crawling;

/// <summary>
/// Crawls one source once: walks its pages through the polite fetcher, parses them with the
/// source's parser, and returns the mentions the cursor has not seen. Never fetches a URL
/// twice in one run. Touches no storage: the caller decides what to commit.
/// </summary>
public sealed partial class SourceCrawler(PageFetcher fetcher, PageRenderer renderer, TimeProvider time, IOptionsMonitor<CrawlingOptions> options, ILogger<SourceCrawler> logger)
{
    public async Task<(IReadOnlyList<Mention> Mentions, CrawlReport Report)> CrawlAsync(
        CrawlSource source, CrawlCursor cursor, IProgress<CrawlPageEvent>? progress, CancellationToken cancellationToken)
    {
        // Platform kinds (mastodon, reddit, …) are presets: crawl the JSON/RSS source they stand for.
        source = SourcePresets.Expand(source);
        var run = new Run(source, cursor, progress, time.GetUtcNow(), new CrawlReport { SourceId = source.Id, StartedAt = time.GetUtcNow() });
        var startsOk = 0;
        foreach (var start in source.Urls)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var uri = new Uri(start);
            var ok = source.Kind switch
            {
                SourceKind.Rss or SourceKind.Atom => await CrawlFeedAsync(run, uri, cancellationToken),
                SourceKind.Json => await CrawlJsonAsync(run, uri, cancellationToken),
                _ => await CrawlForumAsync(run, uri, cancellationToken),
            };
            startsOk += ok ? 1 : 0;
        }

        run.Report.FinishedAt = time.GetUtcNow();
        run.Report.NewItems = run.Mentions.Count;
        if (startsOk == 0 && source.Urls.Count > 0)
        {
            run.Report.FatalError = run.Report.Errors.FirstOrDefault() ?? $"source '{source.Id}': no start URL could be read";
        }

        return (run.Mentions, run.Report);
    }

    /// <summary>
    /// Reads one page of a source again (hot-post revisits, decision 156): fetched politely and
    /// unconditionally, parsed with the source's parser, no next pages followed. Null when the page
    /// could not be read. <paramref name="thread"/> is the thread the page belongs to, so ids that
    /// count within a thread come out as they did when the post was first read.
    /// </summary>
    public async Task<IReadOnlyList<ObservedPost>?> ReadPageAsync(CrawlSource source, Uri page, Uri? thread, CancellationToken cancellationToken)
    {
        source = SourcePresets.Expand(source);
        var run = new Run(source, CrawlCursor.Empty(), null, time.GetUtcNow(), new CrawlReport { SourceId = source.Id, StartedAt = time.GetUtcNow() });
        var (fetched, _) = await FetchAsync(run, page, cancellationToken);
        if (fetched is null)
        {
            return null;
        }

        var parsed = source.Kind switch
        {
            SourceKind.Rss or SourceKind.Atom => FeedParser.Parse(fetched.Text!, fetched.Uri, run.Zone, run.Now, MaxParseTime),
            SourceKind.Json => JsonApiParser.Parse(fetched.Text!, fetched.Uri, source.Json!, run.Zone, run.Now, MaxParseTime).Parsed,
            _ => ReadThreadPage(source, fetched, thread ?? page, run),
        };
        if (parsed is null)
        {
            // A page past the parse deadline was not read: not "read, and its posts are gone" (which would stop following them).
            logger.LogWarning("Revisit of {Page} for source {SourceId} skipped: {Error}", page, source.Id, run.Report.Errors.LastOrDefault());
            return null;
        }

        Accept(run, fetched, parsed, thread);
        return run.Report.Observed;
    }

    private ParsedPage? ReadThreadPage(CrawlSource source, FetchResult page, Uri thread, Run run)
    {
        var parser = Parser(source);
        return Load(run, parser, page) is { } document ? parser.ParseThread(document, page.Uri, thread, threadReplies: 0, run.Zone, run.Now) : null;
    }

    private TimeSpan MaxParseTime => options.CurrentValue.Politeness.MaxParseTime;

    private ForumPageParser Parser(CrawlSource source) => new(source.Selectors!, MaxParseTime);

    // A page that does not parse in time (thousands of nested elements) is reported and skipped (null): not read through the
    // selectors (which would blame them), not taken as a thread's last page; its source's other pages and sources go on.
    private static IHtmlDocument? Load(Run run, ForumPageParser parser, FetchResult page)
    {
        var document = parser.Load(page.Text!, out var abandoned);
        if (abandoned)
        {
            run.Report.AddError("parse", $"source '{run.Source.Id}': {page.Uri} did not parse within {parser.MaxParseTime} (Crawling:Politeness:MaxParseTime) and was skipped");
            // Not read, so not "seen at this version": the next run fetches it whole rather than taking a 304 for it.
            if (run.ValidatorKeys.TryGetValue(page, out var key))
            {
                run.Cursor.ForgetValidators(key);
            }

            return null;
        }

        return document;
    }

    /// <summary>
    /// The source's credentials, only for a page on a host one of its start URLs names: a thread or next-page link read from a
    /// crawled page may point anywhere, and the token must not go with it (a security review, 2026-12-07).
    /// </summary>
    internal static SourceAuth? AuthFor(CrawlSource source, Uri uri) =>
        source.Auth is { } auth && source.Urls.Any(u => Uri.TryCreate(u, UriKind.Absolute, out var start)
            && string.Equals(start.Host, uri.Host, StringComparison.OrdinalIgnoreCase) && (start.Scheme == uri.Scheme || uri.Scheme == Uri.UriSchemeHttps))
            ? auth
            : null;

    /// <summary>True when the source's definition reads any engagement count, so following its posts can show growth.</summary>
    public static bool ReportsEngagement(CrawlSource source)
    {
        source = SourcePresets.Expand(source);
        return source.Kind switch
        {
            SourceKind.Html => source.Selectors is { } s && (!string.IsNullOrWhiteSpace(s.Likes) || !string.IsNullOrWhiteSpace(s.Replies) || !string.IsNullOrWhiteSpace(s.ThreadReplies)),
            SourceKind.Json => source.Json is { } j && (!string.IsNullOrWhiteSpace(j.Likes) || !string.IsNullOrWhiteSpace(j.Replies) || !string.IsNullOrWhiteSpace(j.Shares) || !string.IsNullOrWhiteSpace(j.Reach)),
            _ => false,
        };
    }

    private sealed record Run(CrawlSource Source, CrawlCursor Cursor, IProgress<CrawlPageEvent>? Progress, DateTimeOffset Now, CrawlReport Report)
    {
        public List<Mention> Mentions { get; } = [];
        public HashSet<string> Visited { get; } = new(StringComparer.Ordinal);

        /// <summary>Pages fetched but not read yet (a thread page set aside while the thread is read from page 1).</summary>
        public Dictionary<string, FetchResult> Held { get; } = new(StringComparer.Ordinal);
        public TimeZoneInfo Zone { get; } = Source.ResolveTimeZone();

        /// <summary>The cursor key each fetched page's validators were recorded under (by page), so a page that cannot be read takes them back.</summary>
        public Dictionary<FetchResult, string> ValidatorKeys { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>The error kind of the last fetch that failed (<c>http_4xx</c>, <c>timeout</c>, …); reset by the caller that asks.</summary>
        public string? LastFailureKind { get; set; }
    }

    private async Task<bool> CrawlFeedAsync(Run run, Uri uri, CancellationToken cancellationToken)
    {
        var (page, reached) = await FetchAsync(run, uri, cancellationToken);
        if (page is null)
        {
            return reached;
        }

        var parsed = FeedParser.Parse(page.Text!, page.Uri, run.Zone, run.Now, MaxParseTime);
        Accept(run, page, parsed);
        return true;
    }

    private Task<bool> CrawlJsonAsync(Run run, Uri start, CancellationToken cancellationToken)
    {
        var paths = run.Source.Json!;
        return FollowPagesAsync(run, start, page =>
        {
            var parsed = JsonApiParser.Parse(page.Text!, page.Uri, paths, run.Zone, run.Now, MaxParseTime);
            var fresh = Accept(run, page, parsed.Parsed);

            // Timelines are newest first: a page with nothing new means the rest is known too.
            if (fresh == 0 && parsed.Parsed.Items.Count > 0)
            {
                return null;
            }

            if (paths.NextFromLinkHeader && page.NextLink is { } linked)
            {
                return linked;
            }

            var parameter = paths.CursorParameter ?? paths.PageParameter;
            return parsed.Parsed.Next ?? (parsed.NextCursor is { } cursor && parameter is not null ? WithQuery(page.Uri, parameter, cursor) : null);
        }, cancellationToken);
    }

    private async Task<bool> CrawlForumAsync(Run run, Uri start, CancellationToken cancellationToken)
    {
        var parser = Parser(run.Source);
        if (!parser.HasListPages)
        {
            return await CrawlThreadAsync(run, parser, new ThreadLink(start, 0), cancellationToken);
        }

        var threads = new List<ThreadLink>();
        var ok = await FollowPagesAsync(run, start, page =>
        {
            if (Load(run, parser, page) is not { } document)
            {
                return null;
            }

            var parsed = parser.ParseList(document, page.Uri);
            Report(run, page.Uri, parsed.Problems);
            threads.AddRange(parsed.Threads);
            run.Progress?.Report(new CrawlPageEvent(page.Uri, "list", parsed.Threads.Count, 0));
            return parsed.Next;
        }, cancellationToken);

        foreach (var thread in threads.DistinctBy(t => CanonicalUrl.Normalize(t.Url.ToString())).Take(run.Source.MaxThreads))
        {
            await CrawlThreadAsync(run, parser, thread, cancellationToken);
        }

        return ok;
    }

    /// <summary>
    /// Reads one thread: from page 1 the first time, then from the last page the previous run read
    /// (decision 171), following "next page" links from there. A thread read to its end whose list
    /// reply count has not moved is not fetched at all.
    /// </summary>
    private async Task<bool> CrawlThreadAsync(Run run, ForumPageParser parser, ThreadLink thread, CancellationToken cancellationToken)
    {
        var key = CanonicalUrl.Normalize(thread.Url.ToString());
        var position = run.Source.ResumeThreads ? run.Cursor.ThreadPositionFor(key) : null;
        if (position is null)
        {
            return (await WalkThreadAsync(run, parser, thread, key, thread.Url, position, cancellationToken)).Ok;
        }

        // A count of 0 is also what a ThreadReplies selector that matched nothing reads: never a reason to skip.
        var listsReplies = !string.IsNullOrWhiteSpace(run.Source.Selectors!.ThreadReplies);
        if (listsReplies && position.ReachedEnd && thread.Replies > 0 && position.Replies == thread.Replies)
        {
            run.Report.ThreadsUnchanged++;
            ObserveOpener(run, thread, position);
            run.Progress?.Report(new CrawlPageEvent(thread.Url, "unchanged (replies " + thread.Replies + ")", 0, 0));
            return true;
        }

        var resumed = await WalkThreadAsync(run, parser, thread, key, new Uri(position.LastPageUrl), position, cancellationToken);
        if (!resumed.Lost)
        {
            if (listsReplies && new Uri(position.LastPageUrl) != thread.Url)
            {
                ObserveOpener(run, thread, position);
            }

            run.Report.ThreadsResumed++;
            return resumed.Ok;
        }

        // The remembered page is gone or no longer shows the last post read (posts deleted, the site re-paged):
        // read the thread as the first time; ids already handed on are not offered again.
        LogThreadPositionLost(run.Source.Id, thread.Url, position.LastPageUrl);
        return (await WalkThreadAsync(run, parser, thread, key, thread.Url, null, cancellationToken)).Ok || resumed.Ok;
    }

    private async Task<(bool Ok, bool Lost)> WalkThreadAsync(Run run, ForumPageParser parser, ThreadLink thread, string key, Uri from, ThreadPosition? resuming, CancellationToken cancellationToken)
    {
        Uri? lastPage = null;
        string? lastPostId = null;
        var reachedEnd = false;
        var lost = false;
        var (openerId, openerAt) = (resuming?.OpenerMentionId, resuming?.OpenerPublishedAt);
        run.LastFailureKind = null;
        var ok = await FollowPagesAsync(run, from, page =>
        {
            if (Load(run, parser, page) is not { } document)
            {
                return null;
            }

            var parsed = parser.ParseThread(document, page.Uri, thread.Url, thread.Replies, run.Zone, run.Now);
            if (lastPage is null && resuming?.LastPostId is { } remembered && parsed.Items.Count > 0 && !parsed.Items.Any(i => PostKey(i) == remembered))
            {
                // Kept for the walk from page 1, which reaches this page again without fetching it twice.
                lost = true;
                run.Held[CanonicalUrl.Normalize(page.Uri.ToString())] = page;
                return null;
            }

            Accept(run, page, parsed, thread.Url);
            if (page.Uri == thread.Url && parsed.Items.Count > 0)
            {
                var opener = ToMention(run, parsed.Items[0]);
                (openerId, openerAt) = (opener.Id, opener.PublishedAtEstimated ? null : (DateTimeOffset?)opener.PublishedAt);
            }

            lastPage = page.Uri;
            lastPostId = parsed.Items.Select(PostKey).LastOrDefault(k => k is not null) ?? lastPostId;
            reachedEnd = parsed.Next is null;
            return parsed.Next;
        }, cancellationToken);

        // A remembered page that answers 404/410 no longer exists (the thread shrank).
        lost |= lastPage is null && resuming is not null && run.LastFailureKind == "http_4xx";
        if (lastPage is not null && !lost)
        {
            run.Cursor.RecordThreadPosition(key, new ThreadPosition(lastPage.ToString(), lastPostId ?? resuming?.LastPostId, reachedEnd, thread.Replies, openerId, openerAt));
        }

        return (ok, lost);
    }

    /// <summary>
    /// The first post's reply count lives on the list page: when page 1 is not read, the opener is still
    /// reported with the count the list shows, so hot-post revisits (decision 156) see its replies grow.
    /// </summary>
    private static void ObserveOpener(Run run, ThreadLink thread, ThreadPosition position)
    {
        if (position.OpenerMentionId is { } opener)
        {
            run.Report.Observed.Add(new ObservedPost(opener, thread.Url, thread.Url, position.OpenerPublishedAt ?? run.Now, position.OpenerPublishedAt is null, new Engagement(0, 0, thread.Replies, 0)));
        }
    }

    /// <summary>What identifies a post within its thread for the thread position: its post id, else its permalink.</summary>
    private static string? PostKey(CrawledItem item) => item.ExternalId ?? (item.UrlIdentifiesItem ? item.Url : null);

    /// <summary>
    /// Follows a paginated listing up to the source's MaxPages: <paramref name="readPage"/> takes
    /// each fetched page and names the next one (null to stop). True when the site answered.
    /// </summary>
    private async Task<bool> FollowPagesAsync(Run run, Uri start, Func<FetchResult, Uri?> readPage, CancellationToken cancellationToken)
    {
        Uri? next = start;
        var ok = false;
        for (var pageNumber = 1; next is not null && pageNumber <= run.Source.MaxPages; pageNumber++)
        {
            var (page, reached) = await FetchAsync(run, next, cancellationToken);
            if (page is null)
            {
                return ok || reached;
            }

            ok = true;
            next = readPage(page);
        }

        return ok;
    }

    /// <summary>
    /// Fetches a page not yet visited in this run. Page is null when there is nothing to parse;
    /// Reached says whether the site answered as it should (a 304 or an earlier visit count).
    /// </summary>
    private async Task<(FetchResult? Page, bool Reached)> FetchAsync(Run run, Uri uri, CancellationToken cancellationToken)
    {
        var key = CanonicalUrl.Normalize(uri.ToString());
        if (run.Held.Remove(key, out var held))
        {
            return (held, true);
        }

        if (!run.Visited.Add(key))
        {
            return (null, true);
        }

        var result = run.Source.Render && run.Source.Kind == SourceKind.Html
            ? await renderer.RenderAsync(uri, cancellationToken)
            : await fetcher.FetchAsync(uri, run.Cursor.ValidatorsFor(key), AuthFor(run.Source, uri), cancellationToken);
        switch (result.Outcome)
        {
            case FetchOutcome.Ok:
                run.Report.PagesFetched++;
                run.Cursor.RecordValidators(key, result.Validators);
                run.ValidatorKeys[result] = key;
                if (result.Truncated)
                {
                    run.Report.AddError("truncated", $"{uri} was larger than the size cap and was parsed only in part");
                }

                return (result, true);
            case FetchOutcome.NotModified:
                run.Report.NotModified++;
                run.Progress?.Report(new CrawlPageEvent(uri, "304 not modified", 0, 0));
                return (null, true);
            case FetchOutcome.Disallowed:
                run.Report.Disallowed++;
                run.Report.AddError("robots", $"source '{run.Source.Id}': robots.txt disallows {uri}");
                run.Progress?.Report(new CrawlPageEvent(uri, "disallowed by robots.txt", 0, 0));
                return (null, false);
            default:
                run.LastFailureKind = result.ErrorKind;
                run.Report.AddError(result.ErrorKind ?? "error", $"source '{run.Source.Id}': {result.Error}");
                LogFetchFailed(run.Source.Id, uri, result.ErrorKind, result.Error);
                run.Progress?.Report(new CrawlPageEvent(uri, "failed: " + result.ErrorKind, 0, 0));
                return (null, false);
        }
    }

    private int Accept(Run run, FetchResult page, ParsedPage parsed, Uri? thread = null)
    {
        Report(run, page.Uri, parsed.Problems);
        run.Report.ItemsParsed += parsed.Items.Count;
        var fresh = 0;
        var onPage = new Dictionary<string, string>(StringComparer.Ordinal);
        var collisions = 0;
        foreach (var item in parsed.Items)
        {
            var mention = ToMention(run, item);
            if (onPage.TryGetValue(mention.Id, out var earlier))
            {
                // Two different items deriving one id would collapse into one mention without a word:
                // usually a PostId/PostIdPattern that reads something shared (a digit in the host name).
                collisions += earlier == mention.Text ? 0 : 1;
                continue;
            }

            onPage[mention.Id] = mention.Text;
            run.Report.Observed.Add(new ObservedPost(mention.Id, page.Uri, thread, mention.PublishedAt, mention.PublishedAtEstimated, mention.Engagement));
            if (run.Cursor.TryMarkNew(mention.Id))
            {
                run.Mentions.Add(mention);
                fresh++;
            }
        }

        if (collisions > 0)
        {
            var sample = parsed.Items.GroupBy(i => i.ExternalId ?? i.Url).FirstOrDefault(g => g.Count() > 1)?.Key;
            var message = $"source '{run.Source.Id}': {collisions} item(s) on {page.Uri} derive the same id as another item of the page (e.g. '{sample}') and were dropped; check PostId / PostIdPattern / Link or the Json Id path";
            run.Report.AddError("id_collision", message);
            LogIdCollision(run.Source.Id, page.Uri, collisions, sample);
        }

        run.Progress?.Report(new CrawlPageEvent(page.Uri, page.Truncated ? "200 (truncated)" : "200", parsed.Items.Count, fresh));
        return fresh;
    }

    private void Report(Run run, Uri page, IReadOnlyList<string> problems)
    {
        foreach (var problem in problems)
        {
            run.Report.AddError("parse", $"source '{run.Source.Id}': {problem}");
            LogParseProblem(run.Source.Id, page, problem);
        }
    }

    private static Mention ToMention(Run run, CrawledItem item) => new()
    {
        Id = item.UrlIdentifiesItem || !string.IsNullOrWhiteSpace(item.ExternalId)
            ? MentionId.For(run.Source.Id, item.ExternalId, item.Url, item.Text)
            : MentionId.For(run.Source.Id, null, null, string.Join('\n', item.ThreadId, item.Author, item.Text)),
        Source = run.Source.Id,
        ExternalId = item.ExternalId,
        Url = item.Url,
        Author = item.Author,
        ThreadId = item.ThreadId,
        Title = item.Title,
        Text = item.Text,
        Language = string.IsNullOrWhiteSpace(run.Source.Language) ? LanguageDetector.Detect(item.Title + " " + item.Text) : run.Source.Language,
        PublishedAt = item.PublishedAt ?? run.Now,
        PublishedAtEstimated = item.PublishedAt is null,
        CollectedAt = run.Now,
        Engagement = new Engagement(item.Reach, item.Likes, item.Replies, item.Shares),
    };

    private static Uri WithQuery(Uri uri, string name, string value)
    {
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith(name + "=", StringComparison.Ordinal))
            .Append(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value));
        return new UriBuilder(uri) { Query = string.Join('&', query) }.Uri;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {SourceId}: fetching {Uri} failed ({ErrorKind}): {Error}")]
    private partial void LogFetchFailed(string sourceId, Uri uri, string? errorKind, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {SourceId}: {Collisions} items on {Uri} share an id with another item of the page (e.g. {Sample}); only the first was kept")]
    private partial void LogIdCollision(string sourceId, Uri uri, int collisions, string? sample);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceId}: thread {Thread} no longer shows where the last run stopped ({LastPage}); read from page 1")]
    private partial void LogThreadPositionLost(string sourceId, Uri thread, string lastPage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {SourceId}: {Problem} (page {Uri})")]
    private partial void LogParseProblem(string sourceId, Uri uri, string problem);
}
