using SentimentWatch.Scoring.Featurization;

namespace SentimentWatch.Scoring.Models;

/// <summary>
/// What SentimentWatch writes next to ML.NET's own entries in a model zip: which featurizer the
/// weights expect, which trainer made them, for the topic model the class names in order, and
/// for the sentiment model the neutral bands fitted on the hand-labelled dev posts and the
/// out-of-domain blend (<see cref="SentimentBlend"/>).
/// </summary>
public sealed record ModelManifest(
    string Kind,
    string Version,
    FeaturizerSettings Featurizer,
    string Trainer,
    IReadOnlyList<string> Classes,
    DateTimeOffset TrainedAt,
    IReadOnlyDictionary<string, NeutralBand>? Bands = null,
    SentimentBlend? Blend = null)
{
    public const string SentimentKind = "sentiment";
    public const string TopicKind = "topic";
}
