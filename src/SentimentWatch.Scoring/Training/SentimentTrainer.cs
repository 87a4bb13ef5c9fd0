using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using SentimentWatch.Scoring.Featurization;
using SentimentWatch.Scoring.Models;

namespace SentimentWatch.Scoring.Training;

/// <summary>
/// Trains the binary sentiment model with ML.NET over <see cref="TextFeaturizer"/> features.
/// Every trainer ends in a Platt-calibrated linear model so <see cref="SentimentModel"/> can
/// serve it directly.
/// </summary>
public static class SentimentTrainer
{
    public const string Lbfgs = "lbfgs";
    public const string Sdca = "sdca";
    public const string AveragedPerceptron = "averaged-perceptron";

    public static IReadOnlyList<string> Trainers { get; } = [Lbfgs, Sdca, AveragedPerceptron];

    public static (ITransformer Model, DataViewSchema Schema) Train(
        MLContext ml, TextFeaturizer featurizer, IReadOnlyList<LabelledText> data, string trainer, float l2 = 1f, float l1 = 0.05f) =>
        Train(ml, ml.Data.Cache(FeatureData.Binary(ml, featurizer, data)), trainer, l2, l1);

    /// <param name="l2">L-BFGS L2 weight (the only regularisation the sweep varies with <paramref name="l1"/>).</param>
    /// <param name="tolerance">L-BFGS convergence tolerance (the v2 heads train on ~20× more rows and stop earlier).</param>
    internal static (ITransformer Model, DataViewSchema Schema) Train(MLContext ml, IDataView view, string trainer, float l2, float l1, float tolerance = 1e-6f)
    {
        IEstimator<ITransformer> estimator = trainer switch
        {
            Lbfgs => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                L2Regularization = l2,
                L1Regularization = l1,
                OptimizationTolerance = tolerance,
                HistorySize = 20,
            }),
            Sdca => ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
            {
                L2Regularization = 1e-4f,
                MaximumNumberOfIterations = 30,
                Shuffle = true,
                NumberOfThreads = 1,
            }),
            AveragedPerceptron => ml.BinaryClassification.Trainers.AveragedPerceptron(new AveragedPerceptronTrainer.Options
            {
                NumberOfIterations = 10,
                LearningRate = 0.5f,
                L2Regularization = 1e-5f,
                Shuffle = true,
            }).Append(ml.BinaryClassification.Calibrators.Platt()),
            _ => throw new ArgumentException($"Unknown trainer '{trainer}'; use one of {string.Join(", ", Trainers)}.", nameof(trainer)),
        };
        return (estimator.Fit(view), view.Schema);
    }

    /// <summary>The ML.NET baseline the issue quotes: FeaturizeText over raw text + SDCA logistic regression.</summary>
    public static Func<IReadOnlyList<string>, float[]> TrainBaseline(MLContext ml, IReadOnlyList<LabelledText> data)
    {
        var pipeline = ml.Transforms.Text.FeaturizeText("Features", "Text")
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression());
        var model = pipeline.Fit(FeatureData.Text(ml, data));
        return texts =>
        {
            var scored = model.Transform(FeatureData.Text(ml, texts.Select(t => new LabelledText(t, false, "", ""))));
            return scored.GetColumn<float>("Probability").ToArray();
        };
    }

    public static SentimentModel ToServing(ITransformer model, ModelManifest manifest) =>
        SentimentModel.FromTransformer(model, manifest, "(in memory)", "train");

    public static ModelManifest Manifest(
        FeaturizerSettings settings, string trainer, DateTimeOffset now, IReadOnlyDictionary<string, NeutralBand>? bands = null, SentimentBlend? blend = null) =>
        new(ModelManifest.SentimentKind, $"sentiment-{trainer}{(blend is null ? "" : "-blend")}-{now:yyyyMMddHHmm}", settings, trainer, ["negative", "positive"], now, bands, blend);
}
