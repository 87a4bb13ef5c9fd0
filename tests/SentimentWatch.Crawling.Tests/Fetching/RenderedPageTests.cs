using SentimentWatch.Crawling.Sources;
using SentimentWatch.Crawling.State;
using Shouldly;

namespace SentimentWatch.Crawling.Tests.Fetching;

/// <summary>
/// <c>Render: true</c> against a local page whose posts exist only after its script runs and
/// fetches them: real headless Chromium (Debian's /usr/bin/chromium) through Playwright.
/// </summary>
public sealed class RenderedPageTests : IAsyncLifetime
{
    private FixtureServer _server = null!;

    public async Task InitializeAsync() => _server = await FixtureServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private CrawlSource Source(bool render) => new()
    {
        Id = "js-forum",
        Kind = SourceKind.Html,
        Render = render,
        Urls = [_server.Url("/js-only")],
        Selectors = new HtmlSelectors { Post = "div.post", PostId = "@id", Author = "span.who", Text = "div.content" },
    };

    [Fact]
    public async Task AScriptOnlyPageShowsItsPostsWhenRenderedAndNoneWhenFetchedPlain()
    {
        using var harness = new CrawlerHarness(new Dictionary<string, string?> { ["Crawling:Politeness:RequestTimeout"] = "00:01:30" });

        var (plain, plainReport) = await harness.Crawler.CrawlAsync(Source(render: false), CrawlCursor.Empty(), null, CancellationToken.None);
        var (rendered, renderedReport) = await harness.Crawler.CrawlAsync(Source(render: true), CrawlCursor.Empty(), null, CancellationToken.None);

        plain.ShouldBeEmpty();
        plainReport.Errors.ShouldContain(e => e.Contains("matched nothing", StringComparison.Ordinal));
        renderedReport.Errors.ShouldBeEmpty();
        rendered.Select(m => (m.ExternalId, m.Author, m.Text)).ShouldBe([("501", "王五", "X9 屏幕闪烁，售后不理"), ("502", "carl", "Same flicker here after 2.1")]);
        // The browser asked with the crawler's honest User-Agent and went through robots.txt first.
        _server.Requests.Where(r => r.PathAndQuery == "/api/js-posts").ShouldAllBe(r => r.UserAgent!.StartsWith("SentimentWatchBot/", StringComparison.Ordinal));
        _server.Hits("/api/js-posts").ShouldBe(1);
    }

    [Fact]
    public async Task ARenderedSourceStillObeysRobotsTxt()
    {
        using var harness = new CrawlerHarness(new Dictionary<string, string?> { ["Crawling:Politeness:RequestTimeout"] = "00:01:30" });
        var source = Source(render: true);
        source.Urls = [_server.Url("/private/secret.html")];

        var (mentions, report) = await harness.Crawler.CrawlAsync(source, CrawlCursor.Empty(), null, CancellationToken.None);

        mentions.ShouldBeEmpty();
        report.Disallowed.ShouldBe(1);
        _server.HitsStartingWith("/private/").ShouldBe(0);
    }
}
