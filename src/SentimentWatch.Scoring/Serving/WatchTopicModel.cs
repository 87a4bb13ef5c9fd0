using Microsoft.ML;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Featurization;
using SentimentWatch.Scoring.Models;

namespace SentimentWatch.Scoring.Serving;

/// <summary>
/// A watch's own complaint taxonomy (decision 126): its topic model and, when the folder has its
/// topic-keywords.json, the same keyword override as the default taxonomy.
/// </summary>
public sealed class WatchTopicModel(TopicModel topic, HybridTopic? hybrid)
{
    public TopicModel Topic { get; } = topic;

    public HybridTopic? Hybrid { get; } = hybrid;

    public string Version => Topic.Manifest.Version + (Hybrid is null ? "" : "+" + Hybrid.Version);

    public static WatchTopicModel Load(MLContext ml, string folder, string setting)
    {
        var topic = TopicModel.Load(ml, Path.Combine(folder, "topic.zip"), setting);
        return new WatchTopicModel(topic, HybridTopic.LoadFrom(folder, topic));
    }

    /// <summary>The topic exactly as the default taxonomy's is decided: model, keyword override, complaint gate.</summary>
    public TopicScore Decide(string text, bool complaint, FeatureVector vector, float otherThreshold)
    {
        var prepared = Topic.Featurizer.Prepare(text);
        Topic.Featurizer.FeaturizeNormalized(prepared, vector, text);
        Span<float> probabilities = stackalloc float[Topic.Topics.Count];
        Topic.Probabilities(vector, probabilities);
        var best = 0;
        for (var c = 1; c < probabilities.Length; c++)
        {
            best = probabilities[c] > probabilities[best] ? c : best;
        }

        var (topic, probability) = (best, probabilities[best]);
        if (Hybrid is not null)
        {
            (topic, probability, _) = Hybrid.Decide(ChineseScript.ToSimplified(prepared), probabilities);
        }

        if (complaint && otherThreshold > 0f)
        {
            var other = -1;
            for (var c = 0; c < Topic.Topics.Count; c++)
            {
                other = Topic.Topics[c] == ComplaintTopics.Other ? c : other;
            }

            (topic, probability) = ComplaintGate.Decide(probabilities, topic, probability, other, otherThreshold);
        }

        return new TopicScore(Topic.Topics[topic], probability);
    }
}
