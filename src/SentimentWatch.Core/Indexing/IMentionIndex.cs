using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Core.Indexing;

/// <summary>
/// The searchable mention history. Lucene.NET on disk by default, Elasticsearch in a cluster;
/// both behave the same (one contract test suite). Writes are upserts by mention id, so
/// indexing is idempotent and re-scoring updates in place.
/// </summary>
public interface IMentionIndex
{
    /// <summary>Adds or replaces mentions by id; durable when the task completes.</summary>
    Task UpsertAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken);

    /// <summary>
    /// Adds or replaces mentions by id without waiting for them to be searchable
    /// (<see cref="RefreshAsync"/>) or durable (<see cref="CommitAsync"/>), so a pipeline can pay
    /// for those once per many batches. An index without that split does all three here.
    /// </summary>
    Task IndexAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken) => UpsertAsync(mentions, cancellationToken);

    /// <summary>Makes everything indexed so far searchable.</summary>
    Task RefreshAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Makes everything indexed so far durable: it survives a crash once the task completes.</summary>
    Task CommitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task<Mention?> GetAsync(string id, CancellationToken cancellationToken);

    Task<MentionSearchResult> SearchAsync(MentionSearch search, CancellationToken cancellationToken);

    Task<MentionStats> StatsAsync(MentionStatsRequest request, CancellationToken cancellationToken);

    /// <summary>Streams every match in index order (for exports and rebuilds).</summary>
    IAsyncEnumerable<Mention> ScanAsync(MentionFilter filter, CancellationToken cancellationToken);

    /// <summary>Drops mentions published before <paramref name="cutoff"/>; returns how many went.</summary>
    Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    Task<IndexHealth> HealthAsync(CancellationToken cancellationToken);
}

/// <summary>
/// An index that wraps another (analysts' corrections laid over every write, decision 160). Code that needs the engine
/// itself (its start-up preparation, its analysis version) reaches it through <see cref="MentionIndexes.Engine"/>.
/// </summary>
public interface IWrappingMentionIndex : IMentionIndex
{
    IMentionIndex Inner { get; }
}

public static class MentionIndexes
{
    /// <summary>The engine under any wrappers.</summary>
    public static IMentionIndex Engine(IMentionIndex index)
    {
        while (index is IWrappingMentionIndex wrapper)
        {
            index = wrapper.Inner;
        }

        return index;
    }
}

/// <summary>
/// An index failure that says the index is overloaded or unavailable for now (Elasticsearch's 429 and 5xx answers), not that a
/// mention is at fault: the pipeline waits for the index instead of parking what it was writing (decision 249).
/// </summary>
public interface ITransientIndexFailure
{
    bool Transient { get; }
}

public sealed record IndexHealth(bool Healthy, string Provider, long DocumentCount, string? Detail = null);

/// <summary>The filters every search, stats query and export shares.</summary>
public sealed record MentionFilter
{
    /// <summary>Full-text query: words, "quoted phrases", AND/OR/NOT, field:value.</summary>
    public string? Query { get; init; }

    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public string? Watch { get; init; }
    public string? Source { get; init; }
    public SentimentLabel? Sentiment { get; init; }
    public string? Topic { get; init; }
    public string? Author { get; init; }
    public string? Language { get; init; }
    public long? MinReach { get; init; }

    /// <summary>True to see only mentions still waiting for a model.</summary>
    public bool? Unscored { get; init; }

    public static readonly MentionFilter All = new();
}

public enum MentionSort
{
    Relevance,
    Newest,
    Oldest,
    Reach,
}

public sealed record MentionSearch
{
    public MentionFilter Filter { get; init; } = MentionFilter.All;
    public MentionSort Sort { get; init; } = MentionSort.Relevance;
    public int Size { get; init; } = 20;

    /// <summary>Offset paging for shallow pages.</summary>
    public int Offset { get; init; }

    /// <summary>Opaque cursor from a previous page's <see cref="MentionSearchResult.NextCursor"/> for deep paging.</summary>
    public string? After { get; init; }

    public bool Highlight { get; init; } = true;
}

public sealed record MentionHit(Mention Mention, float? Score, string? Snippet);

public sealed record MentionSearchResult(long Total, IReadOnlyList<MentionHit> Hits, string? NextCursor);

public enum StatsInterval
{
    Hour,
    Day,
    Week,
}

public enum MentionGroupBy
{
    Sentiment,
    Topic,
    Source,
    Watch,
}

public sealed record MentionStatsRequest
{
    public MentionFilter Filter { get; init; } = MentionFilter.All;
    public StatsInterval Interval { get; init; } = StatsInterval.Day;
    public MentionGroupBy? GroupBy { get; init; }
    public int TopN { get; init; } = 10;

    /// <summary>Fixed UTC offset the buckets start in (analysts read days in their own zone); ignored when <see cref="TimeZone"/> is given.</summary>
    public TimeSpan UtcOffset { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Zone the buckets start in, daylight saving included (decision 259): a fixed offset cuts the days on the far
    /// side of a clock change an hour off, so a 23- or 25-hour local day is one bucket here. Null means <see cref="UtcOffset"/>.
    /// </summary>
    public TimeZoneInfo? TimeZone { get; init; }
}

public sealed record StatsBucket(DateTimeOffset Start, long Count, IReadOnlyDictionary<string, long> Groups);

public sealed record TermCount(string Term, long Count);

public sealed record MentionStats(
    long Total,
    IReadOnlyList<StatsBucket> Histogram,
    IReadOnlyList<TermCount> TopTopics,
    IReadOnlyList<TermCount> TopSources,
    IReadOnlyList<TermCount> TopAuthors);
