using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Crawling.Fetching;
using SentimentWatch.Crawling.State;
using Shouldly;

namespace SentimentWatch.Crawling.Tests.Fetching;

public sealed class PoliteFetchingTests : IAsyncLifetime
{
    private FixtureServer _server = null!;

    public async Task InitializeAsync() => _server = await FixtureServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ADisallowedPathIsNeverFetchedAndRobotsTxtIsReadOncePerHost()
    {
        using var harness = new CrawlerHarness();
        var source = CrawlerHarness.Simple("robots", _server.Url("/private/secret.html"), _server.Url("/polite/1"), _server.Url("/polite/2"));

        var (mentions, report) = await harness.Crawler.CrawlAsync(source, CrawlCursor.Empty(), null, CancellationToken.None);

        _server.Hits("/private/secret.html").ShouldBe(0);
        _server.Hits("/robots.txt").ShouldBe(1);
        report.Disallowed.ShouldBe(1);
        report.ErrorsByKind["robots"].ShouldBe(1);
        mentions.Count.ShouldBe(2);
        _server.Requests.ShouldAllBe(r => r.UserAgent == "SentimentWatchBot/1.0 (+https://example.invalid/bot)");
    }

    [Fact]
    public async Task A429IsRetriedAfterTheRetryAfterDelay()
    {
        using var harness = new CrawlerHarness();
        var stopwatch = Stopwatch.StartNew();

        var result = await harness.Services.GetRequiredService<PageFetcher>().FetchAsync(new Uri(_server.Url("/flaky/429")), null, CancellationToken.None);

        result.Outcome.ShouldBe(FetchOutcome.Ok);
        result.Attempts.ShouldBe(2);
        stopwatch.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950)); // Retry-After: 1, not the 50 ms backoff
        var times = _server.Requests.Where(r => r.PathAndQuery == "/flaky/429").Select(r => r.At).ToList();
        (times[1] - times[0]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950));
    }

    [Fact]
    public async Task A500IsRetriedWithBackoffUntilItSucceeds()
    {
        using var harness = new CrawlerHarness();

        var result = await harness.Services.GetRequiredService<PageFetcher>().FetchAsync(new Uri(_server.Url("/flaky/500")), null, CancellationToken.None);

        result.Outcome.ShouldBe(FetchOutcome.Ok);
        result.Attempts.ShouldBe(2);
        result.Text!.ShouldContain("2.1.1 installed");
    }

    [Fact]
    public async Task APersistent503FailsAfterTheConfiguredRetriesAndA404IsNotRetried()
    {
        using var harness = new CrawlerHarness();
        var fetcher = harness.Services.GetRequiredService<PageFetcher>();

        var unavailable = await fetcher.FetchAsync(new Uri(_server.Url("/always/503")), null, CancellationToken.None);
        var gone = await fetcher.FetchAsync(new Uri(_server.Url("/gone/404")), null, CancellationToken.None);

        unavailable.Outcome.ShouldBe(FetchOutcome.Failed);
        unavailable.ErrorKind.ShouldBe("http_5xx");
        _server.Hits("/always/503").ShouldBe(3); // 1 + MaxRetries 2
        gone.ErrorKind.ShouldBe("http_4xx");
        _server.Hits("/gone/404").ShouldBe(1);
    }

    [Fact]
    public async Task ASlowResponseTimesOutPerAttemptAndIsReportedAsATimeout()
    {
        using var harness = new CrawlerHarness(new Dictionary<string, string?> { ["Crawling:Politeness:RequestTimeout"] = "00:00:00.300", ["Crawling:Politeness:MaxRetries"] = "1" });
        var stopwatch = Stopwatch.StartNew();

        var result = await harness.Services.GetRequiredService<PageFetcher>().FetchAsync(new Uri(_server.Url("/slow")), null, CancellationToken.None);

        result.Outcome.ShouldBe(FetchOutcome.Failed);
        result.ErrorKind.ShouldBe("timeout");
        result.Attempts.ShouldBe(2);
        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2.5)); // never waited for the 3 s page
    }

    [Fact]
    public async Task ATenMegabytePageIsCutAtTheCapAndStillParsed()
    {
        using var harness = new CrawlerHarness(new Dictionary<string, string?> { ["Crawling:Politeness:MaxResponseBytes"] = "262144" });
        var source = CrawlerHarness.Simple("huge", _server.Url("/huge"));

        var (mentions, report) = await harness.Crawler.CrawlAsync(source, CrawlCursor.Empty(), null, CancellationToken.None);

        mentions.Single().Text.ShouldBe("first post before the flood");
        report.ErrorsByKind["truncated"].ShouldBe(1);
        var result = await harness.Services.GetRequiredService<PageFetcher>().FetchAsync(new Uri(_server.Url("/huge")), null, CancellationToken.None);
        result.Truncated.ShouldBeTrue();
        result.Text!.Length.ShouldBeLessThanOrEqualTo(262144);
    }

    [Fact]
    public async Task TheMinimumDelayPerHostHoldsBetweenRequests()
    {
        using var harness = new CrawlerHarness(new Dictionary<string, string?>
        {
            ["Crawling:Politeness:MinDelayPerHost"] = "00:00:00.200",
            ["Crawling:Politeness:MaxConcurrencyPerHost"] = "1",
        });
        var fetcher = harness.Services.GetRequiredService<PageFetcher>();

        await Task.WhenAll(Enumerable.Range(1, 6).Select(n => fetcher.FetchAsync(new Uri(_server.Url($"/polite/{n}")), null, CancellationToken.None)));

        _server.Hits("/robots.txt").ShouldBe(1); // it passed the same gate first
        var times = _server.Requests.Where(r => r.PathAndQuery.StartsWith("/polite/", StringComparison.Ordinal)).Select(r => r.At).Order().ToList();
        times.Count.ShouldBe(6);
        // The gate spaces request starts on the client; arrival at the server adds scheduling
        // jitter to single gaps on a loaded machine, so the span is tight and single gaps get a tolerance.
        (times[^1] - times[0]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(5 * 200 - 50));
        for (var i = 1; i < times.Count; i++)
        {
            (times[i] - times[i - 1]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(100));
        }
    }
}
