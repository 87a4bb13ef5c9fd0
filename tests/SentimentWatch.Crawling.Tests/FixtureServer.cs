using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SentimentWatch.Crawling.Tests;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port 0) serving forum, feed and API pages modelled on
/// real engines, plus the faults crawlers meet: 304, 429 with Retry-After, 500 then success,
/// slow responses, a 10 MB page, a robots.txt with a disallowed path, wrong charsets.
/// Every request is logged so tests can assert what was (not) fetched and when.
/// </summary>
public sealed class FixtureServer : IAsyncDisposable
{
    public const string FeedETag = "\"rss-v1\"";

    public const string DeepETag = "\"deep-v1\"";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _hits = new();

    public ConcurrentQueue<(string PathAndQuery, DateTimeOffset At, string? UserAgent, string? IfNoneMatch)> Requests { get; } = new();

    public string Base { get; private set; } = string.Empty;

    /// <summary>Extra robots.txt body; default disallows /private/.</summary>
    public string RobotsTxt { get; set; } = "User-agent: *\nDisallow: /private/\n\nUser-agent: BadBot\nDisallow: /\n";

    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Likes the first post of <c>/hot/thread/1</c> shows now (a post going viral between reads).</summary>
    public int HotLikes { get; set; } = 10;

    /// <summary>How many nested &lt;div&gt;s <c>/hot/thread/1</c> opens with (0: none; 80,000 take tens of seconds to parse).</summary>
    public int HotThreadNesting { get; set; }

    /// <summary>Whether <c>/hot/list</c> still links the hot thread (false: it scrolled off the list page).</summary>
    public bool HotListShowsThread { get; set; } = true;

    /// <summary>Floors the growing thread (<c>/growing/thread?tid=9</c>) has now; tests add floors between crawls.</summary>
    public int GrowingFloors { get; set; } = 7;

    /// <summary>Floors per page of the growing thread (a site that re-pages its threads changes it).</summary>
    public int GrowingPerPage { get; set; } = 3;

    private static readonly string[] GrowingTexts =
    [
        "X9 充电发烫，烫到不敢拿", "我的也是，充一会儿就烫", "客服说是正常现象", "换了原装充电器还是一样", "系统更新以后才这样的",
        "Mine gets hot on the wireless pad too", "售后让我寄回检测", "退货了，不想再折腾", "昨晚充着电直接关机了",
        "Same here since firmware 2.1", "有没有人投诉成功的", "官方微博到现在都没回应",
    ];

    private FixtureServer(WebApplication app) => _app = app;

    public static async Task<FixtureServer> StartAsync()
    {
        System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FixtureServer(app);
        server.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Base = address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        return server;
    }

    public int Hits(string pathAndQuery) => Requests.Count(r => r.PathAndQuery == pathAndQuery);

    public int HitsStartingWith(string prefix) => Requests.Count(r => r.PathAndQuery.StartsWith(prefix, StringComparison.Ordinal));

