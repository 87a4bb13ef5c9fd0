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
    public void A_plain_question_has_its_logit_shrunk_and_other_text_does_not()
    {
        var blend = new SentimentBlend(1f, new Dictionary<int, float> { [FeaturizerSettings.RuleEnglishSlot] = 1f }, QuestionShrink: 0.25f);

        blend.Apply(-4f, _ => 0f, plainQuestion: true).ShouldBe(-1f, 1e-6f);
        blend.Apply(-4f, _ => 0f, plainQuestion: false).ShouldBe(-4f, 1e-6f);
        blend.Apply(-4f, slot => slot == FeaturizerSettings.RuleEnglishSlot ? 0.5f : 0f, plainQuestion: false).ShouldBe(-3.5f, 1e-6f);
    }
}
