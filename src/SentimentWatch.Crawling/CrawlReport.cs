namespace SentimentWatch.Crawling;

/// <summary>What one run of one source did: the numbers crawl health is made of.</summary>
public sealed class CrawlReport
{
    public required string SourceId { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; set; }
    public int PagesFetched { get; set; }
    public int NotModified { get; set; }
    public int Disallowed { get; set; }
    public int ItemsParsed { get; set; }
    public int NewItems { get; set; }
    public List<string> Errors { get; } = [];
    public Dictionary<string, long> ErrorsByKind { get; } = [];

    /// <summary>Every post read in the run, new or already known, with its counts: what hot-post revisits compare.</summary>
    public List<ObservedPost> Observed { get; } = [];

    /// <summary>Pages read again to follow hot posts (decision 156), and how many posts' counts grew.</summary>
    public int PagesRevisited { get; set; }

    public int EngagementUpdates { get; set; }

    /// <summary>Threads read from the last page the previous run read instead of page 1, and threads not fetched because their list reply count had not moved (decision 171).</summary>
    public int ThreadsResumed { get; set; }

    public int ThreadsUnchanged { get; set; }

    /// <summary>Set when the run could not do its job at all (every start URL failed, intake down).</summary>
    public string? FatalError { get; set; }

    public bool Succeeded => FatalError is null;

    public void AddError(string kind, string message)
    {
        ErrorsByKind[kind] = ErrorsByKind.GetValueOrDefault(kind) + 1;
        Errors.Add(message);
    }
}

/// <summary>A post as one read saw it: enough to tell whether its engagement grew and where to read it again.</summary>
public sealed record ObservedPost(string MentionId, Uri Page, Uri? Thread, DateTimeOffset PublishedAt, bool PublishedAtEstimated, Core.Mentions.Engagement Engagement);

/// <summary>One line of progress: a page fetched (or not) and what it yielded.</summary>
public sealed record CrawlPageEvent(Uri Url, string Outcome, int Items, int NewItems);