    public string Url(string pathAndQuery) => Base + pathAndQuery;

    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public string Fixture(string name) => File.ReadAllText(FixturePath(name)).Replace("{{BASE}}", Base, StringComparison.Ordinal);

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            Requests.Enqueue((context.Request.Path + context.Request.QueryString, DateTimeOffset.UtcNow, context.Request.Headers.UserAgent.ToString(), context.Request.Headers.IfNoneMatch.ToString()));
            await next(context);
        });

        app.MapGet("/robots.txt", () => Results.Text(RobotsTxt, "text/plain"));

        // Discuz! X3: GBK bytes, header without charset (the meta names it), routing by query string.
        app.MapGet("/discuz/forum.php", (HttpContext context) =>
        {
            var q = context.Request.Query;
            var name = (q["mod"].ToString(), q["tid"].ToString(), q["page"].ToString()) switch
            {
                ("forumdisplay", _, _) => "discuz-list.html",
                ("viewthread", "101", "2") => "discuz-thread-101-2.html",
                ("viewthread", "101", _) => "discuz-thread-101-1.html",
                ("viewthread", "102", _) => "discuz-thread-102.html",
                _ => null,
            };
            return name is null ? Results.NotFound() : Results.Bytes(Encoding.GetEncoding("GBK").GetBytes(Fixture(name)), "text/html");
        });

        app.MapGet("/phpbb/viewtopic.php", (HttpContext context) => context.Request.Query["t"] == "55"
            ? Html(context.Request.Query["start"] == "10" ? "phpbb-topic-55-start10.html" : "phpbb-topic-55.html", "text/html; charset=UTF-8")
            : Results.NotFound());
        app.MapGet("/phpbb/viewforum.php", (HttpContext context) =>
            Html(context.Request.Query["start"] == "25" ? "phpbb-forum-3-start25.html" : "phpbb-forum-3.html", "text/html; charset=UTF-8"));
        app.MapGet("/discourse/t/{slug}/{id:int}", (int id) => id == 77 ? Html("discourse-topic-77.html", "text/html; charset=utf-8") : Results.NotFound());
        app.MapGet("/tieba/p/{id}", () => Html("tieba-thread.html", "text/html; charset=UTF-8"));
        app.MapGet("/broken.html", () => Html("broken.html", "text/html"));

        // Hostile markup: 80,000 nested elements (400 KB, under the size cap). AngleSharp's tree construction grows with the
        // square of the depth: this page alone would take tens of seconds to parse.
        app.MapGet("/deep.html", () => Results.Text(
            "<html><body>" + string.Concat(Enumerable.Repeat("<div>", 80_000)) + "<div class=\"post\" id=\"p9\"><div class=\"msg\">deep</div></div></body></html>",
            "text/html; charset=utf-8"));

        // The same deep page with an ETag, answering 304 to it: a page skipped for the parse deadline must not be taken as read.
        app.MapGet("/etag-deep.html", (HttpContext context) =>
        {
            if (context.Request.Headers.IfNoneMatch.ToString() == DeepETag)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            context.Response.Headers.ETag = DeepETag;
            return Results.Text(
                "<html><body>" + string.Concat(Enumerable.Repeat("<div>", 80_000)) + "<div class=\"post\" id=\"p8\"><div class=\"msg\">deep</div></div></body></html>",
                "text/html; charset=utf-8");
        });

        // Conditional GET: the RSS feed answers 304 to its own ETag.
        app.MapGet("/feeds/rss.xml", (HttpContext context) =>
        {
            if (context.Request.Headers.IfNoneMatch.ToString() == FeedETag)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            context.Response.Headers.ETag = FeedETag;
            context.Response.Headers.LastModified = "Mon, 23 Nov 2026 08:00:00 GMT";
            return Results.Text(Fixture("feed.rss"), "application/rss+xml; charset=utf-8");
        });
        app.MapGet("/feeds/atom.xml", () => Results.Text(Fixture("feed-broken.atom"), "application/atom+xml"));

        app.MapGet("/api/timeline", (HttpContext context) =>
            Results.Text(Fixture(context.Request.Query["max_id"] == "9001" ? "timeline-2.json" : "timeline-1.json"), "application/json"));

        // Faults.
        app.MapGet("/flaky/429", (HttpContext context) =>
        {
            if (_hits.AddOrUpdate("429", 1, (_, n) => n + 1) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return Results.StatusCode(StatusCodes.Status429TooManyRequests);
            }

            return Html("phpbb-topic-55-start10.html", "text/html; charset=utf-8");
        });
        app.MapGet("/flaky/500", () => _hits.AddOrUpdate("500", 1, (_, n) => n + 1) == 1
            ? Results.StatusCode(StatusCodes.Status500InternalServerError)
            : Html("phpbb-topic-55-start10.html", "text/html; charset=utf-8"));
        app.MapGet("/always/503", () => Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/gone/404", () => Results.NotFound());
        app.MapGet("/slow", async (CancellationToken ct) =>
        {
            await Task.Delay(SlowDelay, ct);
            return Html("phpbb-topic-55-start10.html", "text/html; charset=utf-8");
        });
        app.MapGet("/huge", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            var head = Encoding.UTF8.GetBytes("<html><body><div class=\"post\" id=\"p1\"><div class=\"content\">first post before the flood</div></div><div>");
            await context.Response.Body.WriteAsync(head);
            var filler = Encoding.UTF8.GetBytes(new string('x', 64 * 1024));
            for (var i = 0; i < 160; i++)
            {
                await context.Response.Body.WriteAsync(filler, context.RequestAborted);
            }
        });
        app.MapGet("/private/secret.html", () => Html("phpbb-topic-55.html", "text/html"));
        app.MapGet("/polite/{n:int}", (int n) => Results.Text($"<html><body><div class=\"post\" id=\"p{n}\"><div class=\"content\">page {n}</div></div></body></html>", "text/html"));

        // Header claims UTF-8 but the bytes are GBK and the meta says so: a misconfigured GBK forum.
        app.MapGet("/wrong-charset", () => Results.Bytes(
            Encoding.GetEncoding("GBK").GetBytes("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><div class=\"post\" id=\"p5\"><div class=\"content\">售后服务太差了</div></div></body></html>"),
            "text/html; charset=utf-8"));

        // Synthetic (not modelled on an engine): three different posts whose configured PostId reads the
        // same floor label, and a time in no known format — the id-collision and estimated-time cases.
        app.MapGet("/synthetic/collide", () => Results.Text(
            "<html><body>" + string.Concat(new[] { "电池鼓包", "屏幕碎了", "客服不回" }.Select(t =>
                $"<div class=\"post\"><span class=\"floor\">沙发</span><div class=\"content\">{t}</div><span class=\"when\">sometime long ago</span></div>")) + "</body></html>",
            "text/html; charset=utf-8"));

        // Synthetic: the posts exist only after the page's script runs (and fetches them from /api/js-posts).
        app.MapGet("/js-only", () => Results.Text(
            """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>X9 论坛</title></head><body>
            <div id="thread"></div><noscript>请开启 JavaScript</noscript>
            <script>
              fetch('/api/js-posts').then(r => r.json()).then(posts => {
                const thread = document.getElementById('thread');
                for (const p of posts) {
                  const div = document.createElement('div');
                  div.className = 'post'; div.id = 'p' + p.id;
                  div.innerHTML = '<span class="who">' + p.author + '</span><div class="content">' + p.text + '</div>';
                  thread.appendChild(div);
                }
              });
            </script></body></html>
            """,
            "text/html; charset=utf-8"));
        app.MapGet("/api/js-posts", () => Results.Json(new[]
        {
            new { id = 501, author = "王五", text = "X9 屏幕闪烁，售后不理" },
            new { id = 502, author = "carl", text = "Same flicker here after 2.1" },
        }));

        // Synthetic: a list page and a thread whose first post's likes the test raises between runs;
        // both posts are an hour old by the real clock, so they are young enough to be followed.
        app.MapGet("/hot/list", () => Results.Text(
            "<html><body>" + (HotListShowsThread ? "<a class=\"thread\" href=\"/hot/thread/1\">电池鼓包</a>" : "") + "</body></html>",
            "text/html; charset=utf-8"));
        app.MapGet("/hot/thread/1", () =>
        {
            var at = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            return Results.Text(
                "<html><body>" + string.Concat(Enumerable.Repeat("<div>", HotThreadNesting)) + $"<div class=\"post\" id=\"p1\"><time datetime=\"{at}\"></time><span class=\"likes\">{HotLikes}</span><div class=\"content\">X9 电池鼓包，售后不理</div></div>" +
                $"<div class=\"post\" id=\"p2\"><time datetime=\"{at}\"></time><span class=\"likes\">3</span><div class=\"content\">我的也是</div></div></body></html>",
                "text/html; charset=utf-8");
        });

        // Synthetic: a list page and one paged thread that grows between crawls (floors numbered 1..GrowingFloors,
        // GrowingPerPage a page, a "next page" link while more follow; a page past the end is 404), as Discuz and
        // phpBB threads do. The list shows the reply count (floors after the first).
        app.MapGet("/growing/list", () => Results.Text(
            $"<html><body><table><tr><td><a class=\"thread\" href=\"/growing/thread?tid=9\">X9 充电发烫</a></td><td class=\"num\">{GrowingFloors - 1}</td></tr></table></body></html>",
            "text/html; charset=utf-8"));
        app.MapGet("/growing/thread", (HttpContext context) =>
        {
            var page = int.TryParse(context.Request.Query["page"], out var p) ? p : 1;
            var pages = (GrowingFloors + GrowingPerPage - 1) / GrowingPerPage;
            if (page < 1 || page > pages)
            {
                return Results.NotFound();
            }

            var floors = Enumerable.Range((page - 1) * GrowingPerPage + 1, GrowingPerPage).Where(f => f <= GrowingFloors);
            var posts = string.Concat(floors.Select(f =>
                $"<div class=\"post\" id=\"pid{1000 + f}\"><span class=\"who\">user{f}</span><time datetime=\"2026-11-20T{f % 24:00}:00:00Z\"></time><div class=\"content\">{f} 楼：{GrowingTexts[(f - 1) % GrowingTexts.Length]}</div></div>"));
            var next = page < pages ? $"<div class=\"pg\"><a class=\"nxt\" href=\"/growing/thread?tid=9&amp;page={page + 1}\">下一页</a></div>" : "";
            return Results.Text($"<html><body>{posts}{next}</body></html>", "text/html; charset=utf-8");
        });

        // Redirects: one into the robots-disallowed /private/ area, one to an allowed page.
        app.MapGet("/redirect/to-private", () => Results.Redirect("/private/secret.html"));
        app.MapGet("/redirect/to-topic", () => Results.Redirect("/phpbb/viewtopic.php?t=55", permanent: true));

        // Echoes whether the source's credentials arrived (header and query), for the auth test.
        app.MapGet("/api/private", (HttpContext context) => Results.Json(new[]
        {
            new { id = "1", text = "auth header " + context.Request.Headers.Authorization.ToString() + " token " + context.Request.Query["access_token"].ToString() },
        }));

        // No charset anywhere, GBK bytes.
        app.MapGet("/no-charset", () => Results.Bytes(
            Encoding.GetEncoding("GBK").GetBytes("<html><body><div class=\"post\" id=\"p6\"><div class=\"content\">电池鼓包，要求退货</div></div></body></html>"),
            "text/html"));
    }

    private IResult Html(string name, string contentType) => Results.Text(Fixture(name), contentType);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
