using System.Collections.Concurrent;
using SentimentWatch.Crawling.Fetching;

namespace SentimentWatch.Crawling.State;

/// <summary>
/// What a source remembers between runs: the items it has handed on and the validators of the
/// pages it read. A run reads from it and records into it; the runner commits it only after the
/// pipeline has accepted the run's mentions, so a crash never loses an item.
/// </summary>
public sealed class CrawlCursor
{
    private readonly ConcurrentDictionary<string, ConditionalValidators> _validators;
    private readonly HashSet<string> _seen;
    private readonly ConcurrentDictionary<string, ConditionalValidators> _newValidators = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _newSeen = new(StringComparer.Ordinal);

    public CrawlCursor(IReadOnlyDictionary<string, ConditionalValidators>? validators = null, IEnumerable<string>? seen = null)
    {
        _validators = new ConcurrentDictionary<string, ConditionalValidators>(validators ?? new Dictionary<string, ConditionalValidators>(), StringComparer.Ordinal);
        _seen = new HashSet<string>(seen ?? [], StringComparer.Ordinal);
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

    /// <summary>True the first time an item is offered in this cursor's life, false after.</summary>
    public bool TryMarkNew(string itemKey) => !_seen.Contains(itemKey) && _newSeen.TryAdd(itemKey, 0);

    public IReadOnlyDictionary<string, ConditionalValidators> NewValidators => _newValidators;

    public IReadOnlyCollection<string> NewItems => (IReadOnlyCollection<string>)_newSeen.Keys;
}
