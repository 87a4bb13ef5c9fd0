using SentimentWatch.Scoring.Featurization;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Tests;

public sealed class SentimentBlendTests
{
    [Fact]
    public void Fitting_on_out_of_fold_predictions_recovers_an_overconfident_model_and_a_useful_dense_signal()
    {
        // Truth: logit = 0.4·(model logit) + 2·(rule score); the model alone is over-confident.
        var random = new Random(11);
        var rows = new List<OutOfFoldPrediction>();
        for (var i = 0; i < 20_000; i++)
        {
            var logit = (float)((random.NextDouble() - 0.5) * 12);
            var rule = (float)((random.NextDouble() * 2) - 1);
            var dense = new float[FeaturizerSettings.LexiconDenseCount + 3];
            dense[FeaturizerSettings.RuleEnglishSlot] = rule;
            var p = 1 / (1 + Math.Exp(-((0.4 * logit) + (2 * rule))));
            rows.Add(new OutOfFoldPrediction(logit, dense, random.NextDouble() < p, i % 6));
        }

        var blend = BlendFit.Fit(rows, [FeaturizerSettings.RuleEnglishSlot], questionShrink: 1f);

        blend.ModelWeight.ShouldBe(0.4f, 0.05f);
        blend.DenseWeights[FeaturizerSettings.RuleEnglishSlot].ShouldBe(2f, 0.2f);
    }

    [Fact]
    public void A_blend_folded_into_the_shipped_weights_gives_the_blended_probability_of_the_unblended_model()
    {
        var ml = new Microsoft.ML.MLContext(seed: 1);
        var path = Path.Combine(TestPaths.Models, "sentiment.zip");
        var transformer = ml.Model.Load(path, out _);
        // The shipped model carries a blend (the question shrink); this test starts from the model without one.
        var shipped = SentimentModel.Load(ml, path, "test");
        var plain = SentimentModel.FromTransformer(transformer, shipped.Manifest with { Blend = null }, path, "test");
        var blend = new SentimentBlend(0.6f, new Dictionary<int, float>
        {
            [2] = 0.4f,
            [FeaturizerSettings.CjkShareSlot] = -0.3f,
            [FeaturizerSettings.RuleEnglishSlot] = 1.5f,
        }, QuestionShrink: 0.5f);
        var blended = SentimentModel.FromTransformer(transformer, plain.Manifest with { Blend = blend }, path, "test");
        var settings = plain.Manifest.Featurizer;
        var vector = new FeatureVector();
        foreach (var text in new[] { "what time do you open on sundays?", "not bad at all, pretty IMPRESSED", "太差了，再也不买了", "还行吧 ok", "where is my refund?" })
        {
            plain.Featurizer.Featurize(text, vector);
            var p = plain.PositiveProbability(vector);
            var dense = new float[settings.DenseCount];
            for (var k = 0; k < vector.Count; k++)
            {
                if (vector.Indices[k] >= settings.HashedSize)
                {
                    dense[vector.Indices[k] - settings.HashedSize] = vector.Values[k];
                }
            }

            var logit = blend.Apply(MathF.Log(p / (1 - p)), slot => dense[slot], CrossDomainRun.IsShrunkQuestion(settings, dense));

            blended.PositiveProbability(vector).ShouldBe(1f / (1f + MathF.Exp(-logit)), 1e-4f, text);
        }
    }

    [Fact]
    public void A_plain_question_has_its_logit_shrunk_and_other_text_does_not()
    {
        var blend = new SentimentBlend(1f, new Dictionary<int, float> { [FeaturizerSettings.RuleEnglishSlot] = 1f }, QuestionShrink: 0.25f);

        blend.Apply(-4f, _ => 0f, plainQuestion: true).ShouldBe(-1f, 1e-6f);
        blend.Apply(-4f, _ => 0f, plainQuestion: false).ShouldBe(-4f, 1e-6f);
        blend.Apply(-4f, slot => slot == FeaturizerSettings.RuleEnglishSlot ? 0.5f : 0f, plainQuestion: false).ShouldBe(-3.5f, 1e-6f);
    }
}
