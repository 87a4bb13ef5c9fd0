using System.Text.Json.Serialization;

namespace SentimentWatch.Crawling.Sources;

/// <summary>What a source is made of: the parser that reads its pages.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SourceKind>))]
public enum SourceKind
{
    Rss,
    Atom,
    Html,
    Json,

    /// <summary>Mastodon hashtag or search timeline (presets over <see cref="Json"/>, see <see cref="SourcePresets"/>).</summary>
    Mastodon,

    /// <summary>Reddit subreddit or search listing JSON.</summary>
    Reddit,

    /// <summary>Hacker News through the Algolia search API.</summary>
    HackerNews,

    /// <summary>Discourse latest posts, search or one topic's posts (JSON API).</summary>
    Discourse,

    /// <summary>V2EX topics API (hot, latest or one node).</summary>
    V2ex,

    /// <summary>An RSSHub route (self-hosted bridge to Weibo, Zhihu, Bilibili, Douyin, WeChat accounts).</summary>
    RssHub,
}

/// <summary>
/// One place mentions come from, described entirely by configuration (one entry of
/// <c>Crawling:Sources</c>, or the JSON file given to <c>crawl --source</c>).
/// </summary>
public sealed class CrawlSource
{
    /// <summary>Stable name; part of every mention id, so never rename a live source.</summary>
    public string Id { get; set; } = string.Empty;

    public SourceKind Kind { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Feed URLs, forum list pages or API endpoints to start from.</summary>
    public List<string> Urls { get; set; } = [];

    /// <summary>Run every so often (e.g. <c>00:15:00</c>). Either this or <see cref="Cron"/>.</summary>
    public TimeSpan? Interval { get; set; }

    /// <summary>Quartz cron expression, e.g. <c>0 0/10 * * * ?</c>, in <see cref="TimeZone"/>.</summary>
    public string? Cron { get; set; }

    /// <summary>The time zone the site prints its times in (IANA or Windows id). Default: UTC.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>How many pages to follow through "next page" links, per start URL and per thread.</summary>
    public int MaxPages { get; set; } = 3;

    /// <summary>
    /// For <see cref="SourceKind.Html"/> threads read through <c>NextPage</c>: start each thread where the last
    /// run stopped (its last page read, read again for new floors) instead of page 1, and skip a thread
    /// whose <c>ThreadReplies</c> count has not changed since it was read to its end (decision 171).
    /// Default true; <c>crawl --once</c> and the dry run remember nothing, so they always start at page 1.
    /// </summary>
    public bool ResumeThreads { get; set; } = true;

    /// <summary>How many threads to open from the list pages of one run.</summary>
    public int MaxThreads { get; set; } = 20;

    /// <summary>Language of the site when known (<c>zh</c>, <c>en</c>); detected otherwise.</summary>
    public string? Language { get; set; }

    /// <summary>For <see cref="SourceKind.Html"/>: how to find threads and posts.</summary>
    public HtmlSelectors? Selectors { get; set; }

    /// <summary>For <see cref="SourceKind.Json"/>: where items and their fields are.</summary>
    public JsonPaths? Json { get; set; }

    /// <summary>
    /// For the platform kinds: the site (<c>https://mastodon.social</c>, a Discourse forum, a
    /// self-hosted RSSHub). Reddit, Hacker News and V2EX default to their public endpoints.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>Search words (Mastodon, Reddit, Hacker News, Discourse search).</summary>
    public string? Query { get; set; }

    /// <summary>Mastodon hashtag timeline (without '#').</summary>
    public string? Hashtag { get; set; }

    /// <summary>Reddit subreddit (without 'r/'): its newest posts, or a search within it with <see cref="Query"/>.</summary>
    public string? Subreddit { get; set; }

    /// <summary>V2EX node name (<c>apple</c>); Discourse topic id for one topic's posts.</summary>
    public string? Node { get; set; }

    /// <summary>Discourse topic id: that topic's posts.</summary>
    public long? TopicId { get; set; }

    /// <summary>RSSHub route, e.g. <c>/weibo/user/1195230310</c> or <c>/zhihu/people/activities/diygod</c>.</summary>
    public string? Route { get; set; }

    /// <summary>V2EX: <c>hot</c> (default) or <c>latest</c>.</summary>
    public string? Feed { get; set; }

    /// <summary>
    /// For <see cref="SourceKind.Html"/> pages whose posts exist only after their script runs:
    /// render them in headless Chromium (Playwright) before reading. Slower; same politeness,
    /// timeout and size cap. See <c>Crawling:Rendering</c>.
    /// </summary>
    public bool Render { get; set; }

    /// <summary>Credentials for APIs the user has keys for: sent on every request of this source, never logged.</summary>
    public SourceAuth? Auth { get; set; }

    public TimeZoneInfo ResolveTimeZone() =>
        System.TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;
}

/// <summary>
/// CSS selectors (AngleSharp) describing a forum. A field selector may end in <c>@attr</c>
/// to read an attribute instead of the text (<c>span@title</c>); <c>@id</c> alone reads the
/// post container's own attribute. Alternatives are separated by <c> || </c> and tried in order.
/// </summary>
public sealed class HtmlSelectors
{
    /// <summary>On a list page: links to threads. Empty means the start URLs are thread pages.</summary>
    public string? ThreadLink { get; set; }

