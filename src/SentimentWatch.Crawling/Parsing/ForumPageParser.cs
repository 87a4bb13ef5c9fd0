using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Crawling.Sources;

namespace SentimentWatch.Crawling.Parsing;

/// <summary>
/// Reads forum pages as a browser would (AngleSharp's HTML5 parser repairs broken markup the
/// same way) and applies a source's configured selectors: list pages yield thread links,
/// thread pages yield posts.
/// </summary>
public sealed class ForumPageParser(HtmlSelectors selectors, TimeSpan? maxParseTime = null)
{
    /// <summary>
    /// How long one page may take to parse unless configured (<c>Crawling:Politeness:MaxParseTime</c>). AngleSharp's tree
    /// construction grows with the square of the nesting depth: 10,000 nested elements parse in 0.7 s, 100,000 in 43 s, and a
    /// 2 MiB page of them would hold a crawl for minutes. Real forum pages parse in milliseconds.
    /// </summary>
    public static readonly TimeSpan DefaultMaxParseTime = TimeSpan.FromSeconds(5);

    private static readonly Regex FirstNumber = new(@"(\d+)", RegexOptions.Compiled);

    private readonly HtmlParser _parser = new();
    private readonly FieldSelector? _threadLink = Optional(selectors.ThreadLink);
    private readonly FieldSelector? _threadReplies = Optional(selectors.ThreadReplies);
    private readonly FieldSelector? _listNext = Optional(selectors.ListNextPage);
    private readonly FieldSelector? _title = Optional(selectors.Title);
    private readonly FieldSelector _post = FieldSelector.Parse(selectors.Post);
    private readonly FieldSelector _text = FieldSelector.Parse(selectors.Text);
    private readonly FieldSelector? _author = Optional(selectors.Author);
    private readonly FieldSelector? _time = Optional(selectors.Time);
    private readonly FieldSelector? _postId = Optional(selectors.PostId);
    private readonly FieldSelector? _link = Optional(selectors.Link);
    private readonly FieldSelector? _replies = Optional(selectors.Replies);
    private readonly FieldSelector? _likes = Optional(selectors.Likes);
    private readonly FieldSelector? _next = Optional(selectors.NextPage);
    private readonly IReadOnlyList<FieldSelector> _remove = selectors.Remove.Where(r => !string.IsNullOrWhiteSpace(r)).Select(FieldSelector.Parse).ToList();
    private readonly Regex _postIdPattern = string.IsNullOrWhiteSpace(selectors.PostIdPattern) ? FirstNumber : new Regex(selectors.PostIdPattern);

    /// <summary>True when start URLs are list pages (thread links configured).</summary>
    public bool HasListPages => _threadLink is not null;

    public TimeSpan MaxParseTime { get; } = maxParseTime ?? DefaultMaxParseTime;

    public IHtmlDocument Load(string html) => Load(html, out _);

    /// <summary>
    /// The page parsed, or an empty document with <paramref name="abandoned"/> set when it did not parse within
    /// <see cref="MaxParseTime"/> (the parser stops at its next token once the time is up).
    /// </summary>
    public IHtmlDocument Load(string html, out bool abandoned)
    {
        using var deadline = new CancellationTokenSource(MaxParseTime);
        var document = HtmlText.Parse(_parser, html, deadline.Token);
        abandoned = document is null;
        return document ?? _parser.ParseDocument(string.Empty);
    }

    public ParsedPage ParseList(IHtmlDocument document, Uri pageUri)
    {
        var baseUri = BaseOf(document, pageUri);
        var links = _threadLink!.All(document);
        var replies = _threadReplies?.All(document) ?? [];
        var threads = new List<ThreadLink>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < links.Count; i++)
        {
            var href = links[i].GetAttribute("href");
            if (Resolve(baseUri, href) is not { } url || !seen.Add(CanonicalUrl.Normalize(url.ToString())))
            {
                continue;
            }

            threads.Add(new ThreadLink(url, i < replies.Count ? FieldSelector.ParseCount(replies[i].TextContent) : 0));
        }

