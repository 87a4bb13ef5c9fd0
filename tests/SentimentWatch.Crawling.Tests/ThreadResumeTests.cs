using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Crawling.State;
using SentimentWatch.Testing;
using Shouldly;

namespace SentimentWatch.Crawling.Tests;

/// <summary>
/// Paged threads are read again from where the last run stopped (issue 18 item 4, decision 171), over
/// real parts: the fixture site on 127.0.0.1 serving a thread that grows between runs, the runner, the
/// ledger intake and the SQLite state store on disk (PostgreSQL where the test says so).
/// </summary>
public sealed class ThreadResumeTests : IAsyncLifetime
{
    private FixtureServer _server = null!;

    public async Task InitializeAsync() => _server = await FixtureServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Dictionary<string, string?> Settings(bool listReplies = false, bool resume = true)
    {
        var settings = new Dictionary<string, string?>
        {
            // Hot-post revisits read pages of their own; they are not what these tests count.
            ["Crawling:Revisits:Enabled"] = "false",
            ["Crawling:Sources:0:Id"] = "growing",
            ["Crawling:Sources:0:Kind"] = "html",
            ["Crawling:Sources:0:Urls:0"] = _server.Url("/growing/list"),
            ["Crawling:Sources:0:Interval"] = "00:10:00",
            ["Crawling:Sources:0:MaxPages"] = "10",
            ["Crawling:Sources:0:ResumeThreads"] = resume ? "true" : "false",
            ["Crawling:Sources:0:Selectors:ThreadLink"] = "a.thread",
            ["Crawling:Sources:0:Selectors:Post"] = "div.post",
            ["Crawling:Sources:0:Selectors:PostId"] = "@id",
            ["Crawling:Sources:0:Selectors:Author"] = "span.who",
            ["Crawling:Sources:0:Selectors:Time"] = "time@datetime",
            ["Crawling:Sources:0:Selectors:Text"] = "div.content",
            ["Crawling:Sources:0:Selectors:NextPage"] = "div.pg a.nxt",
        };
        if (listReplies)
        {
            settings["Crawling:Sources:0:Selectors:ThreadReplies"] = "td.num";
        }

        return settings;
    }

    /// <summary>The thread pages requested since <paramref name="skip"/> requests, as "page N".</summary>
    private List<string> ThreadPagesRequested(int skip) => _server.Requests.Skip(skip)
        .Where(r => r.PathAndQuery.StartsWith("/growing/thread", StringComparison.Ordinal))
        .Select(r => "page " + (r.PathAndQuery.Split("page=") is [_, var n] ? n : "1"))
        .ToList();

    private async Task<(CrawlReport Report, List<string> Pages)> RunAsync(CrawlerHarness harness)
    {
        var before = _server.Requests.Count;
        var report = await harness.Services.GetRequiredService<CrawlRunner>().RunAsync("growing", CancellationToken.None);
        report.ShouldNotBeNull();
        report.Succeeded.ShouldBeTrue(report.FatalError);
        return (report, ThreadPagesRequested(before));
    }

    private static async Task<List<string>> LedgerTextsAsync(CrawlerHarness harness)
    {
        await using var ledger = await harness.Services.GetRequiredService<IDbContextFactory<Storage.Mentions.MentionLedgerDbContext>>().CreateDbContextAsync();
        return await ledger.Mentions.Where(m => m.Source == "growing").Select(m => m.Text).ToListAsync();
    }

    [Fact]
    public async Task ASecondRunOfAGrownThreadFetchesOnlyTheLastPageReadAndThePagesAfterItAndYieldsExactlyTheNewFloors()
    {
        using var harness = new CrawlerHarness(Settings());
        await harness.MigrateAsync();
        var (first, firstPages) = await RunAsync(harness);
        first.NewItems.ShouldBe(7);
        firstPages.ShouldBe(["page 1", "page 2", "page 3"]);
        _server.GrowingFloors = 11; // floors 8 and 9 land on page 3, 10 and 11 on a new page 4

        var (second, secondPages) = await RunAsync(harness);

        secondPages.ShouldBe(["page 3", "page 4"]);
        second.NewItems.ShouldBe(4);
        second.ThreadsResumed.ShouldBe(1);
        (await LedgerTextsAsync(harness)).Count.ShouldBe(11);
        (await LedgerTextsAsync(harness)).ShouldContain("11 楼：有没有人投诉成功的");

        var (third, thirdPages) = await RunAsync(harness); // nothing new: the last page only

        thirdPages.ShouldBe(["page 4"]);
        third.NewItems.ShouldBe(0);
    }

