using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Serving;

/// <summary>
/// The hybrid complaint-topic decision: when the keyword rule (the same <see cref="TopicRules"/>
/// that labelled the topic model's training data) names a category and the model answers
/// <see cref="ComplaintTopics.Other"/> or is less confident than <see cref="ConfidenceThreshold"/>,
/// the rule's category wins with probability max(model probability of that category,
/// <see cref="RuleProbability"/>); otherwise the model's answer is kept. See docs/scoring.md.
/// </summary>
public sealed class HybridTopic
{
    /// <summary>Below this top-class probability the model is not trusted over a matching rule (fixed, not tuned).</summary>
    public const float ConfidenceThreshold = 0.5f;

    /// <summary>
    /// Probability reported for a rule override: the share of rule overrides that were correct on
    /// the hand-labelled dev posts (30 of 34; evaluate verb, --split dev; models/MODEL.md).
    /// </summary>
    public const float RuleProbability = 0.88f;

    private readonly TopicRules _rules;
    private readonly Dictionary<string, int> _index;
    private readonly int _otherIndex;
    private readonly Training.TermMatcher _precedence;
    private readonly int[] _precedenceTopic;
    private readonly Training.TermMatcher _otherCues;

    /// <param name="version">Names the keyword list in <see cref="ModelScorer.ModelVersion"/>, so editing it re-scores stored mentions.</param>
    public HybridTopic(TopicRules rules, IReadOnlyList<string> topics, string version = "rules")
    {
        Version = version;
        _rules = rules;
        _index = topics.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        _otherIndex = _index.TryGetValue(ComplaintTopics.Other, out var other) ? other : -1;
        // Precedence keywords (safety: harm to people) win even over a confident model: a harm report is a safety case.
        var precedence = rules.Precedence.Where(_index.ContainsKey).SelectMany(c => rules.Categories[c].Select(k => (Keyword: k, Topic: _index[c]))).ToList();
        _precedence = new Training.TermMatcher(precedence.Select(p => p.Keyword).ToList());
        _precedenceTopic = precedence.Select(p => p.Topic).ToArray();
        _otherCues = new Training.TermMatcher(_otherIndex >= 0 ? rules.OtherCues : []);
    }

    /// <summary>"rules-" and a hash of the keywords file (see <see cref="LoadFrom"/>).</summary>
    public string Version { get; }

    /// <summary>The keywords file shipped next to the models, or null when the folder has none.</summary>
    public static HybridTopic? LoadFrom(string modelDirectory, TopicModel topic)
    {
        var path = Path.Combine(modelDirectory, "topic-keywords.json");
        if (!File.Exists(path))
        {
            return null;
        }

        var hash = TrainingRun.StableHash(File.ReadAllText(path).ReplaceLineEndings("\n"));
        return new HybridTopic(TopicRules.Load(path), topic.Topics, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"rules-{hash:x8}"));
    }

    /// <summary>The final topic for text passed through <see cref="Core.Mentions.TextNormalizer.Fold"/>, given the model's class probabilities.</summary>
    public (int Topic, float Probability, bool FromRule) Decide(string normalized, ReadOnlySpan<float> probabilities)
    {
        var best = 0;
        for (var c = 1; c < probabilities.Length; c++)
        {
            if (probabilities[c] > probabilities[best])
            {
                best = c;
            }
        }

        if (_precedenceTopic.Length > 0 && _precedence.FindFirst(normalized) is >= 0 and var hit)
        {
            var topic = _precedenceTopic[hit];
            return topic == best ? (best, probabilities[best], false) : (topic, Math.Max(probabilities[topic], RuleProbability), true);
        }

        if (best != _otherIndex && probabilities[best] >= ConfidenceThreshold)
        {
            return (best, probabilities[best], false);
        }

        var rule = _rules.LabelNormalized(normalized);
        if (rule == ComplaintTopics.Other && _otherIndex >= 0 && _otherCues.FindFirst(normalized) >= 0)
        {
            // No category keyword, but a complaint that names no aspect (a boycott, "won't go back"): the rubric's other,
            // kept by the complaint gate (FromRule); reported with the model's own P(other) (decision 176).
            return (_otherIndex, probabilities[_otherIndex], true);
        }

        if (rule is null || rule == ComplaintTopics.Other || !_index.TryGetValue(rule, out var ruled) || ruled == best)
        {
            return (best, probabilities[best], false);
        }

        return (ruled, Math.Max(probabilities[ruled], RuleProbability), true);
    }
}
