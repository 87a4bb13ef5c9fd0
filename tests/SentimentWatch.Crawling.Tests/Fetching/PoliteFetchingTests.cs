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
        // robots.txt off: with a 300 ms timeout on a loaded machine it could time out first,
        // and an unreachable robots.txt means "disallowed" (decision 041), not "timeout".
        using var harness = new CrawlerHarness(new Dictionary<string, string?>
        {
            ["Crawling:Politeness:RequestTimeout"] = "00:00:00.300",
            ["Crawling:Politeness:MaxRetries"] = "1",
            ["Crawling:Politeness:RespectRobotsTxt"] = "false",
        });
        var result = await harness.Services.GetRequiredService<PageFetcher>().FetchAsync(new Uri(_server.Url("/slow")), null, CancellationToken.None);

        result.Outcome.ShouldBe(FetchOutcome.Failed);
        result.ErrorKind.ShouldBe("timeout");
        // Two attempts, both reported as a timeout: had either waited for the 3 s page it would
        // have succeeded. (No wall-clock bound here: speed is for benchmarks, not the suite.)
        result.Attempts.ShouldBe(2);
        _server.Hits("/slow").ShouldBe(2);
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
        // Send times are recorded as requests leave the client: on a loaded machine the
        // server's own arrival timestamps jitter by more than the delay under test.
        var sent = new System.Collections.Concurrent.ConcurrentQueue<(string Path, DateTimeOffset At)>();
        using var harness = new CrawlerHarness(
            new Dictionary<string, string?>
            {
                ["Crawling:Politeness:MinDelayPerHost"] = "00:00:00.200",
                ["Crawling:Politeness:MaxConcurrencyPerHost"] = "2",
            },
            builder => builder.Services.AddHttpClient(PageFetcher.HttpClientName).AddHttpMessageHandler(() => new RecordingHandler(sent)));
        var fetcher = harness.Services.GetRequiredService<PageFetcher>();

        var results = await Task.WhenAll(Enumerable.Range(1, 6).Select(n => fetcher.FetchAsync(new Uri(_server.Url($"/polite/{n}")), null, CancellationToken.None)));

        results.ShouldAllBe(r => r.Outcome == FetchOutcome.Ok);
        sent.Count(s => s.Path == "/robots.txt").ShouldBe(1); // it passed the same gate first
        _server.HitsStartingWith("/polite/").ShouldBe(6);
        var times = sent.Select(s => s.At).Order().ToList();
        times.Count.ShouldBe(7);
        // The gate guarantees 200 ms between the moments requests leave it; the recording
        // handler runs a little later, by a latency that varies on a loaded machine (a CI run
        // beside a training job saw one gap of 56 ms, the next one correspondingly longer), so
        // the mean gap is held tight and single gaps only have to show that no two requests
        // left together (a gate that let its two concurrent requests go at once would give ~0 ms).
        ((times[^1] - times[0]) / 6).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(190));
        for (var i = 1; i < times.Count; i++)
        {
            (times[i] - times[i - 1]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(40));
        }
    }

    private sealed class RecordingHandler(System.Collections.Concurrent.ConcurrentQueue<(string Path, DateTimeOffset At)> sent) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            sent.Enqueue((request.RequestUri!.AbsolutePath, DateTimeOffset.UtcNow));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