    [Fact]
    public async Task TheThreadPositionSurvivesARestartOfTheWorkerOnTheSameStateDatabase()
    {
        var data = Path.Combine(Path.GetTempPath(), "sw-crawl-restart-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var before = new CrawlerHarness(Settings(), dataDirectory: data))
            {
                await before.MigrateAsync();
                (await RunAsync(before)).Report.NewItems.ShouldBe(7);
            }

            _server.GrowingFloors = 9;
            using var after = new CrawlerHarness(Settings(), dataDirectory: data);
            await after.MigrateAsync();

            var (report, pages) = await RunAsync(after);

            pages.ShouldBe(["page 3"]);
            report.NewItems.ShouldBe(2);
            File.Exists(Path.Combine(data, "state.db")).ShouldBeTrue("the position lives in the SQLite file, not in memory");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task OnPostgreSqlAWorkerResumesTheThreadWhereAnotherWorkerStopped()
    {
        // Twenty characters: PostgresTestServer's database names (see ClusteredScheduleTests).
        await using var database = await PostgresTestServer.CreateDatabaseAsync("threadpositionsworkr");
        Dictionary<string, string?> OnPostgreSql()
        {
            var settings = Settings();
            settings["Storage:Provider"] = "postgresql";
            settings["Storage:ConnectionString"] = database.ConnectionString;
            return settings;
        }

        using var first = new CrawlerHarness(OnPostgreSql());
        using var second = new CrawlerHarness(OnPostgreSql());
        await first.MigrateAsync();
        (await RunAsync(first)).Report.NewItems.ShouldBe(7);
        _server.GrowingFloors = 10;

        var (report, pages) = await RunAsync(second);

        pages.ShouldBe(["page 3", "page 4"]);
        report.NewItems.ShouldBe(3);
        report.ThreadsResumed.ShouldBe(1);
    }

    [Fact]
    public async Task AThreadReadToItsEndWhoseListReplyCountHasNotMovedIsNotFetchedAndItsFirstPostStillShowsTheListCount()
    {
        using var harness = new CrawlerHarness(Settings(listReplies: true));
        await harness.MigrateAsync();
        var (first, _) = await RunAsync(harness);
        var opener = first.Observed.First();

        var (unchanged, unchangedPages) = await RunAsync(harness);

        unchangedPages.ShouldBeEmpty();
        unchanged.ThreadsUnchanged.ShouldBe(1);
        unchanged.Observed.ShouldHaveSingleItem().MentionId.ShouldBe(opener.MentionId);

        _server.GrowingFloors = 8;
        var (grown, grownPages) = await RunAsync(harness);

        grownPages.ShouldBe(["page 3"]);
        grown.NewItems.ShouldBe(1);
        grown.Observed.Single(o => o.MentionId == opener.MentionId).Engagement.Replies.ShouldBe(7, "the opener's replies come from the list page even though page 1 was not read");
    }

    [Fact]
    public async Task AThreadRepliesSelectorThatReadsNothingNeverSkipsTheThread()
    {
        var settings = Settings(listReplies: true);
        settings["Crawling:Sources:0:Selectors:ThreadReplies"] = "td.no-such-count";
        using var harness = new CrawlerHarness(settings);
        await harness.MigrateAsync();
        await RunAsync(harness);
        _server.GrowingFloors = 8;

        var (report, pages) = await RunAsync(harness);

        pages.ShouldBe(["page 3"]);
        report.NewItems.ShouldBe(1);
        report.ThreadsUnchanged.ShouldBe(0);
    }

    [Fact]
    public async Task AThreadWhoseRememberedPageIsGoneIsReadFromPageOneAgain()
    {
        using var harness = new CrawlerHarness(Settings());
        await harness.MigrateAsync();
        await RunAsync(harness);
        _server.GrowingFloors = 4; // posts deleted: page 3 answers 404

        var (report, pages) = await RunAsync(harness);

        pages.ShouldBe(["page 3", "page 1", "page 2"]);
        report.NewItems.ShouldBe(0);
        _server.GrowingFloors = 6;
        (await RunAsync(harness)).Pages.ShouldBe(["page 2"], "the position is page 2 now");
    }

    [Fact]
    public async Task AThreadThatWasRePagedIsReadFromPageOneWithoutFetchingTheRememberedPageTwice()
    {
        using var harness = new CrawlerHarness(Settings());
        await harness.MigrateAsync();
        await RunAsync(harness); // 7 floors, 3 a page: stopped on page 3 at floor 7
        (_server.GrowingFloors, _server.GrowingPerPage) = (12, 5); // page 3 now shows floors 11 and 12 only

        var (report, pages) = await RunAsync(harness);

        pages.ShouldBe(["page 3", "page 1", "page 2"]);
        report.NewItems.ShouldBe(5);
        (await LedgerTextsAsync(harness)).Count.ShouldBe(12);
    }

    [Fact]
    public async Task ASourceThatDoesNotResumeThreadsReadsEveryThreadFromPageOne()
    {
        using var harness = new CrawlerHarness(Settings(resume: false));
        await harness.MigrateAsync();
        await RunAsync(harness);
        _server.GrowingFloors = 8;

        var (report, pages) = await RunAsync(harness);

        pages.ShouldBe(["page 1", "page 2", "page 3"]);
        report.NewItems.ShouldBe(1);
        report.ThreadsResumed.ShouldBe(0);
    }
}
