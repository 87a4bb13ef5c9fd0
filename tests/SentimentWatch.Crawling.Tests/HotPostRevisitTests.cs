using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Crawling.State;
using SentimentWatch.Indexing;
using Shouldly;

namespace SentimentWatch.Crawling.Tests;

/// <summary>
/// Hot-post revisits over real parts: the fixture site on 127.0.0.1, the SQLite state store and a
/// Lucene index on disk. The pipeline is not part of these tests: the first read is indexed by the
/// test itself, as the pipeline would after the intake.
/// </summary>
public sealed class HotPostRevisitTests : IAsyncLifetime
{
    private FixtureServer _server = null!;

    public async Task InitializeAsync() => _server = await FixtureServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private CrawlerHarness Harness(string every = "00:00:00", string maxParseTime = "00:00:05") => new(new Dictionary<string, string?>
    {
        ["Crawling:Revisits:Every"] = every,
        ["Crawling:Politeness:MaxParseTime"] = maxParseTime,
        ["Crawling:Sources:0:Id"] = "hot-forum",
        ["Crawling:Sources:0:Kind"] = "html",
        ["Crawling:Sources:0:Urls:0"] = _server.Url("/hot/list"),
        ["Crawling:Sources:0:Interval"] = "00:10:00",
        ["Crawling:Sources:0:Selectors:ThreadLink"] = "a.thread",
        ["Crawling:Sources:0:Selectors:Post"] = "div.post",
        ["Crawling:Sources:0:Selectors:PostId"] = "@id",
        ["Crawling:Sources:0:Selectors:Text"] = "div.content",
        ["Crawling:Sources:0:Selectors:Time"] = "time@datetime",
        ["Crawling:Sources:0:Selectors:Likes"] = "span.likes",
    }, b => b.AddIndexing());

    [Fact]
    public async Task AYoungPostWhoseLikesGrowIsReadAgainAndItsLikesUpdatedInTheIndexUntilItStopsGrowing()
    {
        using var harness = Harness();
        await harness.MigrateAsync();
        var runner = harness.Services.GetRequiredService<CrawlRunner>();
        var index = harness.Services.GetRequiredService<IMentionIndex>();

        var first = await runner.RunAsync("hot-forum", CancellationToken.None);
        first!.NewItems.ShouldBe(2);
        var source = harness.Services.GetRequiredService<Sources.SourceCatalog>();
        var (read, _) = await harness.Crawler.CrawlAsync((await source.FindAsync("hot-forum", CancellationToken.None))!.Definition, CrawlCursor.Empty(), null, CancellationToken.None);
        await index.UpsertAsync(read, CancellationToken.None); // what the pipeline does after the intake
        var hot = read.Single(m => m.ExternalId == "1");
        _server.HotListShowsThread = false; // the thread scrolled off the list: only a revisit reads it again
        _server.HotLikes = 250;

        var second = await runner.RunAsync("hot-forum", CancellationToken.None);

        second!.NewItems.ShouldBe(0);
        second.PagesRevisited.ShouldBe(1);
        second.EngagementUpdates.ShouldBe(1);
        (await index.GetAsync(hot.Id, CancellationToken.None))!.Engagement.Likes.ShouldBe(250);
        (await index.GetAsync(hot.Id, CancellationToken.None))!.Text.ShouldBe(hot.Text);
        (await index.GetAsync(read.Single(m => m.ExternalId == "2").Id, CancellationToken.None))!.Engagement.Likes.ShouldBe(3);

        var third = await runner.RunAsync("hot-forum", CancellationToken.None); // grew last time: read once more, no growth now
        var fourth = await runner.RunAsync("hot-forum", CancellationToken.None); // stopped growing: not read again

        third!.PagesRevisited.ShouldBe(1);
        third.EngagementUpdates.ShouldBe(0);
        fourth!.PagesRevisited.ShouldBe(0);
        _server.Hits("/hot/thread/1").ShouldBe(4); // run 1, the test's own read, the revisits of runs 2 and 3
        await using var db = await harness.Services.GetRequiredService<IDbContextFactory<CrawlStateDbContext>>().CreateDbContextAsync();
        (await db.HotPosts.SingleAsync(h => h.MentionId == hot.Id)).Likes.ShouldBe(250);
        (await db.HotPosts.CountAsync(h => h.Growing)).ShouldBe(0);
    }

