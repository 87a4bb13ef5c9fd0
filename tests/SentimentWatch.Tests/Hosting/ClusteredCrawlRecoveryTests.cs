using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using SentimentWatch.Testing;

namespace SentimentWatch.Tests.Hosting;

/// <summary>
/// Two real service processes on one real PostgreSQL (clustered crawl schedules, decision 145):
/// the worker running a crawl is killed hard (SIGKILL), and the other takes the unfinished crawl
/// over once the dead one stops checking in. The site answers slowly, so the crawl is mid-flight
/// when the kill lands; each worker names itself in its User-Agent.
/// </summary>
public sealed class ClusteredCrawlRecoveryTests
{
    [Fact]
    public async Task AKilledCrawlWorker_HasItsUnfinishedCrawlRecoveredByTheOther()
    {
        // Twenty characters: PostgresTestServer cuts names at 56 and fails on shorter ones (reported).
        await using var database = await PostgresTestServer.CreateDatabaseAsync("crawlrecoverykilled9");
        await using var site = await SlowSite.StartAsync();

        using var first = Worker("worker-a", database.ConnectionString, site.FeedUrl);
        var firstRequest = await site.NextFeedRequestAsync(TimeSpan.FromSeconds(90), first);
        firstRequest.ShouldContain("worker-a");

        // The second worker joins while the first is mid-crawl (its re-applied trigger waits: one run per source at a time).
        using var second = Worker("worker-b", database.ConnectionString, site.FeedUrl);
        using (var client = new HttpClient { BaseAddress = new Uri(second.BaseUrl) })
        {
            await second.WaitHealthyAsync(client);
        }

        first.KillHard();

        var recovered = await site.NextFeedRequestAsync(TimeSpan.FromSeconds(60), second);
        recovered.ShouldContain("worker-b");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!second.Output.Contains("Recovering the crawl of slow-feed", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        second.Output.ShouldContain("Recovering the crawl of slow-feed", customMessage: "the crawl the killed worker left unfinished must be recovered, not only the next fire");
    }

    private static ServiceProcess Worker(string name, string connectionString, string feedUrl) => ServiceProcess.Start(
        $"--Storage:DataDirectory={Path.Combine(Path.GetTempPath(), "sw-crawl-recovery-" + Guid.NewGuid().ToString("N"))}",
        "--Replay:Enabled=false",
        "--Auth:ApiKeys:0:Key=recovery-test-key-0123456789",
        "--Auth:ApiKeys:0:Role=admin",
        "--Storage:Provider=postgresql",
        $"--Storage:ConnectionString={connectionString}",
        $"--Crawling:UserAgent=SentimentWatchBot/1.0 ({name}; +https://example.invalid/bot)",
        "--Crawling:ClusterCheckinInterval=00:00:01",
        "--Crawling:Politeness:RequestTimeout=00:02:00",
        "--Crawling:Politeness:MaxRetries=1",
        "--Crawling:Politeness:MinDelayPerHost=00:00:00",
        "--Crawling:Sources:0:Id=slow-feed",
        "--Crawling:Sources:0:Kind=rss",
        $"--Crawling:Sources:0:Urls:0={feedUrl}",
        // One fire at start, the next in an hour: a second crawl within the test can only be a recovery
        // (or the second worker's re-applied trigger, which the log line tells apart).
        "--Crawling:Sources:0:Interval=01:00:00");

    /// <summary>A site on 127.0.0.1 whose feed never answers within the test; robots.txt is absent (allowed).</summary>
    private sealed class SlowSite : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly Channel<string> _feedRequests = Channel.CreateUnbounded<string>();
        private readonly CancellationTokenSource _stopping = new();

        private SlowSite(WebApplication app) => _app = app;

        public string FeedUrl { get; private set; } = string.Empty;

        public static async Task<SlowSite> StartAsync()
        {
            var port = FreePort();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            var site = new SlowSite(app) { FeedUrl = $"http://127.0.0.1:{port}/feed.xml" };
            app.MapGet("/robots.txt", () => Results.NotFound());
            app.MapGet("/feed.xml", async (HttpContext context) =>
            {
                site._feedRequests.Writer.TryWrite(context.Request.Headers.UserAgent.ToString());
                try
                {
                    await Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, site._stopping.Token).Token);
                }
                catch (OperationCanceledException)
                {
                    // The crawler gave up, or the test is over.
                }

                return Results.StatusCode(503);
            });
            await app.StartAsync();
            return site;
        }

        /// <summary>The User-Agent of the next feed request; fails with the worker's output if none comes.</summary>
        public async Task<string> NextFeedRequestAsync(TimeSpan timeout, ServiceProcess worker)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                return await _feedRequests.Reader.ReadAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no feed request within {timeout}; the worker said:{Environment.NewLine}{worker.Output}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stopping.CancelAsync();
            await _app.StopAsync();
            await _app.DisposeAsync();
            _stopping.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
