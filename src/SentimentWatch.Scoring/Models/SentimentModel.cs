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
    private readonly LinearHead? _neutral;
    private readonly LinearHead? _intent;
    private readonly int _cueIndex;

    // As trained, before the blend is folded in (WithManifest folds again).
    private readonly float[] _rawWeights;
    private readonly float _rawBias, _rawSlope, _rawOffset;

    private SentimentModel(ModelManifest manifest, float[] weights, float bias, float slope, float offset, LinearHead? neutral = null, LinearHead? intent = null)
    {
        _neutral = neutral;
        _intent = manifest.IntentHead is null ? null : intent;
        _rawWeights = (float[])weights.Clone();
        (_rawBias, _rawSlope, _rawOffset) = (bias, slope, offset);
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
        _cueIndex = manifest.Featurizer.ComplaintCues ? hashed + manifest.Featurizer.ComplaintCueSlot : -1;
    }

    public ModelManifest Manifest { get; }

    public TextFeaturizer Featurizer { get; }

    /// <summary>Whether neutral is learned (a v2 model's neutral head, decision 120) rather than a band of P(positive).</summary>
    public bool HasNeutralHead => _neutral is not null;

    /// <summary>Whether <see cref="Probabilities(FeatureVector, string, string)"/> reads the language (bands, per-language neutral biases, the Chinese intent head).</summary>
    public bool NeedsLanguage => _neutral is null || Manifest.NeutralHead?.LanguageBias is { Count: > 0 } || Manifest.NeutralHead?.GenreBias is { Count: > 0 } || Manifest.NeutralHead?.GenrePolarShift is { Count: > 0 } || _intent is not null;

    /// <summary>Whether the model serves a genre other than social with its own neutral bias or polar shift (decisions 209, 214).</summary>
    public bool Serves(string genre) => genre == SourceGenres.Social || Manifest.NeutralHead?.Serves(genre) == true;

    /// <summary>
    /// Negative / neutral / positive probabilities of a featurized post, as the scorer serves them: with a neutral head,
    /// P(neutral) from the head and the rest split by the polarity model, both moved towards negative when
    /// <paramref name="prepared"/> reports harm; without one, the language's neutral band over P(positive).
    /// </summary>
    /// <param name="prepared">The text as <see cref="TextFeaturizer.Prepare"/> returned it (folded when the featurizer folds).</param>
    /// <param name="genre">The source's genre (<see cref="SourceGenres"/>; null = social): reviews get their own neutral bias (decision 209).</param>
    public (float Negative, float Neutral, float Positive) Probabilities(FeatureVector features, string prepared, string language, string? genre = null) =>
        Probabilities(features.Indices, features.Values, prepared, null, language, genre);

    /// <summary>As <see cref="Probabilities(FeatureVector, string, string)"/>, with the harm check already made by the caller.</summary>
    public (float Negative, float Neutral, float Positive) Probabilities(FeatureVector features, string prepared, bool reportsHarm, string language, string? genre = null) =>
        Probabilities(features.Indices, features.Values, prepared, reportsHarm, language, genre);

    /// <summary>Whether the model carries a Chinese intent head (decision 210).</summary>
    public bool HasIntentHead => _intent is not null;

    internal (float Negative, float Neutral, float Positive) Probabilities(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, string prepared, string language) =>
        Probabilities(indices, values, prepared, null, language, null);

    private (float Negative, float Neutral, float Positive) Probabilities(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, string prepared, bool? reportsHarm, string language, string? genre)
    {
        if (_neutral is not { } head)
        {
            return BandFor(language).Probabilities(PositiveProbability(indices, values));
        }

        var polar = Logit(indices, values) + (genre is null ? 0f : Manifest.NeutralHead?.PolarShiftFor(language, genre) ?? 0f);
        var neutral = head.Logit(indices, values) + (Manifest.NeutralHead?.BiasFor(language, genre) ?? 0f);
        if (genre is not null && Manifest.NeutralHead?.CueShiftFor(language, genre) is { } cueShift && cueShift != 0f)
        {
            // A care post that names a service failure ("on hold", "still waiting") is a complaint more surely (decision 217).
            var cue = cueShift * ComplaintCueStrength(indices, values);
            polar -= cue;
            neutral -= cue;
        }
        var harmShifts = Manifest.NeutralHead is { } settings && (settings.HarmPolarShift != 0 || settings.HarmNeutralShift != 0);
        if (harmShifts || _intent is not null)
        {
            reportsHarm ??= HarmTerms.Shipped.Find(prepared) is not null;
        }

        if (harmShifts && reportsHarm == true)
        {
            polar += Manifest.NeutralHead!.HarmPolarShift;
            neutral += Manifest.NeutralHead.HarmNeutralShift;
        }

        var combined = Combine(polar, neutral);
        // A plain Chinese question or announcement is not negative evidence (issue 15 item 3, decision 210): only a post that
        // would be served negative is read, and never one that reports harm, names a complaint cue (打不通, 还没到 …) or holds a
        // complaint jab (还好意思, 凭什么 …; decision 222).
        if (_intent is { } intent && reportsHarm == false && language == "zh" && LabelOf(combined) == Core.Scoring.SentimentLabel.Negative
            && !FiresComplaintCue(indices, values) && IntentMarks.Holds(prepared) && !ComplaintJabs.Holds(prepared)
            && Sigmoid(intent.Logit(indices, values)) >= Manifest.IntentHead!.Threshold)
        {
            combined = Combine(polar, neutral + Manifest.IntentHead.NeutralShift);
        }

        return combined;
    }

    /// <summary>log(1 + the complaint-cue strength) of a post, English or Chinese, whichever is larger (0 without the cue slots).</summary>
    internal float ComplaintCueStrength(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        if (_cueIndex < 0)
        {
            return 0f;
        }

        var strength = 0f;
        for (var k = indices.Length - 1; k >= 0 && indices[k] >= _cueIndex; k--)
        {
            if (indices[k] == _cueIndex || indices[k] == _cueIndex + 1)
            {
                strength = MathF.Max(strength, values[k]);
            }
        }

        var scale = Manifest.Featurizer.ComplaintCueScale;
        return scale > 0f ? strength / scale : strength;
    }

    /// <summary>Whether the English or Chinese complaint-cue slot is set (a negated cue, "没有延误", is not a complaint).</summary>
    internal bool FiresComplaintCue(ReadOnlySpan<int> indices, ReadOnlySpan<float> values) => ComplaintCueStrength(indices, values) > 0f;

    /// <summary>P(plain question or announcement) from the intent head, or NaN without one (training and reports).</summary>
    internal float IntentProbability(ReadOnlySpan<int> indices, ReadOnlySpan<float> values) =>
        _intent is { } intent ? Sigmoid(intent.Logit(indices, values)) : float.NaN;

    /// <summary>The raw logits of both heads (no harm shift, no neutral bias): training fits those on out-of-fold predictions.</summary>
    internal (float Polar, float Neutral) Logits(ReadOnlySpan<int> indices, ReadOnlySpan<float> values) =>
        (Logit(indices, values), _neutral?.Logit(indices, values) ?? float.NaN);

    /// <summary>P(neutral) from the neutral logit; the polarity logit splits the rest between negative and positive.</summary>
    internal static (float Negative, float Neutral, float Positive) Combine(float polar, float neutral)
    {
        var pNeutral = Sigmoid(neutral);
        var pPositive = (1 - pNeutral) * Sigmoid(polar);
        return (Math.Max(0, 1 - pNeutral - pPositive), pNeutral, pPositive);
    }

    /// <summary>The label the scorer serves for three probabilities: the most probable, negative winning ties.</summary>
    public static Core.Scoring.SentimentLabel LabelOf((float Negative, float Neutral, float Positive) p) =>
        p.Negative >= p.Neutral && p.Negative >= p.Positive ? Core.Scoring.SentimentLabel.Negative
        : p.Positive > p.Neutral ? Core.Scoring.SentimentLabel.Positive : Core.Scoring.SentimentLabel.Neutral;

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
        LinearHead? neutral = null;
        if (manifest.NeutralHead is { } head)
        {
            var neutralModel = ModelFile.LoadEntry(ml, path, setting, head.Entry);
            var (w, b, slope, offset) = Linear(neutralModel, manifest, path, setting);
            neutral = new LinearHead(w, b, slope, offset);
        }

        LinearHead? intent = null;
        if (manifest.IntentHead is { } intentHead)
        {
            intent = Head(ModelFile.LoadEntry(ml, path, setting, intentHead.Entry), manifest, path, setting);
        }

        var (weights, bias, polarSlope, polarOffset) = Linear(model, manifest, path, setting);
        return new SentimentModel(manifest, weights, bias, polarSlope, polarOffset, neutral, intent);
    }

    /// <summary>A trained binary model as a head over this model's features (the intent head, decision 210).</summary>
    internal static LinearHead Head(ITransformer model, ModelManifest manifest, string path, string setting)
    {
        var (w, b, slope, offset) = Linear(model, manifest, path, setting);
        return new LinearHead(w, b, slope, offset);
    }

    /// <summary>The same model with an intent head (settings in the manifest, weights in <paramref name="intent"/>).</summary>
    internal SentimentModel WithIntentHead(IntentHeadSettings settings, LinearHead intent) =>
        new(Manifest with { IntentHead = settings }, _rawWeights, _rawBias, _rawSlope, _rawOffset, _neutral, intent);

    /// <summary>A v2 model from its two trained heads (training and experiments: the same code path as serving).</summary>
    internal static SentimentModel FromHeads(ITransformer polar, ITransformer neutral, ModelManifest manifest)
    {
        var (w, b, slope, offset) = Linear(neutral, manifest, "(in memory)", "train");
        return FromTransformer(polar, manifest, "(in memory)", "train", new LinearHead(w, b, slope, offset));
    }

    /// <summary>The same weights with other manifest settings (the harm shifts are fitted after training).</summary>
    internal SentimentModel WithManifest(ModelManifest manifest) => new(manifest, _rawWeights, _rawBias, _rawSlope, _rawOffset, _neutral, _intent);

    internal static SentimentModel FromTransformer(ITransformer model, ModelManifest manifest, string path, string setting, LinearHead? neutral = null)
    {
        var (weights, bias, slope, offset) = Linear(model, manifest, path, setting);
        return new SentimentModel(manifest, weights, bias, slope, offset, neutral);
    }

    private static (float[] Weights, float Bias, float Slope, float Offset) Linear(ITransformer model, ModelManifest manifest, string path, string setting)
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

        return (weights, linear.Bias, (float)calibrator.Slope, (float)calibrator.Offset);
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

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

    /// <summary>A calibrated linear model over the same feature vector: log-odds of its class.</summary>
    internal sealed class LinearHead(float[] weights, float bias, float slope, float offset)
    {
        public float Logit(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
        {
            var score = bias;
            for (var k = 0; k < indices.Length; k++)
            {
                score += weights[indices[k]] * values[k];
            }

            return -((slope * score) + offset);
        }

        public float Probability(FeatureVector features) => 1f / (1f + MathF.Exp(-Logit(features.Indices, features.Values)));
    }
}
