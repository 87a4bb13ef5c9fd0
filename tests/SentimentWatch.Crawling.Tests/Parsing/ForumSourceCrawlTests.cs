using SentimentWatch.Core.Mentions;
using SentimentWatch.Crawling.State;
using Shouldly;

namespace SentimentWatch.Crawling.Tests.Parsing;

public sealed class ForumSourceCrawlTests : IAsyncLifetime
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

    [Fact]
    public async Task DiscuzGbkListAndThreadPagesYieldEveryPostFieldByField()
    {
        var (mentions, report) = await _harness.Crawler.CrawlAsync(CrawlerHarness.Discuz(_server.Base), CrawlCursor.Empty(), null, CancellationToken.None);

        mentions.Select(m => m.ExternalId).ShouldBe(["1001", "1002", "1011", "1020"]);
        var first = mentions[0];
        first.Author.ShouldBe("张三丰");
        first.Title.ShouldBe("星河X9手机充电发烫，售后推来推去");
        first.PublishedAt.ShouldBe(new DateTimeOffset(2026, 11, 20, 14, 3, 0, TimeSpan.FromHours(8)));
        first.Text.ShouldBe("上周买的星河X9，充电的时候烫得根本拿不住，充到80%就开始发烫。\n打客服电话说让我去门店，门店又说要寄回厂家，推来推去一个星期了！");
        first.Engagement.Replies.ShouldBe(12);
        first.Url.ShouldBe(_server.Base + "/discuz/forum.php?mod=viewthread&tid=101&extra=page%3D1#pid1001");
        first.Language.ShouldBe("zh");
        first.Id.ShouldBe(MentionId.For("discuz-x9", "1001", null));

        var reply = mentions[1];
        reply.Author.ShouldBe("李四");
        reply.Text.ShouldBe("我的也是，电池鼓包了，客服只会说“已反馈”。"); // the quote of post 1001 is gone
        reply.PublishedAt.ShouldBe(new DateTimeOffset(2026, 11, 23, 8, 15, 0, TimeSpan.FromHours(8))); // from span@title, not "3 小时前"
        reply.ThreadId.ShouldBe(first.ThreadId);

        mentions[2].Text.ShouldBe("已经向12315投诉了，大家一起维权吧"); // page 2 of the thread, signature not included
        mentions[2].Author.ShouldBe("赵六");
        mentions[3].Text.ShouldBe("夜景模式很惊艳，比上一代强太多。\n附上样张");

        report.PagesFetched.ShouldBe(4);
        _server.HitsStartingWith("/discuz/forum.php?mod=viewthread&tid=99").ShouldBe(0); // the sticky rules thread is not selected
        _server.Requests.Where(r => r.PathAndQuery.StartsWith("/discuz/", StringComparison.Ordinal))
            .GroupBy(r => r.PathAndQuery).ShouldAllBe(g => g.Count() == 1);
    }

    [Fact]
    public async Task PhpBbTopicFollowsRelNextAndStripsQuotesAndSignatures()
    {
        var (mentions, _) = await _harness.Crawler.CrawlAsync(CrawlerHarness.PhpBb(_server.Base), CrawlCursor.Empty(), null, CancellationToken.None);

        mentions.Select(m => m.ExternalId).ShouldBe(["1234", "1240", "1301"]);
        mentions[0].Author.ShouldBe("alice_w");
        mentions[0].Text.ShouldBe("Since the 2.1 update my X9 loses 40% overnight.\nSupport told me to factory reset. That did nothing.");
        mentions[0].PublishedAt.ShouldBe(new DateTimeOffset(2026, 11, 20, 6, 3, 0, TimeSpan.Zero));
        mentions[0].Url.ShouldBe(_server.Base + "/phpbb/viewtopic.php?p=1234#p1234");
        mentions[0].Title.ShouldBe("Battery drains overnight on the X9");
        mentions[1].Author.ShouldBe("Moderator Bob");
        mentions[1].Text.ShouldBe("Known issue with background sync in 2.1; a fix ships in 2.1.1.");
        mentions[2].Author.ShouldBe("carl");
        mentions[2].ThreadId.ShouldBe(mentions[0].ThreadId);
        _server.Hits("/phpbb/viewtopic.php?t=55&start=10").ShouldBe(1);
    }

    [Fact]
    public async Task PhpBbForumListPagesArePaginatedAndEachTopicIsReadOnceEvenWhenListedTwice()
    {
        var source = CrawlerHarness.PhpBb(_server.Base);
        source.Urls = [_server.Url("/phpbb/viewforum.php?f=3")];
        source.Selectors!.ThreadLink = "div.forumbg:not(.announcement) a.topictitle";
        source.Selectors.ThreadReplies = "div.forumbg:not(.announcement) dd.posts";
        source.Selectors.ListNextPage = "a[rel=next]";

        var (mentions, report) = await _harness.Crawler.CrawlAsync(source, CrawlCursor.Empty(), null, CancellationToken.None);

        mentions.Select(m => m.ExternalId).ShouldBe(["1234", "1240", "1301"]);
        mentions[0].Engagement.Replies.ShouldBe(2); // from the list page
        _server.Hits("/phpbb/viewforum.php?f=3&start=25").ShouldBe(1);
        _server.Hits("/phpbb/viewtopic.php?t=55").ShouldBe(1);
        _server.Hits("/phpbb/viewtopic.php?t=1").ShouldBe(0); // the announcement block is excluded by the selector
        report.ErrorsByKind["http_4xx"].ShouldBe(1); // topic 56 is gone: counted, and the run goes on
        report.Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task DiscourseCrawlerViewReadsItempropFieldsAndSkipsTheNavigationBlock()
    {
        var (mentions, report) = await _harness.Crawler.CrawlAsync(CrawlerHarness.Discourse(_server.Base), CrawlCursor.Empty(), null, CancellationToken.None);

        mentions.Count.ShouldBe(2);
        mentions[0].Author.ShouldBe("carol");
        mentions[0].Text.ShouldBe("Since the 3.2 update the screen flickers at low brightness. Anyone else?");
        mentions[0].Engagement.Likes.ShouldBe(5);
        mentions[0].PublishedAt.ShouldBe(new DateTimeOffset(2026, 11, 19, 22, 10, 0, TimeSpan.Zero));
        mentions[1].Author.ShouldBe("dave");
        mentions[1].Text.ShouldBe("Same here on two devices. Rolling back fixed it for me.");
        mentions[1].ExternalId.ShouldEndWith("#2");
        mentions[1].Engagement.Likes.ShouldBe(2);
        report.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task TiebaThreadReadsFloorsAndSkipsTheEmptyAdvertFloorWithAReason()
    {
        var (mentions, report) = await _harness.Crawler.CrawlAsync(CrawlerHarness.Tieba(_server.Base), CrawlCursor.Empty(), null, CancellationToken.None);

        mentions.Select(m => m.ExternalId).ShouldBe(["140001", "140002"]);
        mentions[0].Author.ShouldBe("小明同学");
        mentions[0].Text.ShouldBe("新买的X9屏幕一直闪，亮度调低就闪得更厉害\n有没有人知道怎么解决");
        mentions[0].Title.ShouldBe("X9屏幕闪烁怎么办");
        mentions[0].PublishedAt.ShouldBe(new DateTimeOffset(2026, 11, 21, 9, 30, 0, TimeSpan.FromHours(8)));
        mentions[1].Author.ShouldBe("老王");
        report.ErrorsByKind["parse"].ShouldBe(1);
        report.Errors.ShouldContain(e => e.Contains("post 3", StringComparison.Ordinal) && e.Contains("found no text", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MalformedHtmlIsParsedAsABrowserWould()
    {
        var source = CrawlerHarness.Simple("broken", _server.Url("/broken.html"));
        var (mentions, _) = await _harness.Crawler.CrawlAsync(source, CrawlCursor.Empty(), null, CancellationToken.None);

        mentions.Select(m => m.ExternalId).ShouldBe(["1", "2", "3"]);
        mentions[1].Author.ShouldBe("ben");
        mentions[1].Text.ShouldBe("Second post & so on\npara\nanother para");
        mentions[2].Text.ShouldBe("Inside a table by mistake");
    }

    // A page of 80,000 nested elements would hold the crawl for tens of seconds in the parser; past MaxParseTime it is reported
    // as a parse error and skipped, and the source's other page is read as usual.
    [Fact]
    public async Task A_page_that_does_not_parse_in_time_is_reported_and_skipped_and_the_sources_other_pages_are_read()
    {
        using var harness = new CrawlerHarness(new Dictionary<string, string?> { ["Crawling:Politeness:MaxParseTime"] = "00:00:05" });
        var source = CrawlerHarness.Simple("deep", _server.Url("/broken.html"), _server.Url("/deep.html"));
        var (mentions, report) = await harness.Crawler.CrawlAsync(source, CrawlCursor.Empty(), null, CancellationToken.None);

        mentions.Select(m => m.ExternalId).ShouldBe(["1", "2", "3"]);
        report.ErrorsByKind["parse"].ShouldBe(1, "only the deadline is reported, not the selectors that found nothing on an empty page");
        report.Errors.ShouldContain(e => e.Contains("/deep.html did not parse within 00:00:05", StringComparison.Ordinal));
    }

    // A page skipped for the deadline was not read: its validators must not make the next run take a 304 for it (before the
    // fix the ETag was recorded at the fetch, so the page was never read again while it did not change).
    [Fact]
    public async Task A_page_skipped_for_the_deadline_is_fetched_whole_next_run_not_taken_as_unchanged()
    {
        using var harness = new CrawlerHarness(new Dictionary<string, string?> { ["Crawling:Politeness:MaxParseTime"] = "00:00:01" });
        var source = CrawlerHarness.Simple("deep-etag", _server.Url("/etag-deep.html"));
        var cursor = CrawlCursor.Empty();

        var (first, firstReport) = await harness.Crawler.CrawlAsync(source, cursor, null, CancellationToken.None);
        first.ShouldBeEmpty();
        firstReport.ErrorsByKind["parse"].ShouldBe(1);
        cursor.NewValidators.ShouldBeEmpty("a page that was not read is not recorded as seen at its version");

        var (_, secondReport) = await harness.Crawler.CrawlAsync(source, cursor, null, CancellationToken.None);
        secondReport.NotModified.ShouldBe(0);
        secondReport.PagesFetched.ShouldBe(1);
        _server.Requests.Where(r => r.PathAndQuery == "/etag-deep.html").Select(r => r.IfNoneMatch ?? "").ShouldAllBe(v => v == "");
    }

    [Fact]
    public async Task PostsWithoutIdOrPermalinkStillGetDistinctStableIds()
    {
        var source = CrawlerHarness.Simple("no-ids", _server.Url("/broken.html"));
        source.Selectors!.PostId = null;

        var (first, _) = await _harness.Crawler.CrawlAsync(source, CrawlCursor.Empty(), null, CancellationToken.None);
        var (again, _) = await _harness.Crawler.CrawlAsync(source, CrawlCursor.Empty(), null, CancellationToken.None);

        first.Count.ShouldBe(3);
        first.Select(m => m.Id).Distinct().Count().ShouldBe(3);
        again.Select(m => m.Id).ShouldBe(first.Select(m => m.Id));
        first.ShouldAllBe(m => m.Url == _server.Url("/broken.html"));
    }

    [Fact]
    public async Task GbkPagesDecodeWhetherTheCharsetIsWrongOrMissing()
    {
        var source = CrawlerHarness.Simple("charsets", _server.Url("/wrong-charset"), _server.Url("/no-charset"));
        var (mentions, _) = await _harness.Crawler.CrawlAsync(source, CrawlCursor.Empty(), null, CancellationToken.None);

        mentions.Select(m => m.Text).ShouldBe(["售后服务太差了", "电池鼓包，要求退货"]);
    }
}
