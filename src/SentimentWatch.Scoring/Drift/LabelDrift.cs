using Microsoft.Extensions.Options;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Serving;

namespace SentimentWatch.Scoring.Drift;

/// <summary>One side-by-side of live and training labels, with its divergence.</summary>
public sealed record DriftFigure(
    IReadOnlyDictionary<string, double> Recent,
    IReadOnlyDictionary<string, double>? Training,
    long RecentCount,
    double? Divergence,
    bool Flagged);

/// <summary>The answer of <c>GET /api/scoring/drift</c>.</summary>
public sealed record DriftReport(
    DateTimeOffset From,
    DateTimeOffset To,
    string Measure,
    double Threshold,
    int MinimumMentions,
    DriftFigure Sentiment,
    DriftFigure Topic,
    bool Flagged,
    string? SentimentModel,
    string? TopicModel,
    string? Note);

/// <summary>
/// Compares the labels of the mentions scored in the last <see cref="ScoringOptions.DriftWindow"/> (read from the index,
/// so analysts' corrections count as the label) with the training data's (decision 162).
/// </summary>
public sealed class LabelDrift(IMentionIndex index, IOptions<ScoringOptions> options, TimeProvider clock)
{
    public const string Measure = "Jensen–Shannon divergence, base 2 (0 = same shares, 1 = no label in common)";

    public async Task<DriftReport> MeasureAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var to = clock.GetUtcNow();
        var from = to - settings.DriftWindow;
        var recent = new MentionFilter { From = from, To = to, Unscored = false };
        var sentiment = await CountsAsync(recent, MentionGroupBy.Sentiment, cancellationToken);
        var topic = await CountsAsync(recent with { Sentiment = SentimentLabel.Negative }, MentionGroupBy.Topic, cancellationToken);

        var path = settings.TrainingDistributionPath;
        var training = File.Exists(path) ? LabelDistribution.Load(path) : null;
        var sentimentFigure = Figure(sentiment, training?.Sentiment, settings);
        var topicFigure = Figure(topic, training?.Topic, settings);
        return new DriftReport(from, to, Measure, settings.DriftThreshold, settings.DriftMinimumMentions, sentimentFigure, topicFigure,
            sentimentFigure.Flagged || topicFigure.Flagged, training?.SentimentModel, training?.TopicModel,
            training is null
                ? $"no training label distribution at {path} (Scoring:TrainingDistribution): train the models (train, train-sentiment) or run `label-distribution --data <folder>` to write it"
                : "topic shares are of negative mentions only (the texts the topic model was trained on)");
    }

    private static DriftFigure Figure(IReadOnlyDictionary<string, long> counts, IReadOnlyDictionary<string, double>? training, ScoringOptions settings)
    {
        var (shares, total) = LabelDistribution.Shares(counts);
        double? divergence = training is { Count: > 0 } && total > 0 ? Math.Round(LabelDistribution.JensenShannon(shares, training), 4) : null;
        return new DriftFigure(shares, training, total, divergence, divergence > settings.DriftThreshold && total >= settings.DriftMinimumMentions);
    }

    private async Task<IReadOnlyDictionary<string, long>> CountsAsync(MentionFilter filter, MentionGroupBy groupBy, CancellationToken cancellationToken)
    {
        var stats = await index.StatsAsync(new MentionStatsRequest { Filter = filter, Interval = StatsInterval.Week, GroupBy = groupBy, TopN = 1 }, cancellationToken);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var bucket in stats.Histogram)
        {
            foreach (var (label, count) in bucket.Groups)
            {
                counts[label] = counts.GetValueOrDefault(label) + count;
            }
        }

        return counts;
    }
}
