using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using SentimentWatch.Scoring.Featurization;

namespace SentimentWatch.Scoring.Models;

/// <summary>
/// The binary sentiment model on the serving path: the calibrated linear model ML.NET trained,
/// evaluated directly over <see cref="TextFeaturizer"/> output. A PredictionEngine per call
/// would cost an order of magnitude more; tests check both give the same probabilities.
/// </summary>
public sealed class SentimentModel
{
    private readonly float[] _weights;
    private readonly float _bias;
    private readonly float _slope;
    private readonly float _offset;
    private readonly float _questionShrink;
    private readonly int _plainQuestionIndex;

    private SentimentModel(ModelManifest manifest, float[] weights, float bias, float slope, float offset)
    {
        Manifest = manifest;
        Featurizer = new TextFeaturizer(manifest.Featurizer, SentimentLexicon.For(manifest.Featurizer));
        var hashed = manifest.Featurizer.HashedSize;
        if (manifest.Blend is { } blend)
        {
            // logit = −(slope·score + offset); the blend a·logit + Σ d·x is the same form with the
            // dense weights moved by −d/(a·slope) and slope, offset scaled by a.
            foreach (var (slot, weight) in blend.DenseWeights)
            {
                weights[hashed + slot] -= weight / (blend.ModelWeight * slope);
            }

            slope *= blend.ModelWeight;
            offset *= blend.ModelWeight;
        }

        _weights = weights;
        _bias = bias;
        _slope = slope;
        _offset = offset;
        _questionShrink = manifest.Blend?.QuestionShrink ?? 1f;
        _plainQuestionIndex = manifest.Featurizer.RuleFeatures ? hashed + FeaturizerSettings.PlainQuestionSlot : -1;
    }

    public ModelManifest Manifest { get; }

    public TextFeaturizer Featurizer { get; }

    /// <summary>The neutral band for a language (zh, en; anything else gets the pooled "all" band).</summary>
    public NeutralBand BandFor(string language)
    {
        var bands = Manifest.Bands;
        if (bands is null)
        {
            return NeutralBand.Default;
        }

        return bands.TryGetValue(language, out var band) || bands.TryGetValue("all", out band) ? band : NeutralBand.Default;
    }

    public static SentimentModel Load(MLContext ml, string path, string setting)
    {
        var (model, manifest) = ModelFile.Load(ml, path, setting, ModelManifest.SentimentKind);
        return FromTransformer(model, manifest, path, setting);
    }

    internal static SentimentModel FromTransformer(ITransformer model, ModelManifest manifest, string path, string setting)
    {
        LinearBinaryModelParameters? linear = null;
        PlattCalibrator? calibrator = null;
        foreach (var parameters in ModelParameters(model))
        {
            switch (parameters)
            {
                case CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator> calibrated:
                    linear = calibrated.SubModel;
                    calibrator = calibrated.Calibrator;
                    break;
                case LinearBinaryModelParameters plain:
                    linear = plain;
                    break;
                case PlattCalibrator platt:
                    calibrator = platt;
                    break;
            }
        }

        if (linear is null || calibrator is null)
        {
            throw new ModelFileException($"{setting}: '{Path.GetFullPath(path)}' is not a calibrated linear sentiment model; retrain it with the train verb.");
        }

        var weights = new float[manifest.Featurizer.VectorSize];
        var i = 0;
        foreach (var w in linear.Weights)
        {
            if (i >= weights.Length)
            {
                throw new ModelFileException($"{setting}: '{Path.GetFullPath(path)}' has more weights than its manifest's featurizer; retrain it.");
            }

            weights[i++] = w;
        }

        return new SentimentModel(manifest, weights, linear.Bias, (float)calibrator.Slope, (float)calibrator.Offset);
    }

    /// <summary>Calibrated probability that the featurized text is positive.</summary>
    public float PositiveProbability(FeatureVector features) => PositiveProbability(features.Indices, features.Values);

    internal float PositiveProbability(ReadOnlySpan<int> indices, ReadOnlySpan<float> values) => 1f / (1f + MathF.Exp(-Logit(indices, values)));

    /// <summary>log(P(positive) / P(negative)), after the blend and the question shrink.</summary>
    internal float Logit(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        var score = _bias;
        for (var k = 0; k < indices.Length; k++)
        {
            score += _weights[indices[k]] * values[k];
        }

        var logit = -((_slope * score) + _offset);
        // Only complaint-cue (and GloVe) slots follow the plain-question slot, so a plain question without a cue has it as
        // its last index; a question with a complaint cue is not shrunk (CrossDomainRun.IsShrunkQuestion, the same test).
        return indices.Length > 0 && indices[^1] == _plainQuestionIndex ? logit * _questionShrink : logit;
    }

    internal static IEnumerable<object> ModelParameters(ITransformer model)
    {
        switch (model)
        {
            case IEnumerable<ITransformer> chain:
                foreach (var inner in chain)
                {
                    foreach (var p in ModelParameters(inner))
                    {
                        yield return p;
                    }
                }

                break;
            case ISingleFeaturePredictionTransformer<object> prediction:
                yield return prediction.Model;
                break;
        }
    }
}