        var problems = threads.Count == 0
            ? new List<string> { $"selector ThreadLink '{selectors.ThreadLink}' matched no links on {pageUri}; check the selector" }
            : [];
        return new ParsedPage { Threads = threads, Next = NextLink(_listNext, document, baseUri, pageUri), Problems = problems };
    }

    public ParsedPage ParseThread(IHtmlDocument document, Uri pageUri, Uri threadUri, long threadReplies, TimeZoneInfo zone, DateTimeOffset now)
    {
        var baseUri = BaseOf(document, pageUri);
        var problems = new List<string>();
        var title = _title is null ? null : _title.Read(document.DocumentElement);
        var threadId = CanonicalUrl.Normalize(threadUri.ToString());
        var posts = _post.All(document);
        if (posts.Count == 0)
        {
            problems.Add($"selector Post '{selectors.Post}' matched nothing on {pageUri}; check the selector");
        }

        var items = new List<CrawledItem>();
        var first = pageUri == threadUri;
        foreach (var (post, index) in posts.Select((p, i) => (p, i)))
        {
            // Fields first, then Remove: Remove only cleans the text (a PTT article whose author
            // line is dropped from its body still names its author).
            var postId = ReadPostId(post);
            var link = _link?.Read(post) is { } href ? Resolve(baseUri, href)?.ToString() : null;
            link ??= postId is null ? null : new UriBuilder(pageUri) { Fragment = "pid" + postId }.Uri.ToString();
            var rawTime = _time?.Read(post);
            var published = ForumTime.Parse(rawTime, zone, now);
            var author = _author?.Read(post);
            var replies = _replies?.Read(post) is { } r ? FieldSelector.ParseCount(r) : first && index == 0 ? threadReplies : 0;
            var likes = _likes?.Read(post) is { } l ? FieldSelector.ParseCount(l) : 0;

            foreach (var remove in _remove)
            {
                foreach (var unwanted in remove.All(post))
                {
                    unwanted.Remove();
                }
            }

            var body = _text.All(post).FirstOrDefault() ?? (_text.Alternatives.Any(a => a.Css.Length == 0) ? post : null);
            var text = body is null ? string.Empty : HtmlText.Of(body);
            if (text.Length == 0)
            {
                problems.Add($"post {index + 1} on {pageUri}: selector Text '{selectors.Text}' found no text; skipped");
                continue;
            }

            if (rawTime is not null && published is null)
            {
                problems.Add($"post {index + 1} on {pageUri}: time '{rawTime}' is in no format the crawler knows; kept with the collection time, marked estimated");
            }

            items.Add(new CrawledItem
            {
                ExternalId = postId is null ? null : selectors.PostIdIsThreadLocal ? threadId + "#" + postId : postId,
                Url = link ?? pageUri.ToString(),
                UrlIdentifiesItem = link is not null,
                Author = author,
                Title = title,
                Text = text,
                PublishedAt = published,
                ThreadId = threadId,
                Replies = replies,
                Likes = likes,
            });
        }

        return new ParsedPage { Items = items, Next = NextLink(_next, document, baseUri, pageUri), Problems = problems };
    }

    private string? ReadPostId(IElement post)
    {
        if (_postId?.Read(post) is not { } raw)
        {
            return null;
        }

        // A permalink as the id source: never let the default pattern take a digit of the host
        // (bbs2.example) or the thread id shared by every post (?tid=55&pid=101): take the last number.
        if (string.IsNullOrWhiteSpace(selectors.PostIdPattern) && Uri.TryCreate(raw, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            var numbers = FirstNumber.Matches(url.PathAndQuery + url.Fragment);
            return numbers.Count > 0 ? numbers[^1].Value : raw;
        }

        var match = _postIdPattern.Match(raw);
        return match.Success ? (match.Groups.Count > 1 ? match.Groups[1].Value : match.Value) : raw;
    }

    private static Uri? NextLink(FieldSelector? selector, IDocument document, Uri baseUri, Uri pageUri)
    {
        if (selector is null || document.DocumentElement is null)
        {
            return null;
        }

        var element = selector.All(document).FirstOrDefault();
        var href = selector.Alternatives.Any(a => a.Attribute is not null) ? selector.Read(document.DocumentElement) : element?.GetAttribute("href");
        var next = Resolve(baseUri, href);
        return next is null || next == pageUri ? null : next;
    }

    private static Uri BaseOf(IDocument document, Uri pageUri) =>
        document.QuerySelector("base[href]")?.GetAttribute("href") is { } href && Uri.TryCreate(pageUri, href, out var baseUri) ? baseUri : pageUri;

    private static Uri? Resolve(Uri baseUri, string? href)
    {
        if (string.IsNullOrWhiteSpace(href) || href.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase) || href.StartsWith('#'))
        {
            return null;
        }

        // Discuz and phpBB print '&amp;' inside href; the HTML parser decodes it, raw config values may not.
        return Uri.TryCreate(baseUri, System.Net.WebUtility.HtmlDecode(href.Trim()), out var uri) && uri.Scheme is "http" or "https" ? uri : null;
    }

    private static FieldSelector? Optional(string? spec) => string.IsNullOrWhiteSpace(spec) ? null : FieldSelector.Parse(spec);
}
