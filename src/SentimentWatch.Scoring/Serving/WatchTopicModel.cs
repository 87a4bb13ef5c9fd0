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

    private readonly int _other = topic.Topics.ToList().IndexOf(ComplaintTopics.Other);
    private readonly int _safety = topic.Topics.ToList().IndexOf(ComplaintTopics.Safety);

    public static WatchTopicModel Load(MLContext ml, string folder, string setting)
    {
        var topic = TopicModel.Load(ml, Path.Combine(folder, "topic.zip"), setting);
        return new WatchTopicModel(topic, HybridTopic.LoadFrom(folder, topic));
    }

    /// <summary>
    /// The topic exactly as the default taxonomy's is decided (<see cref="ModelScorer.ScoreOne"/>): model, keyword override,
    /// the complaint gate on every post unless the keyword rules chose <c>other</c> (decisions 176, 184), and a report of harm
    /// that is not served positive filed under the taxonomy's <c>safety</c> when it has one (decision 169). Until decision 205
    /// a watch's taxonomy gated negative posts only and had no harm rule.
    /// </summary>
    public TopicScore Decide(string text, SentimentLabel sentiment, FeatureVector vector, float otherThreshold)
    {
        var prepared = Topic.Featurizer.Prepare(text);
        Span<float> probabilities = stackalloc float[Topic.Topics.Count];
        var (topic, probability) = Decide(prepared, text, vector, otherThreshold, probabilities);

        var harm = _safety >= 0 ? HarmTerms.Shipped.Judge(ChineseScript.ToSimplified(prepared)) : default;
        var move = harm.TopicMove(topic, _safety, sentiment);
        if (move == HarmTopicMove.ToSafety)
        {
            (topic, probability) = (_safety, Math.Max(probabilities[_safety], HybridTopic.RuleProbability));
        }
        else if (move == HarmTopicMove.DecideWithoutTerms)
        {
            // The list set the harm word aside (decision 243): the topic is decided again without the words it reads.
            var without = Decide(HarmTerms.Shipped.MaskTerms(ChineseScript.ToSimplified(prepared)), null, vector, otherThreshold, probabilities);
            if (without.Topic != _safety)
            {
                (topic, probability) = without;
            }
        }

        return new TopicScore(Topic.Topics[topic], probability);
    }

    // Model, keyword override and the complaint gate on text already prepared by the topic featurizer (original: as written, for the case features).
    private (int Topic, float Probability) Decide(string prepared, string? original, FeatureVector vector, float otherThreshold, Span<float> probabilities)
    {
        // Keyword rules and the harm list match folded text, as in ScoreOne.
        var folded = ChineseScript.ToSimplified(prepared);
        Topic.Featurizer.FeaturizeNormalized(prepared, vector, original);
        Topic.Probabilities(vector, probabilities);
        var best = 0;
        for (var c = 1; c < probabilities.Length; c++)
        {
            best = probabilities[c] > probabilities[best] ? c : best;
        }

        var (topic, probability) = (best, probabilities[best]);
        var fromRule = false;
        if (Hybrid is not null)
        {
            (topic, probability, fromRule) = Hybrid.Decide(folded, probabilities);
        }

        if (otherThreshold > 0f && !fromRule)
        {
            (topic, probability) = ComplaintGate.Decide(probabilities, topic, probability, _other, otherThreshold);
        }

        return (topic, probability);
    }
}