    // A revisited page past the parse deadline was not read: its posts are not "gone from the page", so they are still followed
    // (before the fix the skipped page read as empty and every post on it stopped being followed, with no error reported).
    [Fact]
    public async Task A_revisited_page_past_the_parse_deadline_does_not_stop_following_its_posts()
    {
        using var harness = Harness(maxParseTime: "00:00:01");
        await harness.MigrateAsync();
        var runner = harness.Services.GetRequiredService<CrawlRunner>();
        var index = harness.Services.GetRequiredService<IMentionIndex>();
        (await runner.RunAsync("hot-forum", CancellationToken.None))!.NewItems.ShouldBe(2);
        var source = harness.Services.GetRequiredService<Sources.SourceCatalog>();
        var (read, _) = await harness.Crawler.CrawlAsync((await source.FindAsync("hot-forum", CancellationToken.None))!.Definition, CrawlCursor.Empty(), null, CancellationToken.None);
        await index.UpsertAsync(read, CancellationToken.None);
        _server.HotListShowsThread = false;

        _server.HotThreadNesting = 80_000; // one slow read: tens of seconds to parse, past the 1 s deadline
        var second = await runner.RunAsync("hot-forum", CancellationToken.None);
        second!.EngagementUpdates.ShouldBe(0);
        await using (var db = await harness.Services.GetRequiredService<IDbContextFactory<CrawlStateDbContext>>().CreateDbContextAsync())
        {
            (await db.HotPosts.CountAsync(h => h.Growing)).ShouldBe(2, "still followed: the page was not read, not found empty");
        }

        _server.HotThreadNesting = 0;
        _server.HotLikes = 250;
        var third = await runner.RunAsync("hot-forum", CancellationToken.None);
        third!.PagesRevisited.ShouldBe(1);
        third.EngagementUpdates.ShouldBe(1);
        (await index.GetAsync(read.Single(m => m.ExternalId == "1").Id, CancellationToken.None))!.Engagement.Likes.ShouldBe(250);
    }

    [Fact]
    public async Task APostIsNotReadAgainBeforeTheRevisitIntervalHasPassed()
    {
        using var harness = Harness(every: "00:30:00");
        await harness.MigrateAsync();
        var runner = harness.Services.GetRequiredService<CrawlRunner>();
        await runner.RunAsync("hot-forum", CancellationToken.None);
        _server.HotListShowsThread = false;

        var second = await runner.RunAsync("hot-forum", CancellationToken.None);

        second!.PagesRevisited.ShouldBe(0);
        _server.Hits("/hot/thread/1").ShouldBe(1);
    }

    [Fact]
    public async Task ACountThatGrowsOnAPageTheRunReadsAnywayIsUpdatedWithoutAnExtraRequest()
    {
        using var harness = Harness(every: "01:00:00");
        await harness.MigrateAsync();
        var runner = harness.Services.GetRequiredService<CrawlRunner>();
        await runner.RunAsync("hot-forum", CancellationToken.None);
        var (read, _) = await harness.Crawler.CrawlAsync((await harness.Services.GetRequiredService<Sources.SourceCatalog>().FindAsync("hot-forum", CancellationToken.None))!.Definition, CrawlCursor.Empty(), null, CancellationToken.None);
        await harness.Services.GetRequiredService<IMentionIndex>().UpsertAsync(read, CancellationToken.None);
        _server.HotLikes = 40;

        var second = await runner.RunAsync("hot-forum", CancellationToken.None);

        second!.EngagementUpdates.ShouldBe(1);
        second.PagesRevisited.ShouldBe(0);
        (await harness.Services.GetRequiredService<IMentionIndex>().GetAsync(read.Single(m => m.ExternalId == "1").Id, CancellationToken.None))!.Engagement.Likes.ShouldBe(40);
    }
}
