namespace SentimentWatch.Core.Crawling;

/// <summary>How a crawled source has been doing: the operator's view and the input of "source went silent" alerts.</summary>
public sealed record SourceHealth
{
    public required string SourceId { get; init; }
    public required string Kind { get; init; }
    public bool Enabled { get; init; } = true;

    /// <summary>How often the source is expected to run; silence is judged against it.</summary>
    public TimeSpan? ExpectedInterval { get; init; }

    public DateTimeOffset? LastRunAt { get; init; }
    public DateTimeOffset? LastSuccessAt { get; init; }

    /// <summary>When the source last yielded at least one new mention.</summary>
    public DateTimeOffset? LastMentionAt { get; init; }

    public int LastItemsFound { get; init; }
    public long TotalItemsFound { get; init; }
    public long PagesFetched { get; init; }
    public long NotModified { get; init; }
    public int ConsecutiveFailures { get; init; }
    public string? LastError { get; init; }

    /// <summary>Error counts by kind (timeout, http_429, http_5xx, parse, robots, …).</summary>
    public IReadOnlyDictionary<string, long> ErrorsByKind { get; init; } = new Dictionary<string, long>();
}

/// <summary>Reads the crawl health of every configured source.</summary>
public interface ISourceHealthReader
{
    Task<IReadOnlyList<SourceHealth>> ListAsync(CancellationToken cancellationToken);
}
