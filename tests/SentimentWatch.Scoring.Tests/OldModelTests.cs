using System.IO.Compression;
using Microsoft.ML;
using SentimentWatch.Scoring.Featurization;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Serving;

namespace SentimentWatch.Scoring.Tests;

/// <summary>
/// Data/old-models/sentiment-lbfgs-202611231307.zip is the sentiment model shipped before the complaint cues and
/// web lexicon (its manifest has neither setting). The expected scores were written by the `score` verb of the
/// build before those features (commit 718e41c) with that model.
/// </summary>
public sealed class OldModelTests
{
    private static readonly string OldSentiment = Path.Combine(AppContext.BaseDirectory, "Data", "old-models", "sentiment-lbfgs-202611231307.zip");

    [Fact]
    public void The_old_manifest_has_no_complaint_cue_or_web_lexicon_settings_and_loads_with_both_off()
    {
        using (var zip = ZipFile.OpenRead(OldSentiment))
        {
            using var reader = new StreamReader(zip.GetEntry("SentimentWatch/manifest.json")!.Open());
            var json = reader.ReadToEnd();
            json.ShouldNotContain("complaintCues", Case.Insensitive);
            json.ShouldNotContain("webLexicon", Case.Insensitive);
        }

        var model = SentimentModel.Load(new MLContext(seed: 1), OldSentiment, "test");
        model.Manifest.Featurizer.ShouldBe(new FeaturizerSettings(SkipFoldedLetters: true, RuleFeatures: true));
        model.Manifest.Featurizer.DenseCount.ShouldBe(11);
        model.Featurizer.Settings.WebLexicon.ShouldBeFalse();
    }

    [Theory]
    [InlineData("@airline flight delayed 3 hours and nobody at the gate [怒]", 0.9132, 0.08, 0.0068)]
    [InlineData("外卖等了两个小时还没到[抓狂]", 0.1537, 0.521, 0.3253)]
    [InlineData("not delayed at all, great crew [赞]", 0.0058, 0.0696, 0.9245)]
    [InlineData("客服电话一直打不通", 0.9455, 0.0495, 0.005)]
    [InlineData("没有延误，准时到达[good]", 0.0107, 0.0997, 0.8896)]
    [InlineData("where is my refund??", 0.6716, 0.2944, 0.034)]
    [InlineData("charged twice and still no reply from support", 0.9954, 0.0043, 0.0003)]
    [InlineData("新买的耳机用了一周就坏了[泪]", 0.6031, 0.3424, 0.0545)]
    public void The_old_model_scores_exactly_as_the_build_before_the_complaint_cues_did(string text, double negative, double neutral, double positive)
    {
        var ml = new MLContext(seed: 1);
        var sentiment = SentimentModel.Load(ml, OldSentiment, "test");
        var topic = TopicModel.Load(ml, Path.Combine(TestPaths.Models, "topic.zip"), "test");
        var score = new ModelScorer(sentiment, topic, []).ScoreOne(text).Sentiment;
        Math.Round(score.Negative, 4).ShouldBe(negative, 1e-4);
        Math.Round(score.Neutral, 4).ShouldBe(neutral, 1e-4);
        Math.Round(score.Positive, 4).ShouldBe(positive, 1e-4);
    }

    /// <summary>
    /// The v1 model shipped until sentiment v2 (decision 120), kept in Data/old-models: it has no neutral head, so it serves
    /// through its neutral bands exactly as before. The expected scores were written by the `score` verb of the build
    /// before sentiment v2 (main at 539a07b) on the held-out sets of tools/sentiment-heldout.py.
    /// </summary>
    [Theory]
    [InlineData("还挺新鲜的，方便快捷，苹果很脆，很甜，很好", 0.0001, 0.001, 0.9989)]
    [InlineData("京东水果保鲜做的不错，口感很好。两件中有一个坏了，可以理解。", 0.0008, 0.0087, 0.9905)]
    [InlineData("宿舍要民汉合宿了为毛都大三了还要折腾我", 0.9274, 0.0658, 0.0068)]
    [InlineData("但吕良彪却违抗了命令，不回去。", 0.5214, 0.4038, 0.0748)]
    [InlineData("谁特么用VIVO智能手机冒充我发微博", 0.1951, 0.5385, 0.2664)]
    [InlineData("I hate her but... I love her songs Dammit ._.#ArianaGrande", 0.0131, 0.1986, 0.7882)]
    [InlineData("My idols are #littlemix #justinbieber #arianagrande", 0.4635, 0.4823, 0.0542)]
    public void The_v1_model_without_a_neutral_head_scores_exactly_as_the_build_before_sentiment_v2(string text, double negative, double neutral, double positive)
    {
        var ml = new MLContext(seed: 1);
        var sentiment = SentimentModel.Load(ml, Path.Combine(AppContext.BaseDirectory, "Data", "old-models", "sentiment-lbfgs-blend-202611231642.zip"), "test");
        sentiment.HasNeutralHead.ShouldBeFalse();
        var topic = TopicModel.Load(ml, Path.Combine(TestPaths.Models, "topic.zip"), "test");
        var score = new ModelScorer(sentiment, topic, []).ScoreOne(text).Sentiment;
        Math.Round(score.Negative, 4).ShouldBe(negative, 1e-4);
        Math.Round(score.Neutral, 4).ShouldBe(neutral, 1e-4);
        Math.Round(score.Positive, 4).ShouldBe(positive, 1e-4);
    }
}
