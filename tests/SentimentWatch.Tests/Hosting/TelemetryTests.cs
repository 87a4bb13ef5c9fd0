using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace SentimentWatch.Tests.Hosting;

/// <summary>
/// The service's OpenTelemetry metrics read back through the SDK's in-memory exporter from the
/// real host (SQLite, Lucene, the pipeline): pipeline stage counters, lag, request latency and
/// alert rule evaluations, after real mentions went through the intake API; crawl pages, mentions
/// found and errors per source after a real crawl of a fixture site on 127.0.0.1.
/// </summary>
/// <remarks>
/// Alone, after the parallel tests: a MeterListener is process-wide, so with other hosts alive in this
/// test process the provider would also see their same-named instruments (one service per process
/// never has that), and could read another host's pipeline counters.
/// </remarks>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests
{
    [Fact]
    public async Task PipelineStagesLagRequestLatencyAndRuleEvaluationsAreExportedAsMetrics()
    {
        var exported = new List<Metric>();
        using var service = new ServiceFactory
        {
            Settings = new Dictionary<string, string>
            {
                ["Telemetry:SampleInterval"] = "00:00:00.200",
                ["Alerting:EvaluationInterval"] = "00:00:01",
            },
        };
        using var host = service.WithWebHostBuilder(web => web.ConfigureTestServices(s => s.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exported))));
        var admin = host.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", ServiceFactory.AdminKey);
        var token = "ot" + Guid.NewGuid().ToString("N")[..8];

        var response = await admin.PostAsJsonAsync("/api/intake/mentions", new[]
        {
            new { source = "telemetry-test", externalId = "t-1-" + token, text = $"绿莫的退款一直没到账 {token}", publishedAt = DateTimeOffset.UtcNow.AddMinutes(-5), author = "a", reach = 10 },
            new { source = "telemetry-test", externalId = "t-2-" + token, text = $"Lumo refund still missing {token}", publishedAt = DateTimeOffset.UtcNow.AddMinutes(-4), author = "b", reach = 10 },
            new { source = "telemetry-test", externalId = "t-3-" + token, text = $"Lumo coffee is great {token}", publishedAt = DateTimeOffset.UtcNow.AddMinutes(-3), author = "c", reach = 10 },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await ServiceFactory.WaitForProcessedAsync(admin, 3);
        var provider = host.Services.GetRequiredService<MeterProvider>();

        // The positive signal first: a collection that has seen the rule evaluations and a store reading after the processing.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        // The store is sampled on its own cadence: a reading taken before the processing still says 3 pending,
        // so wait for a reading of none pending (the test fails at the deadline if none ever comes).
        while (DateTime.UtcNow < deadline && !(Sum(exported, "sentimentwatch.alerts.rule_evaluations") > 0 && Points(exported, "sentimentwatch.pipeline.lag").Count > 0
            && Points(exported, "sentimentwatch.pipeline.pending") is { Count: > 0 } pending && pending[^1].Value == 0))
        {
            provider.ForceFlush();
            await Task.Delay(200);
        }

        provider.ForceFlush();
        Sum(exported, "sentimentwatch.pipeline.accepted").ShouldBeGreaterThanOrEqualTo(3);
        // Each collection exports every point again: the last export holds the current values.
        var stages = Points(exported, "sentimentwatch.pipeline.stage.items").GroupBy(p => (string)p.Tags["stage"]!).ToDictionary(g => g.Key, g => g.Last().Value);
        stages["score"].ShouldBeGreaterThanOrEqualTo(3);
        stages["index"].ShouldBeGreaterThanOrEqualTo(3);
        Points(exported, "sentimentwatch.pipeline.stage.busy").ShouldContain(p => (string)p.Tags["stage"]! == "score" && p.Value > 0);
        Points(exported, "sentimentwatch.pipeline.lag").ShouldNotBeEmpty();
        Points(exported, "sentimentwatch.pipeline.pending").Last().Value.ShouldBe(0);
        Sum(exported, "sentimentwatch.alerts.rule_evaluations").ShouldBeGreaterThan(0);
        var requests = exported.Where(m => m.Name == "http.server.request.duration").ToList();
        requests.ShouldNotBeEmpty();
        HistogramCount(requests, "/api/intake/mentions").ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task ARealCrawlOfAFixtureFeedOn127001_IsExportedAsPagesAndMentionsFoundPerSource_AndAFailingSourceAsErrorsByKind()
    {
        await using var site = await FeedSite.StartAsync();
        var exported = new List<Metric>();
        using var service = new ServiceFactory
        {
            Settings = new Dictionary<string, string>
            {
                ["Telemetry:SampleInterval"] = "00:00:00.200",
                ["Crawling:Politeness:MinDelayPerHost"] = "00:00:00",
                ["Crawling:Politeness:MaxRetries"] = "0",
                // One run each at start; the next in an hour, after the test.
                ["Crawling:Sources:0:Id"] = "fixture-feed",
                ["Crawling:Sources:0:Kind"] = "rss",
                ["Crawling:Sources:0:Urls:0"] = site.Url("/feed.xml"),
                ["Crawling:Sources:0:Interval"] = "01:00:00",
                ["Crawling:Sources:1:Id"] = "failing-feed",
                ["Crawling:Sources:1:Kind"] = "rss",
                ["Crawling:Sources:1:Urls:0"] = site.Url("/broken.xml"),
                ["Crawling:Sources:1:Interval"] = "01:00:00",
            },
        };
        using var host = service.WithWebHostBuilder(web => web.ConfigureTestServices(s => s.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exported))));
        _ = host.Services; // starts the host, its schedules and the sampler
        var provider = host.Services.GetRequiredService<MeterProvider>();

        // The positive signal: a collection after the sampler read both sources' finished runs.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !(Latest(exported, "sentimentwatch.crawl.mentions_found", "fixture-feed") > 0 && Latest(exported, "sentimentwatch.crawl.errors", "failing-feed") > 0))
        {
            provider.ForceFlush();
            await Task.Delay(200);
        }

        provider.ForceFlush();
        site.Requests.ShouldContain("/feed.xml", "the feed was really fetched from 127.0.0.1");
        Latest(exported, "sentimentwatch.crawl.pages", "fixture-feed").ShouldBeGreaterThanOrEqualTo(1);
        Latest(exported, "sentimentwatch.crawl.mentions_found", "fixture-feed").ShouldBe(2, "the feed holds two items");
        Latest(exported, "sentimentwatch.crawl.errors", "fixture-feed").ShouldBe(0);
        var errors = Points(exported, "sentimentwatch.crawl.errors").Where(p => (string?)p.Tags["source"] == "failing-feed").ToList();
        errors.ShouldNotBeEmpty();
        errors.Last().Tags["error.kind"].ShouldBe("http_5xx");
        errors.Last().Value.ShouldBeGreaterThanOrEqualTo(1);
        Latest(exported, "sentimentwatch.crawl.mentions_found", "failing-feed").ShouldBe(0);
    }

    /// <summary>The last exported value of <paramref name="name"/> for <paramref name="source"/>, summed over its other tags; 0 if none.</summary>
    private static double Latest(List<Metric> metrics, string name, string source) =>
        Points(metrics, name).Where(p => p.Tags.TryGetValue("source", out var s) && (string?)s == source)
            .GroupBy(p => string.Join(',', p.Tags.Select(t => $"{t.Key}={t.Value}")))
            .Sum(g => g.Last().Value);

    /// <summary>A site on 127.0.0.1: an RSS feed of two items, a feed that answers 500, no robots.txt (allowed).</summary>
    private sealed class FeedSite : IAsyncDisposable
    {
        private const string Feed = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>Lumo forum</title><link>https://forum.example.com/</link><description>posts</description>
            <item><title>退款太慢</title><link>https://forum.example.com/t/101</link><guid>t-101</guid><description>绿莫的退款一直没到账</description><pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate></item>
            <item><title>Refund</title><link>https://forum.example.com/t/102</link><guid>t-102</guid><description>Lumo refund still missing</description><pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate></item>
            </channel></rss>
            """;

        private readonly WebApplication _app;

        private FeedSite(WebApplication app) => _app = app;

        public System.Collections.Concurrent.ConcurrentQueue<string> Requests { get; } = new();

        public string Url(string path) => _app.Urls.First() + path;

        public static async Task<FeedSite> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var site = new FeedSite(app);
            app.Use((context, next) =>
            {
                site.Requests.Enqueue(context.Request.Path.Value ?? string.Empty);
                return next(context);
            });
            app.MapGet("/robots.txt", () => Results.NotFound());
            app.MapGet("/feed.xml", () => Results.Text(Feed, "application/rss+xml; charset=utf-8"));
            app.MapGet("/broken.xml", () => Results.StatusCode(500));
            await app.StartAsync();
            return site;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static double Sum(List<Metric> metrics, string name) =>
        Points(metrics, name).GroupBy(p => string.Join(',', p.Tags.Select(t => $"{t.Key}={t.Value}"))).Sum(g => g.Last().Value);

    /// <summary>Every exported point of <paramref name="name"/>, oldest export first, as (tags, value).</summary>
    private static List<(Dictionary<string, object?> Tags, double Value)> Points(List<Metric> metrics, string name)
    {
        var points = new List<(Dictionary<string, object?>, double)>();
        foreach (var metric in metrics.Where(m => m.Name == name).ToList())
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                double value = metric.MetricType switch
                {
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                    MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                    MetricType.LongGauge => point.GetGaugeLastValueLong(),
                    MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                    _ => double.NaN,
                };
                points.Add((tags, value));
            }
        }

        return points;
    }

    private static long HistogramCount(List<Metric> metrics, string route)
    {
        long count = 0;
        foreach (var metric in metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    if (tag.Key == "http.route" && (string?)tag.Value == route)
                    {
                        count = Math.Max(count, point.GetHistogramCount());
                    }
                }
            }
        }

        return count;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "process-wide state (meters, Hangfire's log provider), alone";
}
