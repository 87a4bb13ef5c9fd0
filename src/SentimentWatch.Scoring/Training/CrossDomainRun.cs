using Microsoft.ML;
using SentimentWatch.Scoring.Featurization;
using SentimentWatch.Scoring.Models;

namespace SentimentWatch.Scoring.Training;

/// <summary>One configuration of the sentiment model that <c>train --experiments</c> compares and <c>train</c> can ship.</summary>
/// <param name="Featurizer">A key of <see cref="TrainingRun.Featurizers"/>.</param>
/// <param name="Trainer">A <see cref="SentimentTrainer"/> name, or <see cref="CrossDomainRun.LbfgsPlusPerceptron"/> (mean of the two logits; experiments only).</param>
/// <param name="MinDomains">Keep only hashed features seen in at least this many training domains (0 = all): domain-invariant n-grams.</param>
/// <param name="Blend">Fit a <see cref="SentimentBlend"/> on out-of-fold cross-domain predictions.</param>
/// <param name="QuestionShrink">Multiplies the logit of a plain question (needs the rule features; 1 = off).</param>
/// <param name="LearnPlainQuestion">Whether the model may learn a weight for the plain-question flag (from reviews, where a question is a complaint).</param>
/// <param name="LightGbmStacker">Experiments only: a LightGbm model over (logit, dense features) fitted on out-of-fold predictions replaces the linear blend (not servable on the linear fast path).</param>
public sealed record SentimentConfig(
    string Name,
    string Featurizer,
    string Trainer = SentimentTrainer.Lbfgs,
    float L2 = 1f,
    float L1 = 0.05f,
    int MinDomains = 0,
    bool Blend = false,
    float QuestionShrink = 1f,
    bool LearnPlainQuestion = true,
    bool LightGbmStacker = false)
{
    /// <summary>Dense slots the blend may reweight: lexicon balance, the two script shares (per-language intercepts) and, with the rule features, the two compound scores.</summary>
    public static IReadOnlyList<int> BlendSlots(FeaturizerSettings settings) =>
        settings.RuleFeatures
            ? [2, FeaturizerSettings.CjkShareSlot, FeaturizerSettings.LatinShareSlot, FeaturizerSettings.RuleEnglishSlot, FeaturizerSettings.RuleChineseSlot]
            : [2, FeaturizerSettings.CjkShareSlot, FeaturizerSettings.LatinShareSlot];
}

/// <summary>A trained base model: its logit over featurized text, and (for single trainers) the ML.NET model to save.</summary>
internal sealed record FittedModel(MLContext Ml, ITransformer? Model, Microsoft.ML.DataViewSchema? Schema, Func<int[], float[], float> Logit);

/// <summary>
/// Leave-one-domain-out training over the labelled texts: each of the six domains (amazon, imdb,
/// yelp; book, hotel, product) is predicted by a model trained on the other five, which gives the
/// cross-domain figures and the out-of-fold predictions the blend is fitted on. Texts are featurized
/// once per featurizer.
/// </summary>
internal sealed class CrossDomainRun(IReadOnlyList<LabelledText> data)
{
    public const string LbfgsPlusPerceptron = "lbfgs+averaged-perceptron";

    public static readonly (string Language, string Domain)[] Domains =
        [("en", "amazon"), ("en", "imdb"), ("en", "yelp"), ("zh", "book"), ("zh", "hotel"), ("zh", "product")];

    private readonly Dictionary<string, FeatureData.FeaturizedText[]> _features = new(StringComparer.Ordinal);

    public IReadOnlyList<LabelledText> Data => data;

    /// <param name="Stacker">With <see cref="SentimentConfig.LightGbmStacker"/>: P(positive) from the base logit and the dense features.</param>
    public sealed record Result(double[] FoldBalancedAccuracy, FittedModel Final, SentimentBlend Blend, FeaturizerSettings Settings, Func<float, float[], float>? Stacker = null);

