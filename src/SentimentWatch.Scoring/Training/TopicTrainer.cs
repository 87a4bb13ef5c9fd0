using Microsoft.ML;
using Microsoft.ML.Trainers;
using SentimentWatch.Scoring.Featurization;
using SentimentWatch.Scoring.Models;

namespace SentimentWatch.Scoring.Training;

/// <summary>Trains the multiclass complaint-topic model (L-BFGS maximum entropy, L1 keeps it sparse) on rule-labelled texts.</summary>
public static class TopicTrainer
{
    public static (ITransformer Model, DataViewSchema Schema) Train(
        MLContext ml, TextFeaturizer featurizer, IReadOnlyList<(string Text, string Label)> data, IReadOnlyList<string> classes)
    {
        var view = ml.Data.Cache(FeatureData.Multiclass(ml, featurizer, data));
        var keys = ml.Data.LoadFromEnumerable(classes.Select(c => new FeatureData.ClassName { Label = c }).ToList());
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyData: keys)
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                L1Regularization = 0.02f,
                L2Regularization = 0.5f,
                OptimizationTolerance = 1e-6f,
            }));
        return (pipeline.Fit(view), view.Schema);
    }

    public static ModelManifest Manifest(FeaturizerSettings settings, IReadOnlyList<string> classes, DateTimeOffset now) =>
        new(ModelManifest.TopicKind, $"topic-maxent-{now:yyyyMMddHHmm}", settings, "lbfgs-maximum-entropy", classes, now);
}
