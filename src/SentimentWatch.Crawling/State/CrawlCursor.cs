using System.Collections.Concurrent;
using SentimentWatch.Crawling.Fetching;

namespace SentimentWatch.Crawling.State;

/// <summary>
/// What a source remembers between runs: the items it has handed on and the validators of the
/// pages it read, and where it stopped in each paged thread. A run reads from it and records into it; the runner commits it only after the
/// pipeline has accepted the run's mentions, so a crash never loses an item.
/// </summary>
public sealed class CrawlCursor
{
    private readonly ConcurrentDictionary<string, ConditionalValidators> _validators;
    private readonly HashSet<string> _seen;
    private readonly ConcurrentDictionary<string, ConditionalValidators> _newValidators = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _newSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ThreadPosition> _threads;
    private readonly ConcurrentDictionary<string, ThreadPosition> _newThreads = new(StringComparer.Ordinal);

    public CrawlCursor(
        IReadOnlyDictionary<string, ConditionalValidators>? validators = null,
        IEnumerable<string>? seen = null,
        IReadOnlyDictionary<string, ThreadPosition>? threads = null)
    {
        _validators = new ConcurrentDictionary<string, ConditionalValidators>(validators ?? new Dictionary<string, ConditionalValidators>(), StringComparer.Ordinal);
        _seen = new HashSet<string>(seen ?? [], StringComparer.Ordinal);
        _threads = new Dictionary<string, ThreadPosition>(threads ?? new Dictionary<string, ThreadPosition>(), StringComparer.Ordinal);
    }

    /// <summary>A cursor that remembers nothing: every item is new (the CLI's <c>--once</c>).</summary>
    public static CrawlCursor Empty() => new();

    public ConditionalValidators? ValidatorsFor(string url) =>
        _newValidators.TryGetValue(url, out var fresh) ? fresh : _validators.GetValueOrDefault(url);

    public void RecordValidators(string url, ConditionalValidators? validators)
    {
        if (validators is { IsEmpty: false })
        {
            _newValidators[url] = validators;
        }
    }

    /// <summary>
    /// Takes back the validators this run recorded for a page it fetched but could not read (a parse past its deadline), so the
    /// next run fetches the page whole instead of being told it has not changed.
    /// </summary>
    public void ForgetValidators(string url) => _newValidators.TryRemove(url, out _);

    /// <summary>True the first time an item is offered in this cursor's life, false after.</summary>
    public bool TryMarkNew(string itemKey) => !_seen.Contains(itemKey) && _newSeen.TryAdd(itemKey, 0);

    /// <summary>Where the last committed run stopped in a thread (keyed by the canonical thread URL); null when never read.</summary>
    public ThreadPosition? ThreadPositionFor(string threadKey) =>
        _newThreads.TryGetValue(threadKey, out var fresh) ? fresh : _threads.GetValueOrDefault(threadKey);

    public void RecordThreadPosition(string threadKey, ThreadPosition position) => _newThreads[threadKey] = position;

    public IReadOnlyDictionary<string, ConditionalValidators> NewValidators => _newValidators;

    public IReadOnlyDictionary<string, ThreadPosition> NewThreadPositions => _newThreads;

    public IReadOnlyCollection<string> NewItems => (IReadOnlyCollection<string>)_newSeen.Keys;
}

/// <summary>
/// Where a run stopped in one paged thread (issue 18 item 4, decision 171): the next run starts at
/// <see cref="LastPageUrl"/> (new floors land on the last page) instead of page 1.
/// </summary>
/// <param name="LastPageUrl">The last page of the thread read.</param>
/// <param name="LastPostId">The last post read on it (its post id, else its permalink); a resumed page that no longer shows it means the thread was re-paged, and it is read from page 1.</param>
/// <param name="ReachedEnd">The last page read had no "next page" link (false when <c>MaxPages</c> stopped the walk).</param>
/// <param name="Replies">The reply count the list page showed beside the thread (<c>ThreadReplies</c>) at that read.</param>
/// <param name="OpenerMentionId">The mention id of the thread's first post, so its list reply count can still be followed when page 1 is not read.</param>
/// <param name="OpenerPublishedAt">The first post's time; null when it was estimated.</param>
public sealed record ThreadPosition(string LastPageUrl, string? LastPostId, bool ReachedEnd, long Replies, string? OpenerMentionId, DateTimeOffset? OpenerPublishedAt);
