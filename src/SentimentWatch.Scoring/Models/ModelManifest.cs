using SentimentWatch.Scoring.Featurization;

namespace SentimentWatch.Scoring.Models;

/// <summary>
/// What SentimentWatch writes next to ML.NET's own entries in a model zip: which featurizer the
/// weights expect, which trainer made them and, for the topic model, the class names in order.
/// </summary>
public sealed record ModelManifest(
    string Kind,
    string Version,
    FeaturizerSettings Featurizer,
    string Trainer,
    IReadOnlyList<string> Classes,
    DateTimeOffset TrainedAt)
{
    public const string SentimentKind = "sentiment";
    public const string TopicKind = "topic";
}
