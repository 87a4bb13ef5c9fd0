using SentimentWatch.Crawling.Sources;

namespace SentimentWatch.Crawling;

/// <summary>Configuration section <c>Crawling</c>: the sources and how politely to fetch them.</summary>
public sealed class CrawlingOptions
{
    /// <summary>
    /// On PostgreSQL (clustered crawl schedules), how often each crawl worker tells the others it is
    /// alive; a worker silent for twice this long is taken for dead and its crawls move to another.
    /// </summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(15);

    public const string SectionName = "Crawling";

    /// <summary>Sent on every request; names the service and how to reach its operator.</summary>
    public string UserAgent { get; set; } = "SentimentWatchBot/1.0 (+https://example.invalid/bot)";

    public PolitenessOptions Politeness { get; set; } = new();

    public List<CrawlSource> Sources { get; set; } = [];

    public RenderingOptions Rendering { get; set; } = new();

    public RevisitOptions Revisits { get; set; } = new();
}

/// <summary>
/// Hot-post revisits (decision 156): posts younger than <see cref="MaxAge"/> whose engagement is
/// still growing are read again, and their likes, replies, shares and reach updated in the index,
/// so reach-based alert rules see a post going viral, not only its first snapshot.
/// </summary>
public sealed class RevisitOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Posts published longer ago than this are no longer followed.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>At least this long between two reads of one hot post.</summary>
    public TimeSpan Every { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Pages read again per run of a source, on top of its own crawl (politeness applies to each).</summary>
    public int MaxPagesPerRun { get; set; } = 10;
}

/// <summary>How sources with <c>Render: true</c> are rendered: headless Chromium driven by Playwright.</summary>
public sealed class RenderingOptions
{
    /// <summary>The Chromium binary (Debian's package installs <c>/usr/bin/chromium</c>); Playwright's own browsers are never downloaded.</summary>
    public string ExecutablePath { get; set; } = "/usr/bin/chromium";

    /// <summary>How long after the load event the page may keep fetching before its HTML is read.</summary>
    public TimeSpan NetworkIdleWait { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>How the crawler treats the sites it visits. On by default; tests may loosen it.</summary>
public sealed class PolitenessOptions
{
    /// <summary>Obey robots.txt (cached per host for <see cref="RobotsCacheDuration"/>).</summary>
    public bool RespectRobotsTxt { get; set; } = true;

    public TimeSpan RobotsCacheDuration { get; set; } = TimeSpan.FromHours(6);

    /// <summary>At most this many requests to one host at a time.</summary>
    public int MaxConcurrencyPerHost { get; set; } = 2;

    /// <summary>At least this long between the starts of two requests to one host (robots Crawl-delay can raise it).</summary>
    public TimeSpan MinDelayPerHost { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Per attempt, headers and body together.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Retries after timeouts, 408, 429 and 5xx; never after other 4xx.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff; doubles per retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A Retry-After longer than this is capped to it.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Bodies longer than this are cut here and parsed as far as they go.</summary>
    public int MaxResponseBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// A forum page that takes longer than this to parse (thousands of nested elements: the parser's cost grows with the square
    /// of the depth) is reported as a parse error and skipped.
    /// </summary>
    public TimeSpan MaxParseTime { get; set; } = Parsing.ForumPageParser.DefaultMaxParseTime;
}
