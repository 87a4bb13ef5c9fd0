using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SentimentWatch.Tests.Hosting;

/// <summary>One feed request as the crawl site saw it: which worker (its User-Agent), when it started and ended.</summary>
public sealed record FeedHit(string Feed, string UserAgent, DateTimeOffset Started, DateTimeOffset Ended);

/// <summary>
/// RSS feeds on 127.0.0.1 for crawl workers. Each request is held briefly (so two crawls of one
/// feed at once would overlap and be seen) and, until <see cref="Freeze"/>, adds one new post;
/// a feed always lists every post it ever announced, so a crawl lost with a killed worker is
/// made good by the next one. Every request is recorded per feed.
/// </summary>
public sealed class CrawlSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, List<FeedHit>> _hits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _posts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _published = DateTimeOffset.UtcNow.AddMinutes(-5);
    private int _overlaps;
    private volatile bool _frozen;

    private CrawlSite(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>Feed requests that began while another request of the same feed was still being answered.</summary>
    public int Overlaps => Volatile.Read(ref _overlaps);

    /// <summary>Distinct posts announced over all feeds: what the crawlers must have stored once each.</summary>
    public int PostsAnnounced => _posts.Values.Sum();

    public static async Task<CrawlSite> StartAsync()
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var site = new CrawlSite(app, $"http://127.0.0.1:{port}");
        app.MapGet("/robots.txt", () => Results.NotFound());
        app.MapGet("/feeds/{feed}.xml", site.AnswerAsync);
        await app.StartAsync();
        return site;
    }

    public string FeedUrl(string feed) => $"{BaseUrl}/feeds/{feed}.xml";

    /// <summary>From now on the feeds list the same posts, so the crawled total stops moving.</summary>
    public void Freeze() => _frozen = true;

    public IReadOnlyList<FeedHit> Hits(string feed)
    {
        var hits = _hits.GetOrAdd(feed, _ => []);
        lock (hits)
        {
            return [.. hits];
        }
    }

    private async Task<IResult> AnswerAsync(string feed, HttpContext context)
    {
        var started = DateTimeOffset.UtcNow;
        if (_inFlight.AddOrUpdate(feed, 1, (_, n) => n + 1) > 1)
        {
            Interlocked.Increment(ref _overlaps);
        }

        try
        {
            var posts = _frozen ? _posts.GetOrAdd(feed, 0) : _posts.AddOrUpdate(feed, 1, (_, n) => n + 1);
            await Task.Delay(TimeSpan.FromMilliseconds(250), context.RequestAborted);
            var rss = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>")
                .Append(feed).Append("</title><link>").Append(BaseUrl).Append("</link><description>fixture</description>");
            for (var i = posts - 1; i >= 0; i--)
            {
                var at = _published.AddSeconds(i).ToString("r", CultureInfo.InvariantCulture);
                rss.Append(CultureInfo.InvariantCulture, $"<item><title>{feed} weather note {i}</title><link>{BaseUrl}/posts/{feed}/{i}</link><guid>{feed}-post-{i}</guid>")
                    .Append(CultureInfo.InvariantCulture, $"<pubDate>{at}</pubDate><description>Rain expected over the harbour, note {i} of {feed}, zqcrawl{feed}n{i}</description></item>");
            }

            rss.Append("</channel></rss>");
            return Results.Text(rss.ToString(), "application/rss+xml", Encoding.UTF8);
        }
        finally
        {
            _inFlight.AddOrUpdate(feed, 0, (_, n) => n - 1);
            var hits = _hits.GetOrAdd(feed, _ => []);
            lock (hits)
            {
                hits.Add(new FeedHit(feed, context.Request.Headers.UserAgent.ToString(), started, DateTimeOffset.UtcNow));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A webhook receiver on 127.0.0.1 that records the delivery id (<c>X-SentimentWatch-Delivery</c>) of every POST, repeats included.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _deliveries = new();

    private WebhookReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>Every delivery id received, in arrival order, repeats included.</summary>
    public IReadOnlyList<string> Deliveries => [.. _deliveries];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = CrawlSite.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, $"http://127.0.0.1:{port}/hooks/alerts");
        app.MapPost("/hooks/alerts", (HttpContext context) =>
        {
            receiver._deliveries.Enqueue(context.Request.Headers["X-SentimentWatch-Delivery"].ToString());
            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
