using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Core.Mentions;

/// <summary>
/// One thing somebody said somewhere about a watched brand: a post, a reply, a review, a
/// feedback form. Normalised from whatever channel it came through; its <see cref="Id"/>
/// is stable across crawls and restarts (see <see cref="MentionId"/>).
/// </summary>
public sealed record Mention
{
    public required string Id { get; init; }

    /// <summary>The configured source or intake channel it came from, e.g. <c>discuz-brand</c>.</summary>
    public required string Source { get; init; }

    /// <summary>The id the origin site gives it (post id, status id), when it has one.</summary>
    public string? ExternalId { get; init; }

    public string? Url { get; init; }
    public string? Author { get; init; }

    /// <summary>The thread or conversation it belongs to, so later replies attach to one case.</summary>
    public string? ThreadId { get; init; }

    public string? Title { get; init; }
    public required string Text { get; init; }

    /// <summary><c>zh</c>, <c>en</c>, <c>mixed</c> or <c>und</c>; see <see cref="LanguageDetector"/>.</summary>
    public string Language { get; init; } = LanguageDetector.Undetermined;

    public required DateTimeOffset PublishedAt { get; init; }

    /// <summary>
    /// True when the origin printed no time the crawler could read, so <see cref="PublishedAt"/>
    /// is the collection time: the mention is kept, but it is not evidence of anything new
    /// (a years-old post read today must not look like a spike).
    /// </summary>
    public bool PublishedAtEstimated { get; init; }

    public required DateTimeOffset CollectedAt { get; init; }
    public Engagement Engagement { get; init; } = Engagement.None;

    /// <summary>Ids of the watches whose query this mention matches.</summary>
    public IReadOnlyList<string> Watches { get; init; } = [];

    /// <summary>Null until a model has scored it: never an invented score.</summary>
    public SentimentScore? Sentiment { get; init; }

    public TopicScore? Topic { get; init; }

    /// <summary>High-risk terms (爆炸, lawsuit, …) the scorer found in the text.</summary>
    public IReadOnlyList<string> RiskTerms { get; init; } = [];

    /// <summary>The model version that produced the scores; null while unscored.</summary>
    public string? ScoredBy { get; init; }

    /// <summary>Id of an earlier mention with (nearly) the same text, when this one is a repost.</summary>
    public string? DuplicateOf { get; init; }

    /// <summary>Near-duplicate fingerprint of the normalised text (64-bit SimHash).</summary>
    public ulong Fingerprint { get; init; }

    /// <summary>
    /// The channel says this is a complaint (e-mail, hotline, app feedback form): it opens a
    /// complaint case whatever its sentiment score.
    /// </summary>
    public bool DirectComplaint { get; init; }

    /// <summary>
    /// An analyst's correction of the labels (decision 160): search, filters and stats read the corrected
    /// labels, while <see cref="Sentiment"/> and <see cref="Topic"/> keep what the model said.
    /// </summary>
    public LabelCorrection? Correction { get; init; }

    public bool IsScored => Sentiment is not null;

    /// <summary>The sentiment label analysts see: the corrected one when there is a correction, else the model's.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public SentimentLabel? LabelledSentiment => Correction?.Sentiment ?? Sentiment?.Label;

    /// <summary>The complaint topic analysts see: the corrected one when there is a correction, else the model's.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? LabelledTopic => Correction?.Topic ?? Topic?.Topic;
}

/// <summary>How far a mention travels: the numbers the origin site shows.</summary>
public sealed record Engagement(long Reach = 0, long Likes = 0, long Replies = 0, long Shares = 0)
{
    public static readonly Engagement None = new();

    /// <summary>One number to rank and threshold on: followers/views, else interactions (their sum saturates, never wraps).</summary>
    public long Total
    {
        get
        {
            var interactions = (Int128)Math.Max(0, Likes) + Math.Max(0, Replies) + Math.Max(0, Shares);
            return Math.Max(Reach, interactions > long.MaxValue ? long.MaxValue : (long)interactions);
        }
    }
}
