using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using SentimentWatch.Core.Crawling;
using SentimentWatch.Crawling.Scheduling;
using Shouldly;

namespace SentimentWatch.Crawling.Tests;

public sealed class SchedulingTests : IAsyncLifetime
{
    private FixtureServer _server = null!;

    public async Task InitializeAsync() => _server = await FixtureServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EachEnabledSourceGetsOneNonOverlappingJobThatRunsOnItsSchedule()
    {
        using var harness = new CrawlerHarness(new Dictionary<string, string?>
        {
            ["Crawling:Sources:0:Id"] = "news-rss",
            ["Crawling:Sources:0:Kind"] = "rss",
            ["Crawling:Sources:0:Urls:0"] = _server.Url("/feeds/rss.xml"),
            ["Crawling:Sources:0:Interval"] = "00:00:01",
            ["Crawling:Sources:1:Id"] = "switched-off",
            ["Crawling:Sources:1:Kind"] = "rss",
            ["Crawling:Sources:1:Enabled"] = "false",
            ["Crawling:Sources:1:Urls:0"] = _server.Url("/feeds/atom.xml"),
            ["Crawling:Sources:2:Id"] = "cron-feed",
            ["Crawling:Sources:2:Kind"] = "atom",
            ["Crawling:Sources:2:Urls:0"] = _server.Url("/feeds/atom.xml"),
            ["Crawling:Sources:2:Cron"] = "0 0 3 * * ?",
        });

        await harness.Host.StartAsync();
        var scheduler = await harness.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var jobs = await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(CrawlSourceJob.Group));
        jobs.Select(j => j.Name).Order().ShouldBe(["cron-feed", "news-rss"]);
        var detail = await scheduler.GetJobDetail(new JobKey("news-rss", CrawlSourceJob.Group));
        detail!.ConcurrentExecutionDisallowed.ShouldBeTrue();
        var cronTrigger = (ICronTrigger)(await scheduler.GetTrigger(new TriggerKey("cron-feed-trigger", CrawlSourceJob.Group)))!;
        cronTrigger.MisfireInstruction.ShouldBe(CronTriggerMisfireInstruction.FireAndProceed);

        var reader = harness.Services.GetRequiredService<ISourceHealthReader>();
        SourceHealth? feed = null;
        for (var i = 0; i < 100 && feed?.NotModified is not > 0; i++)
        {
            await Task.Delay(100);
            feed = (await reader.ListAsync(CancellationToken.None)).Single(h => h.SourceId == "news-rss");
        }

        await harness.Host.StopAsync();
        feed!.TotalItemsFound.ShouldBe(2);
        feed.NotModified.ShouldBeGreaterThan(0); // it ran again, and the second run cost a 304
        _server.HitsStartingWith("/feeds/atom.xml").ShouldBe(0); // disabled; the cron one is not due
    }
}
