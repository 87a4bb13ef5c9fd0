using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Core.Crawling;
using SentimentWatch.Storage.Mentions;
using Shouldly;

namespace SentimentWatch.Crawling.Tests;

public sealed class CrawlRunnerTests : IAsyncLifetime
{
    private FixtureServer _server = null!;

    public async Task InitializeAsync() => _server = await FixtureServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Dictionary<string, string?> TwoSources() => new()
    {
        ["Crawling:Sources:0:Id"] = "news-rss",
        ["Crawling:Sources:0:Kind"] = "rss",
        ["Crawling:Sources:0:Urls:0"] = _server.Url("/feeds/rss.xml"),
        ["Crawling:Sources:0:Interval"] = "00:10:00",
        ["Crawling:Sources:1:Id"] = "phpbb-x9",
        ["Crawling:Sources:1:Kind"] = "html",
        ["Crawling:Sources:1:Urls:0"] = _server.Url("/phpbb/viewtopic.php?t=55"),
        ["Crawling:Sources:1:Cron"] = "0 0/15 * * * ?",
        ["Crawling:Sources:1:Selectors:Post"] = "div.post",
        ["Crawling:Sources:1:Selectors:PostId"] = "@id",
        ["Crawling:Sources:1:Selectors:Text"] = "div.content",
        ["Crawling:Sources:1:Selectors:NextPage"] = "a[rel=next]",
        ["Crawling:Sources:1:Selectors:Remove:0"] = "blockquote",
        ["Crawling:Sources:2:Id"] = "dead-site",
        ["Crawling:Sources:2:Kind"] = "html",
        ["Crawling:Sources:2:Urls:0"] = _server.Url("/always/503"),
        ["Crawling:Sources:2:Interval"] = "00:10:00",
        ["Crawling:Sources:2:Selectors:Post"] = "div.post",
        ["Crawling:Sources:2:Selectors:Text"] = "div.content",
    };

    [Fact]
    public async Task ASecondRunReadsNothingTwiceAndHandsNothingTwiceToTheLedger()
    {
        using var harness = new CrawlerHarness(TwoSources());
        await harness.MigrateAsync();
        var runner = harness.Services.GetRequiredService<CrawlRunner>();

        var firstFeed = await runner.RunAsync("news-rss", CancellationToken.None);
        var firstForum = await runner.RunAsync("phpbb-x9", CancellationToken.None);
        var secondFeed = await runner.RunAsync("news-rss", CancellationToken.None);
        var secondForum = await runner.RunAsync("phpbb-x9", CancellationToken.None);

        firstFeed!.NewItems.ShouldBe(2);
        firstForum!.NewItems.ShouldBe(3);
        secondFeed!.NewItems.ShouldBe(0);
        secondFeed.NotModified.ShouldBe(1);
        secondForum!.NewItems.ShouldBe(0);

        await using var ledger = await harness.Services.GetRequiredService<IDbContextFactory<MentionLedgerDbContext>>().CreateDbContextAsync();
        (await ledger.Mentions.CountAsync()).ShouldBe(5);
        (await ledger.Mentions.CountAsync(m => m.Source == "phpbb-x9")).ShouldBe(3);
    }

    [Fact]
    public async Task HealthIsRecordedPerSourceAndAFailingSourceDoesNotStopTheOthers()
    {
        using var harness = new CrawlerHarness(TwoSources());
        await harness.MigrateAsync();
        var runner = harness.Services.GetRequiredService<CrawlRunner>();

        (await runner.RunAsync("dead-site", CancellationToken.None))!.Succeeded.ShouldBeFalse();
        (await runner.RunAsync("dead-site", CancellationToken.None))!.Succeeded.ShouldBeFalse();
        await runner.RunAsync("news-rss", CancellationToken.None);
        await runner.RunAsync("news-rss", CancellationToken.None);

        var health = await harness.Services.GetRequiredService<ISourceHealthReader>().ListAsync(CancellationToken.None);
        health.Select(h => h.SourceId).ShouldBe(["news-rss", "phpbb-x9", "dead-site"]);
        var feed = health[0];
        feed.Kind.ShouldBe("rss");
        feed.ExpectedInterval.ShouldBe(TimeSpan.FromMinutes(10));
        feed.LastSuccessAt.ShouldNotBeNull();
        feed.LastItemsFound.ShouldBe(0);
        feed.TotalItemsFound.ShouldBe(2);
        feed.PagesFetched.ShouldBe(1);
        feed.NotModified.ShouldBe(1);
        feed.ConsecutiveFailures.ShouldBe(0);
        health[1].LastRunAt.ShouldBeNull();
        health[1].ExpectedInterval.ShouldBe(TimeSpan.FromMinutes(15));
        var dead = health[2];
        dead.ConsecutiveFailures.ShouldBe(2);
        dead.LastSuccessAt.ShouldBeNull();
        dead.ErrorsByKind["http_5xx"].ShouldBe(2);
        dead.LastError!.ShouldContain("HTTP 503");
    }
}
