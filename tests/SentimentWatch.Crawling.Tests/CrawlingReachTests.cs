using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SentimentWatch.Core.Crawling;
using SentimentWatch.Crawling.Parsing;
using SentimentWatch.Crawling.Sources;
using SentimentWatch.Crawling.State;
using SentimentWatch.Storage.Mentions;
using Shouldly;

namespace SentimentWatch.Crawling.Tests;

/// <summary>Issue 18's failure classes, each through the real runner, ledger and health store.</summary>
public sealed class CrawlingReachTests : IAsyncLifetime
{
    private FixtureServer _server = null!;

    public async Task InitializeAsync() => _server = await FixtureServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ItemsOfOnePageThatCollideOnAnIdAreWarnedAndCountedInTheSourceHealth()
    {
        using var harness = new CrawlerHarness(new Dictionary<string, string?>
        {
            ["Crawling:Sources:0:Id"] = "collide",
            ["Crawling:Sources:0:Kind"] = "html",
            ["Crawling:Sources:0:Urls:0"] = _server.Url("/synthetic/collide"),
            ["Crawling:Sources:0:Interval"] = "00:10:00",
            ["Crawling:Sources:0:Selectors:Post"] = "div.post",
            ["Crawling:Sources:0:Selectors:PostId"] = "span.floor",
            ["Crawling:Sources:0:Selectors:Text"] = "div.content",
            ["Crawling:Sources:0:Selectors:Time"] = "span.when",
        });
        await harness.MigrateAsync();

        var report = await harness.Services.GetRequiredService<CrawlRunner>().RunAsync("collide", CancellationToken.None);

        report!.ErrorsByKind["id_collision"].ShouldBe(1);
        report.Errors.ShouldContain(e => e.Contains("2 item(s)", StringComparison.Ordinal) && e.Contains("same id", StringComparison.Ordinal));
        var health = (await harness.Services.GetRequiredService<ISourceHealthReader>().ListAsync(CancellationToken.None)).Single(h => h.SourceId == "collide");
        health.ErrorsByKind["id_collision"].ShouldBe(1);
    }

    [Fact]
    public async Task AnUnreadableTimeKeepsTheMentionWithTheCollectionTimeMarkedEstimatedInTheLedger()
    {
        using var harness = new CrawlerHarness(new Dictionary<string, string?>
        {
            ["Crawling:Sources:0:Id"] = "undated",
            ["Crawling:Sources:0:Kind"] = "html",
            ["Crawling:Sources:0:Urls:0"] = _server.Url("/synthetic/collide"),
            ["Crawling:Sources:0:Interval"] = "00:10:00",
            ["Crawling:Sources:0:Selectors:Post"] = "div.post",
            ["Crawling:Sources:0:Selectors:Text"] = "div.content",
            ["Crawling:Sources:0:Selectors:Time"] = "span.when",
        });
        await harness.MigrateAsync();

        var report = await harness.Services.GetRequiredService<CrawlRunner>().RunAsync("undated", CancellationToken.None);

        report!.NewItems.ShouldBe(3);
        report.Errors.Count(e => e.Contains("'sometime long ago'", StringComparison.Ordinal) && e.Contains("estimated", StringComparison.Ordinal)).ShouldBe(3);
        await using var ledger = await harness.Services.GetRequiredService<IDbContextFactory<MentionLedgerDbContext>>().CreateDbContextAsync();
        var stored = await ledger.Mentions.Where(m => m.Source == "undated").ToListAsync();
        stored.Count.ShouldBe(3);
        stored.ShouldAllBe(m => m.PublishedAtEstimated && m.PublishedAt == m.CollectedAt);
    }

    [Fact]
    public void APermalinkAsPostIdYieldsThePostNumberNotADigitOfTheHostOrTheThreadId()
    {
        var parser = new ForumPageParser(new HtmlSelectors { Post = "div.post", PostId = "a.permalink@href", Text = "p" });
        var page = parser.Load("""
            <div class="post"><a class="permalink" href="http://bbs2.example/forum.php?mod=redirect&amp;tid=55&amp;pid=101#pid101">#1</a><p>first</p></div>
            <div class="post"><a class="permalink" href="http://bbs2.example/forum.php?mod=redirect&amp;tid=55&amp;pid=102#pid102">#2</a><p>second</p></div>
            """);

        var parsed = parser.ParseThread(page, new Uri("http://bbs2.example/thread-55-1-1.html"), new Uri("http://bbs2.example/thread-55-1-1.html"), 0, TimeZoneInfo.Utc, DateTimeOffset.UnixEpoch);

        parsed.Items.Select(i => i.ExternalId).ShouldBe(["101", "102"]);
    }

    [Fact]
    public async Task AnAuthenticatedSourceSendsItsHeaderAndQueryTokenAndNoLogLineOrReportShowsThem()
    {
        Environment.SetEnvironmentVariable("SW_TEST_CRAWL_HEADER_TOKEN", "h3ad3r-s3cr3t");
        Environment.SetEnvironmentVariable("SW_TEST_CRAWL_QUERY_TOKEN", "qu3ry-s3cr3t");
        var logs = new CapturingLoggerProvider();
        using var harness = new CrawlerHarness(configure: b => b.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var source = new CrawlSource
        {
            Id = "private-api",
            Kind = SourceKind.Json,
            Urls = [_server.Url("/api/private")],
            Json = new JsonPaths { Items = "", Id = "id", Text = "text" },
            Auth = new SourceAuth
            {
                Headers = { ["Authorization"] = "Bearer ${env:SW_TEST_CRAWL_HEADER_TOKEN}" },
                Query = { ["access_token"] = "${env:SW_TEST_CRAWL_QUERY_TOKEN}" },
            },
        };

        var (mentions, report) = await harness.Crawler.CrawlAsync(source, CrawlCursor.Empty(), null, CancellationToken.None);

        mentions.Single().Text.ShouldBe("auth header Bearer h3ad3r-s3cr3t token qu3ry-s3cr3t");
        (mentions.Single().Url ?? string.Empty).ShouldNotContain("s3cr3t");
        report.Errors.ShouldAllBe(e => !e.Contains("s3cr3t", StringComparison.Ordinal));
        logs.Lines.ShouldNotBeEmpty();
        logs.Lines.ShouldAllBe(l => !l.Contains("s3cr3t", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARedirectIntoAnAreaRobotsTxtDisallowsIsNeverFollowed()
    {
        using var harness = new CrawlerHarness();
        var fetcher = harness.Services.GetRequiredService<SentimentWatch.Crawling.Fetching.PageFetcher>();

        var blocked = await fetcher.FetchAsync(new Uri(_server.Url("/redirect/to-private")), null, CancellationToken.None);
        var followed = await fetcher.FetchAsync(new Uri(_server.Url("/redirect/to-topic")), null, CancellationToken.None);

        followed.Outcome.ShouldBe(SentimentWatch.Crawling.Fetching.FetchOutcome.Ok);
        followed.Uri.ShouldBe(new Uri(_server.Url("/phpbb/viewtopic.php?t=55")));
        blocked.Outcome.ShouldBe(SentimentWatch.Crawling.Fetching.FetchOutcome.Disallowed);
        blocked.Error.ShouldNotBeNull().ShouldContain("/private/secret.html");
        _server.Hits("/redirect/to-private").ShouldBe(1);
        _server.HitsStartingWith("/private/").ShouldBe(0);
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Capture(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Capture(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{category}: {formatter(state, exception)} {state}");
        }
    }
}
