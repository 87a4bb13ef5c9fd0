namespace SentimentWatch.Storage.Mentions;

public enum MentionState
{
    /// <summary>Accepted and durable, not yet through the pipeline.</summary>
    Pending = 0,

    /// <summary>Indexed and handed to observers.</summary>
    Processed = 1,

    /// <summary>Failed in a way retrying will not fix; kept with its reason for an operator.</summary>
    Parked = 2,
}

/// <summary>
/// One row of the mention ledger: the durable record of every mention taken in, its
/// progress through the pipeline, and its latest scores. The index can always be rebuilt
/// from here.
/// </summary>
public sealed class MentionRecord
{
    /// <summary>Arrival order; the pipeline reads pending mentions in this order.</summary>
    public long Sequence { get; set; }

    public required string Id { get; set; }
    public required string Source { get; set; }
    public string? ExternalId { get; set; }
    public string? Url { get; set; }
    public string? Author { get; set; }
    public string? ThreadId { get; set; }
    public string? Title { get; set; }
    public required string Text { get; set; }
    public required string Language { get; set; }
    public DateTimeOffset PublishedAt { get; set; }

    /// <summary>PublishedAt is the collection time because the origin printed no readable time.</summary>
    public bool PublishedAtEstimated { get; set; }
    public DateTimeOffset CollectedAt { get; set; }
    public long Reach { get; set; }
    public long Likes { get; set; }
    public long Replies { get; set; }
    public long Shares { get; set; }

    /// <summary>SimHash split in four 16-bit bands: two texts within Hamming distance 3 share a band.</summary>
    public long Fingerprint { get; set; }

    public int Band0 { get; set; }
    public int Band1 { get; set; }
    public int Band2 { get; set; }
    public int Band3 { get; set; }

    public string? DuplicateOf { get; set; }

    /// <summary>The intake channel flagged it as a complaint (opens a case whatever its score).</summary>
    public bool DirectComplaint { get; set; }

    /// <summary>Watch ids, space separated (ids are slugs).</summary>
    public string Watches { get; set; } = string.Empty;

    public string? Sentiment { get; set; }
    public float? Negative { get; set; }
    public float? Neutral { get; set; }
    public float? Positive { get; set; }
    public string? Topic { get; set; }
    public float? TopicScore { get; set; }

    /// <summary>Risk terms, tab separated.</summary>
    public string RiskTerms { get; set; } = string.Empty;

    public string? ScoredBy { get; set; }

    public MentionState State { get; set; }
    public int Attempts { get; set; }
    public string? ParkedReason { get; set; }
    public DateTimeOffset AcceptedAt { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }

    /// <summary>
    /// The pipeline worker processing this pending mention (PostgreSQL, several workers; decision 142);
    /// null when nobody holds it. Unused on SQLite, where one process reads the ledger.
    /// </summary>
    public string? LeaseOwner { get; set; }

    /// <summary>When <see cref="LeaseOwner"/>'s claim lapses and another worker may take the mention over.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }
}
