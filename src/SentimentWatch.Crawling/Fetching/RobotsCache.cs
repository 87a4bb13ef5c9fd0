using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SentimentWatch.Crawling.Fetching;

/// <summary>
/// robots.txt per host, fetched once and cached. Per RFC 9309: 4xx means no rules, a 5xx or an
/// unreachable host means "assume everything is disallowed" (cached briefly, then retried).
/// </summary>
public sealed partial class RobotsCache(
    IHttpClientFactory clients,
    HostGate gate,
    IOptionsMonitor<CrawlingOptions> options,
    TimeProvider time,
    ILogger<RobotsCache> logger)
{
    private static readonly TimeSpan FailureCacheDuration = TimeSpan.FromMinutes(10);
    private const int MaxRobotsBytes = 512 * 1024;

    private readonly ConcurrentDictionary<string, Task<Entry>> _entries = new(StringComparer.OrdinalIgnoreCase);

    private sealed record Entry(RobotsRules Rules, DateTimeOffset Expires);

    public async Task<bool> IsAllowedAsync(Uri uri, CancellationToken cancellationToken)
    {
        var rules = await RulesForAsync(uri, cancellationToken);
        return rules.IsAllowed(uri);
    }

    public async Task<RobotsRules> RulesForAsync(Uri uri, CancellationToken cancellationToken)
    {
        var key = uri.Scheme + "://" + uri.Authority;
        var task = _entries.GetOrAdd(key, _ => LoadAsync(uri, cancellationToken));
        // A load cancelled by its first caller must not stay cached for everyone else.
        if (task.IsCanceled || task.IsFaulted || (task.IsCompletedSuccessfully && task.Result.Expires <= time.GetUtcNow()))
        {
            var fresh = LoadAsync(uri, cancellationToken);
            task = _entries.TryUpdate(key, fresh, task) ? fresh : _entries[key];
        }

        return (await task.WaitAsync(cancellationToken)).Rules;
    }

    private async Task<Entry> LoadAsync(Uri page, CancellationToken cancellationToken)
    {
        var politeness = options.CurrentValue.Politeness;
        var robotsUri = new Uri(page, "/robots.txt");
        try
        {
            using var lease = await gate.EnterAsync(robotsUri, cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(politeness.RequestTimeout);
            using var response = await clients.CreateClient(PageFetcher.HttpClientName).GetAsync(robotsUri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                var (body, _) = await PageFetcher.ReadCappedAsync(response.Content, MaxRobotsBytes, timeout.Token);
                var text = System.Text.Encoding.UTF8.GetString(body);
                var rules = RobotsRules.Parse(text, options.CurrentValue.UserAgent);
                gate.SetCrawlDelay(robotsUri, rules.CrawlDelay);
                return new Entry(rules, time.GetUtcNow() + politeness.RobotsCacheDuration);
            }

            if ((int)response.StatusCode is >= 400 and < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                return new Entry(RobotsRules.AllowAll, time.GetUtcNow() + politeness.RobotsCacheDuration);
            }

            LogRobotsUnavailable(robotsUri, $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogRobotsUnavailable(robotsUri, ex.GetType().Name + ": " + ex.Message);
        }

        return new Entry(RobotsRules.DisallowAll, time.GetUtcNow() + FailureCacheDuration);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "robots.txt at {RobotsUri} could not be read ({Reason}); treating the host as disallowed for now, as RFC 9309 asks")]
    private partial void LogRobotsUnavailable(Uri robotsUri, string reason);
}
