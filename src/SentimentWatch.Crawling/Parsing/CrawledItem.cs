namespace SentimentWatch.Crawling.Parsing;

/// <summary>One post, entry or status as a parser read it, before it becomes a Mention.</summary>
public sealed record CrawledItem
{
    public string? ExternalId { get; init; }
    public string? Url { get; init; }

    /// <summary>
    /// False when <see cref="Url"/> is only the page the item was found on (no post id, no
    /// permalink): the id then comes from thread, author and text, so the posts of one page
    /// do not share an id.
    /// </summary>
    public bool UrlIdentifiesItem { get; init; } = true;

    public string? Author { get; init; }
    public string? Title { get; init; }
    public required string Text { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public string? ThreadId { get; init; }
    public long Replies { get; init; }
    public long Likes { get; init; }
    public long Shares { get; init; }
    public long Reach { get; init; }
}

/// <summary>What a parser made of one page: items, where to go next, and what it had to skip.</summary>
public sealed record ParsedPage
{
    public IReadOnlyList<CrawledItem> Items { get; init; } = [];

    /// <summary>Thread pages a list page links to, with the reply count shown beside each.</summary>
    public IReadOnlyList<ThreadLink> Threads { get; init; } = [];

    public Uri? Next { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = [];
}

public sealed record ThreadLink(Uri Url, long Replies);