    /// <summary>On a list page: the reply count shown next to each thread link (same order).</summary>
    public string? ThreadReplies { get; set; }

    /// <summary>On a list page: the link to the next list page.</summary>
    public string? ListNextPage { get; set; }

    /// <summary>On a thread page: the thread title.</summary>
    public string? Title { get; set; }

    /// <summary>On a thread page: one element per post (required).</summary>
    public string Post { get; set; } = string.Empty;

    /// <summary>Within a post: the text body (required).</summary>
    public string Text { get; set; } = string.Empty;

    public string? Author { get; set; }
    public string? Time { get; set; }

    /// <summary>Within a post: its id, e.g. <c>@id</c> on Discuz's <c>table id="pid123"</c>.</summary>
    public string? PostId { get; set; }

    /// <summary>
    /// True when post ids only count within a thread (Discourse's post number, a floor
    /// number): the external id then becomes thread + id so it stays unique in the source.
    /// </summary>
    public bool PostIdIsThreadLocal { get; set; }

    /// <summary>Regular expression whose first group is the id inside <see cref="PostId"/>. Default: the first run of digits.</summary>
    public string? PostIdPattern { get; set; }

    /// <summary>Within a post: its permalink. Default: the thread URL with <c>#pid</c>.</summary>
    public string? Link { get; set; }

    public string? Replies { get; set; }
    public string? Likes { get; set; }

    /// <summary>Within a post's text: elements to drop before reading it (quotes, signatures, ads).</summary>
    public List<string> Remove { get; set; } = [];

    /// <summary>On a thread page: the link to the next page of posts.</summary>
    public string? NextPage { get; set; }
}

/// <summary>
/// Paths into a JSON API's response: dot-separated property names with optional <c>[n]</c>
/// indexes (<c>data.statuses</c>, <c>user.screen_name</c>, <c>media[0].url</c>).
/// </summary>
public sealed class JsonPaths
{
    /// <summary>The array of items; empty means the root is the array.</summary>
    public string? Items { get; set; }

    public string Id { get; set; } = "id";
    public string Text { get; set; } = "text";
    public string? Title { get; set; }
    public string? Author { get; set; }
    public string? PublishedAt { get; set; }
    public string? Url { get; set; }
    public string? ThreadId { get; set; }
    public string? Replies { get; set; }
    public string? Likes { get; set; }
    public string? Shares { get; set; }
    public string? Reach { get; set; }

    /// <summary>Where the response puts the next cursor / page token.</summary>
    public string? NextCursor { get; set; }

    /// <summary>Query parameter that carries the cursor on the next request, e.g. <c>max_id</c>.</summary>
    public string? CursorParameter { get; set; }

    /// <summary>Where the response puts the full URL of the next page (alternative to a cursor).</summary>
    public string? NextUrl { get; set; }

    /// <summary>Format of a relative link in <see cref="Url"/> (<c>{id}</c> is replaced), e.g. <c>/status/{id}</c>.</summary>
    public string? UrlTemplate { get; set; }

    /// <summary>Follow the <c>Link: &lt;…&gt;; rel="next"</c> response header (Mastodon, GitHub-style APIs).</summary>
    public bool NextFromLinkHeader { get; set; }

    /// <summary>Query parameter of a numbered page (Algolia's <c>page</c>): the next request asks for the current page + 1.</summary>
    public string? PageParameter { get; set; }

    /// <summary>Where the response says how many pages there are (Algolia's <c>nbPages</c>); paging stops there.</summary>
    public string? PageCount { get; set; }
}

/// <summary>
/// Request credentials of a source. A value may be <c>${env:NAME}</c> (read from the environment
/// at request time) or a literal (better kept in user secrets or environment configuration).
/// They are added to the request only: never to the URLs the crawler logs, reports or remembers.
/// </summary>
public sealed class SourceAuth
{
    /// <summary>Request headers, e.g. <c>Authorization: Bearer ${env:MASTODON_TOKEN}</c>.</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>Query parameters, e.g. <c>access_token: ${env:WEIBO_TOKEN}</c>.</summary>
    public Dictionary<string, string> Query { get; set; } = [];

    public bool IsEmpty => Headers.Count == 0 && Query.Count == 0;

    /// <summary>Every <c>${env:NAME}</c> in the value replaced from the environment (<c>Bearer ${env:TOKEN}</c>).</summary>
    public static string Resolve(string value) =>
        System.Text.RegularExpressions.Regex.Replace(value, @"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}", m => Environment.GetEnvironmentVariable(m.Groups[1].Value) ?? string.Empty);
}
