using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Core.Scoring;

/// <summary>What the labelling queue ranks by (decision 212).</summary>
public enum LabellingQueueKind
{
    /// <summary>The sentiment the model was least sure of: the smallest gap between its two most probable classes.</summary>
    Sentiment,

    /// <summary>The complaint topic the model was least sure of, among mentions labelled negative (the ones cases are routed by).</summary>
    Topic,
}

/// <summary>A mention waiting for an analyst's label, with how sure the model was (0 = a coin toss, 1 = certain).</summary>
public sealed record QueuedMention(Mention Mention, double Certainty);

/// <summary>The queue: the least certain first, and how many recent mentions it was chosen from.</summary>
public sealed record LabellingQueueResult(IReadOnlyList<QueuedMention> Items, int Read, int Candidates, bool WindowFull);

/// <summary>
/// "Label these first" (issue 19 item 4, decision 212): among the most recent mentions matching a filter, those whose label the
/// model was least sure of and that nobody has corrected yet. An analyst's correction on one of them teaches the next training
/// the most (uncertainty sampling), and a wrong label the model was unsure of is the likeliest wrong label on screen.
/// </summary>
public static class LabellingQueue
{
    public const int DefaultWindow = 2_000;
    public const int MaxWindow = 10_000;
    private const int PageSize = 500;

    /// <summary>The gap between the two most probable sentiment classes: 0 when they tie, 1 when one holds everything.</summary>
    public static double SentimentCertainty(SentimentScore score)
    {
        Span<float> p = [score.Negative, score.Neutral, score.Positive];
        p.Sort();
        return Math.Clamp(p[2] - p[1], 0f, 1f);
    }

    /// <summary>
    /// How sure the model was of what <paramref name="kind"/> asks about, or null when the mention does not belong in that queue:
    /// unscored, a repost (label the original), already corrected on that label, or (topic) not labelled negative.
    /// </summary>
    public static double? Certainty(Mention mention, LabellingQueueKind kind)
    {
        if (mention.Sentiment is not { } sentiment || mention.DuplicateOf is not null)
        {
            return null;
        }

        return kind switch
        {
            LabellingQueueKind.Sentiment => mention.Correction?.Sentiment is null ? SentimentCertainty(sentiment) : null,
            LabellingQueueKind.Topic => mention.Correction?.Topic is null && mention.LabelledSentiment == SentimentLabel.Negative && mention.Topic is { } topic
                ? Math.Clamp(topic.Score, 0f, 1f)
                : null,
            _ => null,
        };
    }

    /// <summary>Ranks mentions least certain first (ties: the newest first), leaving out those that do not belong in the queue.</summary>
    public static IReadOnlyList<QueuedMention> Rank(IEnumerable<Mention> mentions, LabellingQueueKind kind, int size) =>
        [.. mentions
            .Select(m => (Mention: m, Certainty: Certainty(m, kind)))
            .Where(x => x.Certainty is not null)
            .OrderBy(x => x.Certainty!.Value)
            .ThenByDescending(x => x.Mention.PublishedAt)
            .ThenBy(x => x.Mention.Id, StringComparer.Ordinal)
            .Take(size)
            .Select(x => new QueuedMention(x.Mention, x.Certainty!.Value))];

    /// <summary>
    /// Reads up to <paramref name="window"/> of the newest mentions matching <paramref name="filter"/> (pages of 500 through the
    /// index's cursor) and returns the <paramref name="size"/> least certain of them.
    /// </summary>
    public static async Task<LabellingQueueResult> ReadAsync(IMentionIndex index, MentionFilter filter, LabellingQueueKind kind, int size, int window,
        CancellationToken cancellationToken)
    {
        var read = new List<Mention>(Math.Min(window, PageSize * 4));
        string? cursor = null;
        while (read.Count < window)
        {
            var page = await index.SearchAsync(
                new MentionSearch { Filter = filter, Sort = MentionSort.Newest, Size = Math.Min(PageSize, window - read.Count), After = cursor, Highlight = false },
                cancellationToken);
            read.AddRange(page.Hits.Select(h => h.Mention));
            if (page.Hits.Count == 0 || page.NextCursor is null)
            {
                break;
            }

            cursor = page.NextCursor;
        }

        var candidates = read.Count(m => Certainty(m, kind) is not null);
        return new LabellingQueueResult(Rank(read, kind, size), read.Count, candidates, read.Count >= window);
    }
}
