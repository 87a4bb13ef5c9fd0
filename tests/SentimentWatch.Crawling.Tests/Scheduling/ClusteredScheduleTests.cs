using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using SentimentWatch.Crawling.Scheduling;
using SentimentWatch.Testing;
using Shouldly;

namespace SentimentWatch.Crawling.Tests.Scheduling;

/// <summary>
/// Two crawl workers (two hosts built by <c>AddStorage</c> + <c>AddCrawling</c>, as the service
/// builds them) on one real PostgreSQL database: Quartz's clustered store (decision 145). The
/// source is a feed on the fixture server fired every second; each worker's scheduler reports the
/// fires it ran, keyed by trigger and scheduled fire time.
/// </summary>
public sealed class ClusteredScheduleTests : IAsyncLifetime
{
    private FixtureServer _server = null!;
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _server = await FixtureServer.StartAsync();
        // Twenty characters: PostgresTestServer cuts names at 56 and fails on shorter ones (reported).
        _database = await PostgresTestServer.CreateDatabaseAsync("quartzclusteredstore");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task TwoWorkersOnOneDatabase_RunEachFireOfASourceExactlyOnce()
    {
        var fires = new FireLog();
        using var first = Worker();
        using var second = Worker();

        // Started together: both provision Quartz's schema on the empty database at once.
        await Task.WhenAll(first.Host.StartAsync(), second.Host.StartAsync());
        await fires.ListenTo(first);
        await fires.ListenTo(second);

        await fires.WaitForAsync(count: 5, TimeSpan.FromSeconds(30));
        var metadata = await (await SchedulerOf(first)).GetMetadata();
        var otherInstance = (await SchedulerOf(second)).SchedulerInstanceId;
        await Task.WhenAll(first.Host.StopAsync(), second.Host.StopAsync());

        var runs = fires.Runs.ToList();
        runs.Count.ShouldBeGreaterThanOrEqualTo(5);
        runs.GroupBy(r => (r.Trigger, r.ScheduledAt)).ShouldAllBe(g => g.Count() == 1, "a fire ran on both workers");
        runs.Select(r => r.Instance).Distinct().Count().ShouldBeLessThanOrEqualTo(2);

        // Both schedulers belong to one cluster, keyed by one scheduler name.
        metadata.SchedulerName.ShouldBe(CrawlScheduleStore.SchedulerName);
        metadata.JobStoreClustered.ShouldBeTrue();
        metadata.JobStorePersistent.ShouldBeTrue();
        metadata.SchedulerInstanceId.ShouldNotBe(otherInstance);
    }

    [Fact]
    public async Task AStoppedWorker_LeavesItsSourceFiringOnTheOther()
    {
        var fires = new FireLog();
        using var first = Worker();
        using var second = Worker();
        await first.Host.StartAsync();
        await second.Host.StartAsync();
        await fires.ListenTo(first);
        await fires.ListenTo(second);
        await fires.WaitForAsync(count: 1, TimeSpan.FromSeconds(30));
        var survivor = (await SchedulerOf(second)).SchedulerInstanceId;

        await first.Host.StopAsync();
        var stoppedAt = DateTimeOffset.UtcNow;
        var before = fires.Runs.Count;
        await fires.WaitForAsync(count: before + 3, TimeSpan.FromSeconds(30));
        await second.Host.StopAsync();

        var after = fires.Runs.Where(r => r.StartedAt > stoppedAt).ToList();
        after.Count.ShouldBeGreaterThanOrEqualTo(3);
        after.ShouldAllBe(r => r.Instance == survivor);
        fires.Runs.GroupBy(r => (r.Trigger, r.ScheduledAt)).ShouldAllBe(g => g.Count() == 1);
    }

    [Fact]
    public async Task OnSqlite_TheScheduleStaysInMemory()
    {
        using var worker = new CrawlerHarness(Source());
        await worker.Host.StartAsync();
        var scheduler = await SchedulerOf(worker);
        var metadata = await scheduler.GetMetadata();
        await worker.Host.StopAsync();

        metadata.JobStoreClustered.ShouldBeFalse();
        metadata.JobStorePersistent.ShouldBeFalse();
    }

    private CrawlerHarness Worker()
    {
        var settings = Source();
        settings["Storage:Provider"] = "postgresql";
        settings["Storage:ConnectionString"] = _database.ConnectionString;
        settings["Crawling:ClusterCheckinInterval"] = "00:00:01";
        return new CrawlerHarness(settings);
    }

    private Dictionary<string, string?> Source() => new()
    {
        ["Crawling:Sources:0:Id"] = "news-rss",
        ["Crawling:Sources:0:Kind"] = "rss",
        ["Crawling:Sources:0:Urls:0"] = _server.Url("/feeds/rss.xml"),
        ["Crawling:Sources:0:Interval"] = "00:00:01",
    };

    private static async Task<IScheduler> SchedulerOf(CrawlerHarness worker) =>
        await worker.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

    private sealed record Run(string Trigger, DateTimeOffset? ScheduledAt, string Instance, DateTimeOffset StartedAt);

    /// <summary>Every crawl fire either worker ran, from a job listener on each scheduler.</summary>
    private sealed class FireLog : IJobListener
    {
        private readonly ConcurrentQueue<Run> _runs = new();
        private readonly SemaphoreSlim _ran = new(0);

        public string Name { get; } = "fire-log-" + Guid.NewGuid().ToString("N");

        public IReadOnlyCollection<Run> Runs => _runs;

        public async Task ListenTo(CrawlerHarness worker) =>
            (await SchedulerOf(worker)).ListenerManager.AddJobListener(this, [GroupMatcher<JobKey>.GroupEquals(CrawlSourceJob.Group)]);

        public async Task WaitForAsync(int count, TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            while (_runs.Count < count)
            {
                await _ran.WaitAsync(cancel.Token);
            }
        }

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            _runs.Enqueue(new Run(context.Trigger.Key.ToString(), context.ScheduledFireTimeUtc, context.Scheduler.SchedulerInstanceId, context.FireTimeUtc));
            _ran.Release();
            return ValueTask.CompletedTask;
        }
    }
}