    /// <param name="excluded">Texts left out of every training set (suspect labels) but still predicted when their domain is held out, so figures stay comparable.</param>
    public Result Run(SentimentConfig config, IReadOnlySet<LabelledText>? excluded = null)
    {
        var usable = data.Select(t => excluded is null || !excluded.Contains(t)).ToArray();
        var settings = TrainingRun.Featurizers[config.Featurizer];
        var features = Features(config.Featurizer);
        var domainOf = data.Select(t => Array.FindIndex(Domains, d => d.Language == t.Language && d.Domain == t.Domain)).ToArray();
        var oof = new List<OutOfFoldPrediction>();
        for (var fold = 0; fold < Domains.Length; fold++)
        {
            var train = Enumerable.Range(0, data.Count).Where(i => domainOf[i] != fold && usable[i]).ToList();
            var model = Fit(config, settings, features, domainOf, train);
            for (var i = 0; i < data.Count; i++)
            {
                if (domainOf[i] == fold)
                {
                    oof.Add(new OutOfFoldPrediction(model.Logit(features[i].Indices, features[i].Values), Dense(settings, features[i]), data[i].Positive, fold));
                }
            }
        }

        var slots = SentimentConfig.BlendSlots(settings);
        var balanced = new double[Domains.Length];
        for (var fold = 0; fold < Domains.Length; fold++)
        {
            // The blend judged on a domain is fitted without that domain's predictions.
            var blend = config.Blend ? BlendFit.Fit(oof.Where(r => r.Fold != fold).ToList(), slots, config.QuestionShrink) : Identity(config.QuestionShrink);
            var held = oof.Where(r => r.Fold == fold).ToList();
            balanced[fold] = Metrics.BalancedAccuracy(held.Select(r => !r.Positive).ToList(), held.Select(r => Apply(blend, settings, r.Logit, r.Dense) < 0).ToList());
        }

        Func<float, float[], float>? stacker = null;
        if (config.LightGbmStacker)
        {
            for (var fold = 0; fold < Domains.Length; fold++)
            {
                var stack = LightGbmStack.Fit(oof.Where(r => r.Fold != fold).ToList());
                var held = oof.Where(r => r.Fold == fold).ToList();
                balanced[fold] = Metrics.BalancedAccuracy(held.Select(r => !r.Positive).ToList(), held.Select(r => stack(r.Logit, r.Dense) < 0.5f).ToList());
            }

            stacker = LightGbmStack.Fit(oof);
        }

        var final = Fit(config, settings, features, domainOf, Enumerable.Range(0, data.Count).Where(i => usable[i]).ToList());
        var finalBlend = config.Blend ? BlendFit.Fit(oof, slots, config.QuestionShrink) : Identity(config.QuestionShrink);
        return new Result(balanced, final, finalBlend, settings, stacker);
    }

    public static SentimentBlend Identity(float questionShrink) => new(1f, new Dictionary<int, float>(), questionShrink);

    /// <summary>The blended logit, exactly as <see cref="SentimentModel"/> computes it once the blend is folded in.</summary>
    public static float Apply(SentimentBlend blend, FeaturizerSettings settings, float logit, float[] dense) =>
        blend.Apply(logit, slot => dense[slot], IsShrunkQuestion(settings, dense));

    /// <summary>
    /// Whether the question shrink applies: a plain question (rule features) with nothing in the dense slots after its own
    /// (no complaint cue), which is what <see cref="SentimentModel"/> tests on the serving path ("the plain-question slot is the last index").
    /// </summary>
    public static bool IsShrunkQuestion(FeaturizerSettings settings, float[] dense)
    {
        if (!settings.RuleFeatures || dense[FeaturizerSettings.PlainQuestionSlot] <= 0)
        {
            return false;
        }

        for (var slot = FeaturizerSettings.PlainQuestionSlot + 1; slot < dense.Length; slot++)
        {
            if (dense[slot] != 0)
            {
                return false;
            }
        }

        return true;
    }

