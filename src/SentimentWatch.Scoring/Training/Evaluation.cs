using System.Globalization;
using System.Text;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Serving;

namespace SentimentWatch.Scoring.Training;

/// <summary>Measures a model on labelled data and renders the figures the model card reports.</summary>
public static class Evaluation
{
    public static readonly string[] SentimentClasses = ["negative", "neutral", "positive"];

    /// <summary>Negative-detection balanced accuracy of a binary model on two-class texts (negative = P(positive) &lt; 0.5).</summary>
    public static double BinaryBalancedAccuracy(IReadOnlyList<LabelledText> texts, IReadOnlyList<float> positiveProbability) =>
        Metrics.BalancedAccuracy(texts.Select(t => !t.Positive).ToList(), positiveProbability.Select(p => p < 0.5f).ToList());

    public static float[] PositiveProbabilities(SentimentModel model, IReadOnlyList<string> texts)
    {
        var vector = new Featurization.FeatureVector();
        var result = new float[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            model.Featurizer.Featurize(texts[i], vector);
            result[i] = model.PositiveProbability(vector);
        }

        return result;
    }

    /// <summary>Three-class report of the sentiment model on hand-labelled posts, per language and overall.</summary>
    public static string SentimentReport(SentimentModel model, IReadOnlyList<LabelledPost> posts)
    {
        var scorer = new ModelScorerForSentiment(model);
        var sb = new StringBuilder();
        foreach (var group in posts.GroupBy(p => p.Language).OrderBy(g => g.Key).Append(posts.GroupBy(_ => "all").Single()))
        {
            var actual = group.Select(p => p.Sentiment).ToList();
            var predicted = group.Select(p => scorer.Label(p.Text)).ToList();
            var ba = Metrics.BalancedAccuracy(actual.Select(a => a == "negative").ToList(), predicted.Select(a => a == "negative").ToList());
            sb.AppendLine(CultureInfo.InvariantCulture, $"## {group.Key}: {actual.Count} posts");
            sb.AppendLine(CultureInfo.InvariantCulture, $"accuracy {Metrics.Accuracy(actual, predicted):F3}  macro-F1 {Metrics.MacroF1(actual, predicted, SentimentClasses):F3}  negative-detection balanced accuracy {ba:F3}");
            sb.Append(ClassTable(actual, predicted, SentimentClasses));
        }

        return sb.ToString();
    }

    public static string ClassTable(IReadOnlyList<string> actual, IReadOnlyList<string> predicted, IReadOnlyList<string> classes)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| class | n | precision | recall | F1 |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var c in classes)
        {
            var tp = actual.Zip(predicted).Count(x => x.First == c && x.Second == c);
            var n = actual.Count(a => a == c);
            var predictedCount = predicted.Count(p => p == c);
            var precision = predictedCount == 0 ? 0 : (double)tp / predictedCount;
            var recall = n == 0 ? 0 : (double)tp / n;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {n} | {precision:F3} | {recall:F3} | {f1:F3} |");
        }

        sb.AppendLine();
        sb.AppendLine("confusion (rows actual, columns predicted):");
        sb.AppendLine("| | " + string.Join(" | ", classes) + " |");
        sb.AppendLine("|---|" + string.Concat(classes.Select(_ => "---|")));
        foreach (var a in classes)
        {
            sb.AppendLine($"| {a} | " + string.Join(" | ", classes.Select(p => actual.Zip(predicted).Count(x => x.First == a && x.Second == p))) + " |");
        }

        sb.AppendLine();
        return sb.ToString();
    }

    /// <summary>Topic report over (text, true topic) pairs.</summary>
    /// <remarks>With <paramref name="hybrid"/>, the topic is decided exactly as <see cref="ModelScorer"/> does with the keyword rules.</remarks>
    public static string TopicReport(TopicModel model, IReadOnlyList<(string Text, string Topic)> items, HybridTopic? hybrid = null)
    {
        var vector = new Featurization.FeatureVector();
        var probabilities = new float[model.Topics.Count];
        var overrides = 0;
        var overridesRight = 0;
        var predicted = items.Select(i =>
        {
            var normalized = model.Featurizer.Prepare(i.Text);
            model.Featurizer.FeaturizeNormalized(normalized, vector);
            if (hybrid is null)
            {
                return model.Topics[model.Predict(vector).Topic];
            }

            model.Probabilities(vector, probabilities);
            var (topic, _, fromRule) = hybrid.Decide(ChineseScript.ToSimplified(normalized), probabilities);
            if (fromRule)
            {
                overrides++;
                overridesRight += model.Topics[topic] == i.Topic ? 1 : 0;
            }

            return model.Topics[topic];
        }).ToList();
        var actual = items.Select(i => i.Topic).ToList();
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{items.Count} texts: accuracy {Metrics.Accuracy(actual, predicted):F3}  macro-F1 {Metrics.MacroF1(actual, predicted, model.Topics):F3}");
        if (hybrid is not null)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"keyword-rule overrides: {overrides}, correct {overridesRight} ({(overrides == 0 ? 0 : (double)overridesRight / overrides):F3})");
        }

        sb.Append(ClassTable(actual, predicted, model.Topics));
        return sb.ToString();
    }

    /// <summary>The three-way label exactly as <see cref="ModelScorer"/> computes it.</summary>
    private sealed class ModelScorerForSentiment(SentimentModel model)
    {
        private readonly Featurization.FeatureVector _vector = new();

        public string Label(string text)
        {
            var prepared = model.Featurizer.Prepare(text);
            model.Featurizer.FeaturizeNormalized(prepared, _vector, text);
            return Core.Scoring.SentimentScore.ToWire(SentimentModel.LabelOf(model.Probabilities(_vector, prepared, LanguageDetector.Detect(text))));
        }
    }
}
