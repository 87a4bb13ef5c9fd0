using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Indexing.Api;

/// <summary>A mention as the API shows it: labels as words, not enum numbers, whatever the host's JSON settings.</summary>
public sealed record MentionView(
    string Id,
    string Source,
    string? ExternalId,
    string? Url,
    string? Author,
    string? ThreadId,
    string? Title,
    string Text,
    string Language,
    DateTimeOffset PublishedAt,
    DateTimeOffset CollectedAt,
    long Reach,
    long Likes,
    long Replies,
    long Shares,
    IReadOnlyList<string> Watches,
    string? Sentiment,
    SentimentProbabilities? SentimentProbabilities,
    string? Topic,
    float? TopicScore,
    IReadOnlyList<string> RiskTerms,
    string? ScoredBy,
    string? DuplicateOf,
    string? ModelSentiment = null,
    string? ModelTopic = null,
    LabelCorrectionView? Correction = null)
{
    public static MentionView From(Mention mention) => new(
        mention.Id,
        mention.Source,
        mention.ExternalId,
        mention.Url,
        mention.Author,
        mention.ThreadId,
        mention.Title,
        mention.Text,
        mention.Language,
        mention.PublishedAt,
        mention.CollectedAt,
        mention.Engagement.Reach,
        mention.Engagement.Likes,
        mention.Engagement.Replies,
        mention.Engagement.Shares,
        mention.Watches,
        mention.LabelledSentiment is { } s ? SentimentScore.ToWire(s) : null,
        mention.Sentiment is { } p ? new SentimentProbabilities(p.Negative, p.Neutral, p.Positive) : null,
        mention.LabelledTopic,
        mention.Topic?.Score,
        mention.RiskTerms,
        mention.ScoredBy,
        mention.DuplicateOf,
        mention.Sentiment is { } m ? SentimentScore.ToWire(m.Label) : null,
        mention.Topic?.Topic,
        mention.Correction is { } c ? new LabelCorrectionView(c.Sentiment is { } cs ? SentimentScore.ToWire(cs) : null, c.Topic, c.By, c.At) : null);
}

/// <summary>
/// An analyst's correction as the API shows it: <c>sentiment</c> and <c>topic</c> of the mention are then the corrected
/// labels, <c>modelSentiment</c> and <c>modelTopic</c> what the model said (decision 160).
/// </summary>
public sealed record LabelCorrectionView(string? Sentiment, string? Topic, string By, DateTimeOffset At);

public sealed record SentimentProbabilities(float Negative, float Neutral, float Positive);

public sealed record MentionHitView(MentionView Mention, float? Score, string? Snippet);

/// <summary>One page of search results; pass <see cref="NextCursor"/> back as <c>cursor</c> for the next page.</summary>
public sealed record MentionPage(long Total, IReadOnlyList<MentionHitView> Hits, string? NextCursor);

/// <summary>A mention in the labelling queue with the model's certainty (0 = a coin toss between two labels, 1 = sure).</summary>
public sealed record QueuedMentionView(MentionView Mention, double Certainty);

/// <summary>The labelling queue (decision 212): how many recent mentions were read, how many could be queued, the least certain first.</summary>
public sealed record LabellingQueueView(string Kind, int Read, int Candidates, bool WindowFull, IReadOnlyList<QueuedMentionView> Items);

public sealed record MentionStatsView(
    long Total,
    string Interval,
    string? GroupBy,
    IReadOnlyList<StatsBucket> Histogram,
    IReadOnlyList<TermCount> TopTopics,
    IReadOnlyList<TermCount> TopSources,
    IReadOnlyList<TermCount> TopAuthors);
