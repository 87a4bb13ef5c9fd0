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

    private SentimentModel(ModelManifest manifest, float[] weights, float bias, float slope, float offset)
    {
        Manifest = manifest;
        Featurizer = new TextFeaturizer(manifest.Featurizer, SentimentLexicon.Shipped);
        _weights = weights;
        _bias = bias;
        _slope = slope;
        _offset = offset;
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
    public float PositiveProbability(FeatureVector features)
    {
        var score = _bias;
        var indices = features.Indices;
        var values = features.Values;
        for (var k = 0; k < indices.Length; k++)
        {
            score += _weights[indices[k]] * values[k];
        }

        return 1f / (1f + MathF.Exp(_slope * score + _offset));
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
