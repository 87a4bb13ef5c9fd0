using SentimentWatch.Crawling.Sources;
using SentimentWatch.Crawling.State;
using Shouldly;

namespace SentimentWatch.Crawling.Tests.Parsing;

public sealed class FeedAndJsonCrawlTests : IAsyncLifetime
{
    private FixtureServer _server = null!;
    private CrawlerHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _server = await FixtureServer.StartAsync();
        _harness = new CrawlerHarness();
    }

    public async Task DisposeAsync()
    {
        _harness.Dispose();
        await _server.DisposeAsync();
    }

    private CrawlSource Rss() => new() { Id = "news-rss", Kind = SourceKind.Rss, Urls = [_server.Url("/feeds/rss.xml")] };

    [Fact]
    public async Task RssEntriesCarryTitleTextAuthorLinkAndDate()
    {
        var (mentions, _) = await _harness.Crawler.CrawlAsync(Rss(), CrawlCursor.Empty(), null, CancellationToken.None);

        mentions.Count.ShouldBe(2);
        mentions[0].Title.ShouldBe("Galaxy River X9 recall rumours grow");
        mentions[0].Text.ShouldBe("Owners report overheating while charging.\nThe maker has not commented.");
        mentions[0].Author.ShouldBe("Jane Reporter");
        mentions[0].ExternalId.ShouldBe("news-20261123-001");
        mentions[0].PublishedAt.ShouldBe(new DateTimeOffset(2026, 11, 23, 7, 30, 0, TimeSpan.Zero));
        mentions[0].Engagement.Replies.ShouldBe(17);
        mentions[1].Url.ShouldBe(_server.Base + "/news/x9-firmware-211"); // relative link resolved
        mentions[1].Author.ShouldBe("编辑部"); // the name from "mail (name)", not the address
        mentions[1].Text.ShouldBe("修复了后台同步耗电问题。"); // content:encoded preferred over description
        mentions[1].PublishedAt.ShouldBe(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.FromHours(8)));
    }

    [Fact]
    public async Task AnUnchangedFeedCostsOne304TheSecondTime()
    {
        var cursor = CrawlCursor.Empty();
        var (first, _) = await _harness.Crawler.CrawlAsync(Rss(), cursor, null, CancellationToken.None);
        var (second, report) = await _harness.Crawler.CrawlAsync(Rss(), new CrawlCursor(cursor.NewValidators, cursor.NewItems), null, CancellationToken.None);

        first.Count.ShouldBe(2);
        second.ShouldBeEmpty();
        report.NotModified.ShouldBe(1);
        report.PagesFetched.ShouldBe(0);
        report.Succeeded.ShouldBeTrue();
        _server.Requests.Where(r => r.PathAndQuery == "/feeds/rss.xml").Select(r => r.IfNoneMatch).ShouldBe(["", FixtureServer.FeedETag]);
    }

    [Fact]
    public async Task AMalformedAtomFeedLosesOnlyItsBrokenEntry()
    {
        var source = new CrawlSource { Id = "blog-atom", Kind = SourceKind.Atom, Urls = [_server.Url("/feeds/atom.xml")] };
        var (mentions, report) = await _harness.Crawler.CrawlAsync(source, CrawlCursor.Empty(), null, CancellationToken.None);

        mentions.Select(m => m.ExternalId).ShouldBe(["tag:blog.example,2026:x9-review", "tag:blog.example,2026:battery-tips"]);
        mentions[0].Title.ShouldBe("X9 review: fast & hot");
        mentions[0].Author.ShouldBe("Mark Lee");
        mentions[0].Text.ShouldBe("Great camera, but it gets hot — really hot.");
        mentions[0].Url.ShouldBe(_server.Base + "/blog/x9-review");
        mentions[0].PublishedAt.ShouldBe(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.FromHours(8)));
        mentions[1].Text.ShouldBe("Keep it between 20% and 80%.");
        report.ErrorsByKind["parse"].ShouldBe(1);
    }

    [Fact]
    public async Task JsonTimelineFollowsTheCursorAndMapsConfiguredPaths()
    {
        var source = new CrawlSource
        {
            Id = "weibo-like",
            Kind = SourceKind.Json,
            Urls = [_server.Url("/api/timeline?q=x9")],
            Json = new JsonPaths
            {
                Items = "data.statuses", Id = "id", Text = "text", Author = "user.screen_name", PublishedAt = "created_at",
                Reach = "user.followers_count", Replies = "comments_count", Likes = "attitudes_count", Shares = "reposts_count",
                UrlTemplate = "/status/{id}", NextCursor = "data.next_cursor", CursorParameter = "max_id",
            },
        };
        var (mentions, report) = await _harness.Crawler.CrawlAsync(source, CrawlCursor.Empty(), null, CancellationToken.None);

        mentions.Select(m => m.ExternalId).ShouldBe(["9003", "9002", "8999"]);
        mentions[0].Author.ShouldBe("数码小李");
        mentions[0].PublishedAt.ShouldBe(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(8)));
        mentions[0].Engagement.ShouldBe(new SentimentWatch.Core.Mentions.Engagement(12000, 31, 9, 4));
        mentions[0].Url.ShouldBe(_server.Base + "/status/9003");
        mentions[1].PublishedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1795395600));
        mentions[2].PublishedAt.ShouldBe(new DateTimeOffset(2026, 11, 22, 20, 0, 0, TimeSpan.FromHours(8)));
        report.ErrorsByKind["parse"].ShouldBe(1); // the item without text
        _server.Hits("/api/timeline?q=x9&max_id=9001").ShouldBe(1);
    }
}