    public static float[] Dense(FeaturizerSettings settings, FeatureData.FeaturizedText text)
    {
        var dense = new float[settings.DenseCount];
        for (var k = 0; k < text.Indices.Length; k++)
        {
            if (text.Indices[k] >= settings.HashedSize)
            {
                dense[text.Indices[k] - settings.HashedSize] = text.Values[k];
            }
        }

        return dense;
    }

    private FeatureData.FeaturizedText[] Features(string featurizerName)
    {
        if (!_features.TryGetValue(featurizerName, out var features))
        {
            var featurizer = new TextFeaturizer(TrainingRun.Featurizers[featurizerName], SentimentLexicon.For(TrainingRun.Featurizers[featurizerName]));
            features = data.AsParallel().AsOrdered().Select(t =>
            {
                var (indices, values) = featurizer.FeaturizeToArrays(t.Text);
                return new FeatureData.FeaturizedText(indices, values, t.Positive);
            }).ToArray();
            _features[featurizerName] = features;
        }

        return features;
    }

    private static FittedModel Fit(SentimentConfig config, FeaturizerSettings settings, FeatureData.FeaturizedText[] features, int[] domainOf, List<int> train)
    {
        var rows = train.Select(i => features[i]);
        if (config.MinDomains > 0)
        {
            // Which training domains each hashed feature occurs in; the rest are dropped from training,
            // so their weights stay 0 and serving (which computes them) ignores them.
            var seen = new int[settings.HashedSize];
            foreach (var i in train)
            {
                foreach (var index in features[i].Indices)
                {
                    if (index < settings.HashedSize)
                    {
                        seen[index] |= 1 << domainOf[i];
                    }
                }
            }

            rows = rows.Select(r => Keep(r, index => index >= settings.HashedSize || System.Numerics.BitOperations.PopCount((uint)seen[index]) >= config.MinDomains));
        }

        if (!config.LearnPlainQuestion)
        {
            var question = settings.HashedSize + FeaturizerSettings.PlainQuestionSlot;
            rows = rows.Select(r => Keep(r, index => index != question));
        }

        var materialized = rows.ToList();
        if (config.Trainer == LbfgsPlusPerceptron)
        {
            var lbfgs = Train(config with { Trainer = SentimentTrainer.Lbfgs }, settings, materialized);
            var perceptron = Train(config with { Trainer = SentimentTrainer.AveragedPerceptron }, settings, materialized);
            return new FittedModel(lbfgs.Ml, null, null, (indices, values) => 0.5f * (lbfgs.Logit(indices, values) + perceptron.Logit(indices, values)));
        }

        return Train(config, settings, materialized);
    }

    private static FittedModel Train(SentimentConfig config, FeaturizerSettings settings, List<FeatureData.FeaturizedText> rows)
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Data.Cache(FeatureData.Binary(ml, settings.VectorSize, rows));
        var (model, schema) = SentimentTrainer.Train(ml, view, config.Trainer, config.L2, config.L1);
        var serving = SentimentTrainer.ToServing(model, SentimentTrainer.Manifest(settings, config.Trainer, DateTimeOffset.UnixEpoch));
        return new FittedModel(ml, model, schema, (indices, values) => serving.Logit(indices, values));
    }

    private static FeatureData.FeaturizedText Keep(FeatureData.FeaturizedText text, Func<int, bool> keep)
    {
        var indices = new List<int>(text.Indices.Length);
        var values = new List<float>(text.Indices.Length);
        for (var k = 0; k < text.Indices.Length; k++)
        {
            if (keep(text.Indices[k]))
            {
                indices.Add(text.Indices[k]);
                values.Add(text.Values[k]);
            }
        }

        return new FeatureData.FeaturizedText([.. indices], [.. values], text.Positive);
    }
}
