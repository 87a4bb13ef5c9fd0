using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SentimentWatch.Crawling.Fetching;

/// <summary>
/// Per-host politeness: at most <see cref="PolitenessOptions.MaxConcurrencyPerHost"/> requests
/// in flight and at least <see cref="PolitenessOptions.MinDelayPerHost"/> (or the host's
/// robots.txt Crawl-delay, whichever is longer) between the starts of two requests. Every
/// attempt, retries and robots.txt included, passes through here. Hosts are keyed by
/// authority (host and port).
/// </summary>
public sealed class HostGate(IOptionsMonitor<CrawlingOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, HostSlot> _slots = new(StringComparer.OrdinalIgnoreCase);

    public void SetCrawlDelay(Uri uri, TimeSpan? delay) => Slot(uri).CrawlDelay = delay;

    public async Task<IDisposable> EnterAsync(Uri uri, CancellationToken cancellationToken)
    {
        var slot = Slot(uri);
        await slot.Concurrency.WaitAsync(cancellationToken);
        try
        {
            var politeness = options.CurrentValue.Politeness;
            var spacing = slot.CrawlDelay is { } crawlDelay && crawlDelay > politeness.MinDelayPerHost ? crawlDelay : politeness.MinDelayPerHost;
            while (true)
            {
                TimeSpan wait;
                lock (slot)
                {
                    // Spacing counts from when a request really leaves, not when it was planned
                    // to: a late wake-up must not let the next request follow too closely.
                    var now = time.GetUtcNow();
                    wait = slot.NextStart - now;
                    if (wait <= TimeSpan.Zero)
                    {
                        slot.NextStart = now + spacing;
                        break;
                    }
                }

                await Task.Delay(wait, time, cancellationToken);
            }

            return new Lease(slot.Concurrency);
        }
        catch
        {
            slot.Concurrency.Release();
            throw;
        }
    }

    private HostSlot Slot(Uri uri) =>
        _slots.GetOrAdd(uri.Authority, _ => new HostSlot(options.CurrentValue.Politeness.MaxConcurrencyPerHost));

    private sealed class HostSlot(int concurrency)
    {
        public SemaphoreSlim Concurrency { get; } = new(concurrency, concurrency);
        public DateTimeOffset NextStart { get; set; } = DateTimeOffset.MinValue;
        public TimeSpan? CrawlDelay { get; set; }
    }

    private sealed class Lease(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
