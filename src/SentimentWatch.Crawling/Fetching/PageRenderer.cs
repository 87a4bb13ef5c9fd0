using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace SentimentWatch.Crawling.Fetching;

/// <summary>
/// Renders a page in headless Chromium (Playwright for .NET, Debian's <c>chromium</c>) for sources
/// with <c>Render: true</c>, under the same politeness as plain fetches: robots.txt for the page,
/// the per-host gate for the page and every request its scripts make, the honest User-Agent, the
/// per-attempt timeout and the size cap on the HTML read back. One browser per process, started
/// on first use; one fresh context (no cookies, no storage) per page.
/// </summary>
public sealed partial class PageRenderer(
    IOptionsMonitor<CrawlingOptions> options,
    HostGate gate,
    RobotsCache robots,
    ILogger<PageRenderer> logger) : IAsyncDisposable, IDisposable
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private readonly SemaphoreSlim _start = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private bool _disposed;

    public async Task<FetchResult> RenderAsync(Uri uri, CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        var politeness = current.Politeness;
        if (politeness.RespectRobotsTxt && !await robots.IsAllowedAsync(uri, cancellationToken))
        {
            return new FetchResult { Uri = uri, Outcome = FetchOutcome.Disallowed, ErrorKind = "robots", Error = $"robots.txt disallows {uri.PathAndQuery}" };
        }

        var browser = await BrowserAsync(current.Rendering, cancellationToken);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { UserAgent = current.UserAgent, JavaScriptEnabled = true });
        var page = await context.NewPageAsync();
        // Every request the page makes passes the same per-host gate as the crawler's own.
        await page.RouteAsync("**/*", async route =>
        {
            if (!Uri.TryCreate(route.Request.Url, UriKind.Absolute, out var requested) || requested.Scheme is not ("http" or "https"))
            {
                await route.ContinueAsync();
                return;
            }

            using var lease = await gate.EnterAsync(requested, cancellationToken);
            await route.ContinueAsync();
        });

        var timeout = (float)politeness.RequestTimeout.TotalMilliseconds;
        try
        {
            var response = await page.GotoAsync(uri.ToString(), new PageGotoOptions { Timeout = timeout, WaitUntil = WaitUntilState.Load });
            var status = response?.Status ?? 0;
            if (status is < 200 or >= 300)
            {
                var kind = status == 429 ? "http_429" : status >= 500 ? "http_5xx" : "http_4xx";
                return new FetchResult { Uri = uri, Outcome = FetchOutcome.Failed, StatusCode = status, ErrorKind = kind, Error = $"HTTP {status} from {uri} (rendered)" };
            }

            try
            {
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new PageWaitForLoadStateOptions { Timeout = (float)current.Rendering.NetworkIdleWait.TotalMilliseconds });
            }
            catch (TimeoutException)
            {
                // Pages that poll forever never go idle: read what the scripts have built by now.
            }

            var html = await page.ContentAsync();
            var bytes = Encoding.UTF8.GetByteCount(html);
            var truncated = bytes > politeness.MaxResponseBytes;
            if (truncated)
            {
                html = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(html), 0, politeness.MaxResponseBytes);
                LogTruncated(uri, politeness.MaxResponseBytes);
            }

            return new FetchResult
            {
                Uri = new Uri(page.Url),
                Outcome = FetchOutcome.Ok,
                StatusCode = status,
                Text = html,
                ContentType = "text/html",
                Encoding = "utf-8",
                Truncated = truncated,
                Attempts = 1,
            };
        }
        catch (TimeoutException)
        {
            return new FetchResult { Uri = uri, Outcome = FetchOutcome.Failed, ErrorKind = "timeout", Error = $"{uri} did not load within {politeness.RequestTimeout} (rendered)" };
        }
        catch (PlaywrightException ex)
        {
            return new FetchResult { Uri = uri, Outcome = FetchOutcome.Failed, ErrorKind = "network", Error = $"rendering {uri} failed: {ex.Message.Split('\n')[0]}" };
        }
    }

    private async Task<IBrowser> BrowserAsync(RenderingOptions rendering, CancellationToken cancellationToken)
    {
        if (_browser is { IsConnected: true } running)
        {
            return running;
        }

        await _start.WaitAsync(cancellationToken);
        try
        {
            if (_browser is { IsConnected: true } started)
            {
                return started;
            }

            _playwright ??= await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = rendering.ExecutablePath,
                Headless = true,
                Args = ChromiumArgs,
            });
            LogStarted(rendering.ExecutablePath);
            return _browser;
        }
        finally
        {
            _start.Release();
        }
    }

    /// <summary>Hosts disposed synchronously (the CLI, tests) still close the browser.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        _start.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started headless Chromium {ExecutablePath} for rendered sources")]
    private partial void LogStarted(string executablePath);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rendered {Uri} is larger than {MaxBytes} bytes; read the first {MaxBytes} bytes only")]
    private partial void LogTruncated(Uri uri, int maxBytes);
}
