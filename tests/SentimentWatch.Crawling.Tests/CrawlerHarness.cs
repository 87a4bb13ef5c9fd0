using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentimentWatch.Crawling.Sources;
using SentimentWatch.Storage;

namespace SentimentWatch.Crawling.Tests;

/// <summary>A host wired like production (AddStorage + AddCrawling) over a temp data folder.</summary>
public sealed class CrawlerHarness : IDisposable
{
    private readonly bool _ownsDataDirectory;

    /// <param name="dataDirectory">A data folder to reuse (a worker restarted over the same state database); the caller deletes it.</param>
    public CrawlerHarness(IDictionary<string, string?>? settings = null, Action<IHostApplicationBuilder>? configure = null, string? dataDirectory = null)
    {
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "sw-crawl-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var all = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = DataDirectory,
            ["Crawling:UserAgent"] = "SentimentWatchBot/1.0 (+https://example.invalid/bot)",
            ["Crawling:Politeness:MinDelayPerHost"] = "00:00:00",
            ["Crawling:Politeness:MaxConcurrencyPerHost"] = "4",
            ["Crawling:Politeness:RequestTimeout"] = "00:00:05",
            ["Crawling:Politeness:MaxRetries"] = "2",
            ["Crawling:Politeness:RetryBaseDelay"] = "00:00:00.050",
            ["Crawling:Politeness:MaxResponseBytes"] = "1048576",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(all);
        builder.AddStorage();
        builder.AddCrawling();
        configure?.Invoke(builder);
        Host = builder.Build();
    }

    public IHost Host { get; }

    public string DataDirectory { get; }

    public IServiceProvider Services => Host.Services;

    public SourceCrawler Crawler => Services.GetRequiredService<SourceCrawler>();

    public async Task MigrateAsync()
    {
        foreach (var schema in Services.GetServices<IStateSchema>())
        {
            await schema.MigrateAsync(CancellationToken.None);
        }
    }

    public void Dispose()
    {
        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!_ownsDataDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    public static CrawlSource Discuz(string baseUrl) => new()
    {
        Id = "discuz-x9",
        Kind = SourceKind.Html,
        Urls = [baseUrl + "/discuz/forum.php?mod=forumdisplay&fid=2"],
        TimeZone = "Asia/Shanghai",
        Selectors = new HtmlSelectors
        {
            ThreadLink = "tbody[id^=normalthread_] a.xst",
            ThreadReplies = "tbody[id^=normalthread_] td.num a.xi2",
            ListNextPage = "div.pg a.nxt",
            Title = "#thread_subject",
            Post = "table[id^=pid]",
            PostId = "@id",
            Text = "td.t_f",
            Author = "a.xw1",
            Time = "em[id^=authorposton] span@title || em[id^=authorposton]",
            Remove = [".quote", "i.pstatus", "script"],
            NextPage = "div.pg a.nxt",
        },
    };

    public static CrawlSource PhpBb(string baseUrl) => new()
    {
        Id = "phpbb-x9",
        Kind = SourceKind.Html,
        Urls = [baseUrl + "/phpbb/viewtopic.php?t=55"],
        Selectors = new HtmlSelectors
        {
            Title = "h2.topic-title",
            Post = "div.post",
            PostId = "@id",
            Text = "div.content",
            Author = "p.author a.username || p.author a.username-coloured || p.author strong",
            Time = "p.author time@datetime || p.author",
            Link = "p.author a.unread@href",
            Remove = ["blockquote", ".signature"],
            NextPage = "a[rel=next]",
        },
    };

    public static CrawlSource Discourse(string baseUrl) => new()
    {
        Id = "discourse-x9",
        Kind = SourceKind.Html,
        Urls = [baseUrl + "/discourse/t/screen-flicker-after-update/77"],
        Selectors = new HtmlSelectors
        {
            Title = "#topic-title h1",
            Post = "div.topic-body.crawler-post:not([role=navigation])",
            PostId = "[itemprop=position]",
            PostIdIsThreadLocal = true,
            Text = "div.post[itemprop=text]",
            Author = "[itemprop=author] [itemprop=name]",
            Time = "time[itemprop=datePublished]@datetime",
            Likes = "meta[itemprop=userInteractionCount]@content",
            Remove = ["aside.quote", "aside.onebox"],
            NextPage = "a[rel=next]",
        },
    };

    public static CrawlSource Tieba(string baseUrl) => new()
    {
        Id = "tieba-x9",
        Kind = SourceKind.Html,
        Urls = [baseUrl + "/tieba/p/7000001"],
        TimeZone = "Asia/Shanghai",
        Selectors = new HtmlSelectors
        {
            Title = "h3.core_title_txt@title",
            Post = "div.l_post",
            PostId = ".d_post_content@id",
            Text = ".d_post_content",
            Author = ".p_author_name",
            Time = ".post-tail-wrap span.tail-info:last-child",
        },
    };

    public static CrawlSource Simple(string id, params string[] urls) => new()
    {
        Id = id,
        Kind = SourceKind.Html,
        Urls = [.. urls],
        Selectors = new HtmlSelectors { Post = "div.post", PostId = "@id", Text = "div.content || div.msg", Author = "span.who" },
    };
}
