using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentimentWatch.Crawling;
using SentimentWatch.Crawling.Parsing;
using SentimentWatch.Crawling.Sources;
using SentimentWatch.Crawling.State;
using SentimentWatch.Crawling.Tests;
using SentimentWatch.Storage;

// 1. Parse throughput: fixture pages through the configured selectors, no network.
await using var server = await FixtureServer.StartAsync();
var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
var now = DateTimeOffset.UtcNow;
var discuz = new ForumPageParser(new HtmlSelectors
{
    Title = "#thread_subject", Post = "table[id^=pid]", PostId = "@id", Text = "td.t_f", Author = "a.xw1",
    Time = "em[id^=authorposton] span@title || em[id^=authorposton]", Remove = [".quote", "i.pstatus", "script"], NextPage = "div.pg a.nxt",
});
var phpbb = new ForumPageParser(new HtmlSelectors
{
    Title = "h2.topic-title", Post = "div.post", PostId = "@id", Text = "div.content", Author = "p.author a.username",
    Time = "p.author time@datetime", Link = "p.author a.unread@href", Remove = ["blockquote", ".signature"], NextPage = "a[rel=next]",
});
var pages = new (ForumPageParser Parser, string Html)[]
{
    (discuz, server.Fixture("discuz-thread-101-1.html")),
    (phpbb, server.Fixture("phpbb-topic-55.html")),
};
var uri = new Uri(server.Base + "/t");
// Warm-up: AngleSharp runs unoptimised (tier-0) code for the first seconds.
var warmUp = Stopwatch.StartNew();
while (warmUp.Elapsed < TimeSpan.FromSeconds(4))
{
    foreach (var (parser, html) in pages)
    {
        parser.ParseThread(parser.Load(html), uri, uri, 0, zone, now);
    }
}

var parsed = 0;
var posts = 0;
var watch = Stopwatch.StartNew();
while (watch.Elapsed < TimeSpan.FromSeconds(5))
{
    foreach (var (parser, html) in pages)
    {
        posts += parser.ParseThread(parser.Load(html), uri, uri, 0, zone, now).Items.Count;
        parsed++;
    }
}

Console.WriteLine($"parse: {parsed / watch.Elapsed.TotalSeconds:F0} thread pages/s ({posts / watch.Elapsed.TotalSeconds:F0} posts/s), Discuz + phpBB fixtures, 1 thread");
var rss = server.Fixture("feed.rss");
var feeds = 0;
watch.Restart();
while (watch.Elapsed < TimeSpan.FromSeconds(5))
{
    FeedParser.Parse(rss, uri, zone, now);
    feeds++;
}

Console.WriteLine($"parse: {feeds / watch.Elapsed.TotalSeconds:F0} RSS feeds/s");

// 2. Fetch + parse over HTTP against the local fixture server, politeness off and on.
await MeasureAsync("politeness off (no delay, 8 per host, robots still read)", "00:00:00", 8, 400);
await MeasureAsync("politeness on (MinDelayPerHost 200 ms, 2 per host)", "00:00:00.200", 2, 20);

async Task MeasureAsync(string label, string delay, int concurrency, int count)
{
    var data = Path.Combine(Path.GetTempPath(), "sw-bench-" + Guid.NewGuid().ToString("N"));
    var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:DataDirectory"] = data,
        ["Crawling:Politeness:MinDelayPerHost"] = delay,
        ["Crawling:Politeness:MaxConcurrencyPerHost"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });
    builder.AddStorage();
    builder.AddCrawling();
    using var host = builder.Build();
    var crawler = host.Services.GetRequiredService<SourceCrawler>();
    // One source per page so the per-source walk runs in parallel and only the host gate limits.
    var sources = Enumerable.Range(1, count).Select(n => new CrawlSource
    {
        Id = "bench" + n, Kind = SourceKind.Html, Urls = [server.Url($"/polite/{n}")],
        Selectors = new HtmlSelectors { Post = "div.post", PostId = "@id", Text = "div.content" },
    }).ToList();
    await crawler.CrawlAsync(sources[0], CrawlCursor.Empty(), null, CancellationToken.None); // warm-up: robots.txt, connections
    var before = server.Requests.Count;
    var stopwatch = Stopwatch.StartNew();
    var results = await Task.WhenAll(sources.Skip(1).Select(s => crawler.CrawlAsync(s, CrawlCursor.Empty(), null, CancellationToken.None)));
    stopwatch.Stop();
    var fetched = results.Sum(r => r.Report.PagesFetched);
    var times = server.Requests.Skip(before).Select(r => r.At).Order().ToList();
    var minGap = times.Zip(times.Skip(1), (a, b) => b - a).DefaultIfEmpty().Min();
    Console.WriteLine($"{label}: {fetched} pages in {stopwatch.Elapsed.TotalSeconds:F2} s = {fetched / stopwatch.Elapsed.TotalSeconds:F1} pages/s; smallest gap between request arrivals {minGap.TotalMilliseconds:F0} ms");
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
}
