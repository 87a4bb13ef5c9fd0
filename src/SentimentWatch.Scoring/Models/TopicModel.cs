using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using SentimentWatch.Scoring.Featurization;

namespace SentimentWatch.Scoring.Models;

/// <summary>
/// The complaint-topic model on the serving path: ML.NET's multiclass maximum-entropy weights
/// evaluated over <see cref="TextFeaturizer"/> output, soft-maxed into probabilities.
/// </summary>
public sealed class TopicModel
{
    // Feature-major, so one feature's weights for every class sit on one cache line.
    private readonly float[] _weights;
    private readonly float[] _biases;
    private readonly int _classes;
    private readonly int _size;

    private TopicModel(ModelManifest manifest, float[] weights, float[] biases)
    {
        Manifest = manifest;
        Featurizer = new TextFeaturizer(manifest.Featurizer, SentimentLexicon.For(manifest.Featurizer));
        _weights = weights;
        _biases = biases;
        _classes = biases.Length;
        _size = manifest.Featurizer.VectorSize;
    }

    public ModelManifest Manifest { get; }

    public TextFeaturizer Featurizer { get; }

    public IReadOnlyList<string> Topics => Manifest.Classes;

    public static TopicModel Load(MLContext ml, string path, string setting)
    {
        var (model, manifest) = ModelFile.Load(ml, path, setting, ModelManifest.TopicKind);
        return FromTransformer(model, manifest, path, setting);
    }

    internal static TopicModel FromTransformer(ITransformer model, ModelManifest manifest, string path, string setting)
    {
        var parameters = SentimentModel.ModelParameters(model).OfType<LinearMulticlassModelParametersBase>().FirstOrDefault()
            ?? throw new ModelFileException($"{setting}: '{Path.GetFullPath(path)}' is not a linear multiclass topic model; retrain it with the train verb.");
        VBuffer<float>[] perClass = [];
        parameters.GetWeights(ref perClass, out var classes);
        if (classes != manifest.Classes.Count)
        {
            throw new ModelFileException($"{setting}: '{Path.GetFullPath(path)}' has {classes} classes but its manifest names {manifest.Classes.Count}; retrain it.");
        }

        var size = manifest.Featurizer.VectorSize;
        var weights = new float[size * classes];
        for (var c = 0; c < classes; c++)
        {
            foreach (var (index, value) in perClass[c].Items())
            {
                weights[index * classes + c] = value;
            }
        }

        return new TopicModel(manifest, weights, parameters.GetBiases().ToArray());
    }

    /// <summary>The most probable topic and its probability.</summary>
    public (int Topic, float Probability) Predict(FeatureVector features)
    {
        Span<float> scores = stackalloc float[_classes];
        Probabilities(features, scores);
        var best = 0;
        for (var c = 1; c < _classes; c++)
        {
            if (scores[c] > scores[best])
            {
                best = c;
            }
        }

        return (best, scores[best]);
    }

    public void Probabilities(FeatureVector features, Span<float> probabilities)
    {
        _biases.CopyTo(probabilities);
        var indices = features.Indices;
        var values = features.Values;
        // Indices ascend; slots past this model's vector (the sentiment model's rule features, when the
        // scorer shares one feature vector) carry no topic weight.
        for (var k = 0; k < indices.Length && indices[k] < _size; k++)
        {
            var row = _weights.AsSpan(indices[k] * _classes, _classes);
            var value = values[k];
            for (var c = 0; c < _classes; c++)
            {
                probabilities[c] += row[c] * value;
            }
        }

        var max = float.MinValue;
        foreach (var s in probabilities)
        {
            max = Math.Max(max, s);
        }

        var sum = 0f;
        for (var c = 0; c < probabilities.Length; c++)
        {
            probabilities[c] = MathF.Exp(probabilities[c] - max);
            sum += probabilities[c];
        }

        for (var c = 0; c < probabilities.Length; c++)
        {
            probabilities[c] /= sum;
        }
    }
}
