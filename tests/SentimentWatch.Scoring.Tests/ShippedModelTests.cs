using Microsoft.ML;
using Microsoft.ML.Data;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Featurization;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Serving;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Tests;

/// <summary>The committed models/ files, measured on the hand-labelled test split they never saw.</summary>
public sealed class ShippedModelTests
{
    private static readonly Lazy<ModelScorer> Scorer = new(() => ModelScorer.Load(new ScoringOptions { ModelDirectory = TestPaths.Models }));

    private static IReadOnlyList<LabelledPost> TestPosts(string language) =>
        TrainingCorpus.LoadPosts(TestPaths.Posts).Where(p => p.Split == "test" && p.Language == language).ToList();

    // Floors sit a few points under what models/MODEL.md reports, so the test fails if a retrain regresses.
    [Theory]
    [InlineData("en", 0.75)]
    [InlineData("zh", 0.80)]
    public void Negative_detection_on_held_out_posts_stays_above_its_floor(string language, double floor)
    {
        var posts = TestPosts(language);
        posts.Count.ShouldBeGreaterThan(90);
        var scores = Scorer.Value.Score(posts.Select(p => p.Text).ToList());
        var ba = Metrics.BalancedAccuracy(
            posts.Select(p => p.Sentiment == "negative").ToList(),
            scores.Select(s => s!.Sentiment.Label == SentimentLabel.Negative).ToList());
        ba.ShouldBeGreaterThan(floor);
    }

    [Theory]
    [InlineData("en", 0.68)]
    [InlineData("zh", 0.69)]
    public void Three_class_macro_f1_on_held_out_posts_stays_above_its_floor(string language, double floor)
    {
        var posts = TestPosts(language);
        var scores = Scorer.Value.Score(posts.Select(p => p.Text).ToList());
        var predicted = scores.Select(s => SentimentScore.ToWire(s!.Sentiment.Label)).ToList();
        Metrics.MacroF1(posts.Select(p => p.Sentiment).ToList(), predicted, Evaluation.SentimentClasses).ShouldBeGreaterThan(floor);
    }

    // Crisis check (docs/crisis-check.md), test split: models/MODEL.md reports 0.878 of harm reports negative and 0.090 of
    // ordinary questions / announcements negative; the floors sit a few points off so a retrain that regresses fails.
    [CorpusFact]
    public void Harm_reports_come_out_negative_and_questions_and_announcements_do_not_on_the_crisis_check()
    {
        var checks = CrisisCheck.Load(TestPaths.CrisisCheck, TestPaths.Corpus).Where(c => c.Split == "test").ToList();
        var labels = Scorer.Value.Score(checks.Select(c => c.Text).ToList()).Select(s => s!.Sentiment.Label).ToList();
        var crisis = checks.Select((c, i) => (c, l: labels[i])).Where(x => x.c.Kind == CrisisCheck.Crisis).ToList();
        var ordinary = checks.Select((c, i) => (c, l: labels[i])).Where(x => x.c.Kind != CrisisCheck.Crisis).ToList();
        crisis.Count.ShouldBeGreaterThan(130);
        ordinary.Count.ShouldBeGreaterThan(130);
        (crisis.Count(x => x.l == SentimentLabel.Negative) / (double)crisis.Count).ShouldBeGreaterThan(0.85);
        (ordinary.Count(x => x.l == SentimentLabel.Negative) / (double)ordinary.Count).ShouldBeLessThan(0.15);
    }

    // The same crisis check, for the topic (issue 15 item 3: harm reports must be `safety`): measured on the test split and
    // reported in models/MODEL.md; the floors sit a few points under the measured shares.
    [CorpusFact]
    public void Harm_reports_are_labelled_safety_on_the_crisis_check()
    {
        var checks = CrisisCheck.Load(TestPaths.CrisisCheck, TestPaths.Corpus).Where(c => c.Split == "test" && c.Kind == CrisisCheck.Crisis).ToList();
        var scores = Scorer.Value.Score(checks.Select(c => c.Text).ToList());
        var figures = new Dictionary<string, (int Items, int Safety, int NegativeAndSafety)>();
        foreach (var language in new[] { "zh", "en" })
        {
            var items = checks.Select((c, i) => (c, s: scores[i]!)).Where(x => x.c.Language == language).ToList();
            figures[language] = (
                items.Count,
                items.Count(x => x.s.Topic?.Topic == "safety"),
                items.Count(x => x.s.Topic?.Topic == "safety" && x.s.Sentiment.Label == SentimentLabel.Negative));
        }

        Console.WriteLine(string.Join("; ", figures.Select(f => $"{f.Key}: {f.Value.Items} harm reports, safety {f.Value.Safety}, negative and safety {f.Value.NegativeAndSafety}")));
        foreach (var (language, f) in figures)
        {
            f.Items.ShouldBeGreaterThan(50);
        }

        (figures["zh"].Safety / (double)figures["zh"].Items).ShouldBeGreaterThan(FloorZh);
        (figures["en"].Safety / (double)figures["en"].Items).ShouldBeGreaterThan(FloorEn);
        (figures["zh"].NegativeAndSafety / (double)figures["zh"].Items).ShouldBeGreaterThan(FloorZh);
        (figures["en"].NegativeAndSafety / (double)figures["en"].Items).ShouldBeGreaterThan(FloorEnNegativeAndSafety);
    }

    // The English fresh splits (decisions 240-241: posts drawn later, labelled blind): measured 2026-12-06 with decision 241's
    // harm terms, fresh 49 / 60 and fresh2 69 / 79 harm reports negative and safety (before the terms: 34 / 60 and 52 / 79),
    // ordinary posts negative 12 / 60 and 13 / 68. Floors a few points off, so a list or model change that regresses fails.
    [CorpusTheory]
    [InlineData(CrisisCheck.FreshSplit, 0.75, 0.25)]
    [InlineData(CrisisCheck.SecondFreshSplit, 0.82, 0.25)]
    public void Fresh_english_harm_reports_are_negative_and_safety_and_ordinary_posts_mostly_not_negative(string split, double harmFloor, double ordinaryCeiling)
    {
        var checks = CrisisCheck.Load(TestPaths.CrisisCheck, TestPaths.Corpus).Where(c => c.Split == split && c.Language == "en").ToList();
        var scores = Scorer.Value.Score(checks.Select(c => c.Text).ToList());
        var crisis = checks.Select((c, i) => (c, s: scores[i]!)).Where(x => x.c.Kind == CrisisCheck.Crisis).ToList();
        var ordinary = checks.Select((c, i) => (c, s: scores[i]!)).Where(x => x.c.Kind != CrisisCheck.Crisis).ToList();
        crisis.Count.ShouldBeGreaterThanOrEqualTo(60);
        ordinary.Count.ShouldBeGreaterThanOrEqualTo(60);
        var harm = crisis.Count(x => x.s.Topic?.Topic == "safety" && x.s.Sentiment.Label == SentimentLabel.Negative) / (double)crisis.Count;
        var ordinaryNegative = ordinary.Count(x => x.s.Sentiment.Label == SentimentLabel.Negative) / (double)ordinary.Count;
        Console.WriteLine($"{split}: harm reports negative and safety {harm:F3}, ordinary posts negative {ordinaryNegative:F3}");
        harm.ShouldBeGreaterThan(harmFloor);
        ordinaryNegative.ShouldBeLessThan(ordinaryCeiling);
    }

    // The harm-word check's test half (decisions 242-243): Weibo posts holding a harm word, labelled blind. Measured 2026-12-07:
    // posts that report no harm filed `safety` 137 -> 112 of 141 once the topic is decided again without a term the list
    // dismisses; the 59 reports stay `safety` (59 of 59 before and after). Floors a little off.
    [CorpusFact]
    public void Weibo_posts_whose_harm_word_means_no_harm_are_filed_safety_less_often_and_reports_stay_safety()
    {
        var (reports, others) = ScoredHarmCheckTestHalf(TestPaths.HarmCheck);
        reports.Count.ShouldBeGreaterThan(50);
        others.Count.ShouldBeGreaterThan(100);
        var reportsSafety = reports.Count(s => s.Topic?.Topic == "safety") / (double)reports.Count;
        var othersSafety = others.Count(s => s.Topic?.Topic == "safety") / (double)others.Count;
        Console.WriteLine($"harm-check test: reports safety {reportsSafety:F3}, other posts safety {othersSafety:F3}");
        reportsSafety.ShouldBeGreaterThan(0.97);
        othersSafety.ShouldBeLessThan(0.85);
    }

    // A harm-word check's test half scored by the shipped models: the reports' scores and the other posts'.
    private static (List<MentionScore> Reports, List<MentionScore> Others) ScoredHarmCheckTestHalf(string path)
    {
        var items = CrisisCheck.Load(path, TestPaths.Corpus).Where(c => c.Split == "test").ToList();
        var scores = Scorer.Value.Score(items.Select(c => c.Text).ToList());
        var scored = items.Select((c, i) => (c.Kind, Score: scores[i]!)).ToList();
        return ([.. scored.Where(x => x.Kind == CrisisCheck.Crisis).Select(x => x.Score)],
            [.. scored.Where(x => x.Kind == CrisisCheck.NotCrisis).Select(x => x.Score)]);
    }

    // The English harm-word check's test half (decisions 245-246, 248): tweets the English list fires on, labelled blind. Measured
    // 2026-12-07: tweets that report no harm filed `safety` 68 -> 62 of 72 (sports news, obituaries, TV deaths, "killed it" set
    // aside), then 62 -> 59 (killings with no cause or victim named, history, more devices); the 28 reports stay `safety` (28 of
    // 28) and 27 of 28 negative. Floors a little off: back to before decision 248 (0.861) fails.
    [CorpusFact]
    public void Tweets_whose_harm_word_means_no_harm_are_filed_safety_less_often_and_reports_stay_negative_and_safety()
    {
        var (reports, others) = ScoredHarmCheckTestHalf(TestPaths.HarmCheckEn);
        reports.Count.ShouldBeGreaterThan(25);
        others.Count.ShouldBeGreaterThan(65);
        var reportsHarm = reports.Count(s => s.Topic?.Topic == "safety" && s.Sentiment.Label == SentimentLabel.Negative) / (double)reports.Count;
        var othersSafety = others.Count(s => s.Topic?.Topic == "safety") / (double)others.Count;
        Console.WriteLine($"harm-check-en test: reports negative and safety {reportsHarm:F3}, other posts safety {othersSafety:F3}");
        reportsHarm.ShouldBeGreaterThan(0.92);
        othersSafety.ShouldBeLessThan(0.85);
    }

    // Measured 2026-12-03 with every form of the English harm words (decision 183): zh 66 of 66 (65 also negative), en 73 of 73
    // (72 also negative, 0.986). With harm reports never served positive and the retrained topic model (decisions 175-177):
    // en 69 of 73 (0.945; 68 also negative, 0.932). Before: zh 66 (65), en 61 (0.836; 53 also negative); before harm reports
    // were taken as safety: zh 63 (0.955), en 55 (0.753).
    private const double FloorZh = 0.95;
    private const double FloorEn = 0.95;
    private const double FloorEnNegativeAndSafety = 0.95;

    // Held-out test sets of the real corpora (never trained on): MODEL.md reports 0.881, 0.853 / 0.789, 0.733 / 0.591.
    [CorpusFact]
    public void Sentiment_on_the_held_out_real_test_sets_stays_above_its_floors()
    {
        var model = Scorer.Value.Sentiment;
        model.HasNeutralHead.ShouldBeTrue();
        var test = SocialCorpora.Load(TestPaths.Corpus).Where(t => t.Test).GroupBy(t => t.Corpus).ToDictionary(g => g.Key, g => g.ToList());
        SocialTrainingRun.Measure(model, test["zh-shopping-food"]).BalancedAccuracy.ShouldBeGreaterThan(0.86);
        SocialTrainingRun.Measure(model, test["zh-smp2020-test"]).MacroF1!.Value.ShouldBeGreaterThan(0.76);
        var semeval = SocialTrainingRun.Measure(model, test["en-semeval-2017test"]);
        semeval.BalancedAccuracy.ShouldBeGreaterThan(0.71);
        semeval.MacroF1!.Value.ShouldBeGreaterThan(0.57);
    }

    [CorpusFact]
    public void Topic_model_beats_always_guessing_the_commonest_topic_on_the_hand_checked_sample()
    {
        var checks = TopicCheck.Load(TestPaths.TopicCheck, TestPaths.Corpus);
        var scores = Scorer.Value.Score(checks.Select(c => c.Text).ToList());
        var accuracy = Metrics.Accuracy(checks.Select(c => c.Checked).ToList(), scores.Select(s => s!.Topic!.Topic).ToList());
        var majority = checks.GroupBy(c => c.Checked).Max(g => g.Count()) / (double)checks.Count;
        accuracy.ShouldBeGreaterThan(majority);
    }

    [Fact]
    public void The_fast_path_gives_the_probabilities_ml_net_itself_computes()
    {
        var ml = new MLContext(seed: 1);
        var path = Path.Combine(TestPaths.Models, "sentiment.zip");
        var transformer = ml.Model.Load(path, out _);
        var model = SentimentModel.Load(ml, path, "test");
        string[] texts = ["太差了，再也不买了", "love it!!! 😍", "the screen is not good", "还行吧", "what time do you open on sundays?", "能寄到香港吗？",
            "where is my refund?", "退款什么时候到账？"];
        var size = model.Manifest.Featurizer.VectorSize;
        var rows = texts.Select(t =>
        {
            var (indices, values) = model.Featurizer.FeaturizeToArrays(t);
            return new Row { Label = false, Features = new VBuffer<float>(size, values.Length, values, indices) };
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        var expected = transformer.Transform(ml.Data.LoadFromEnumerable(rows, schema)).GetColumn<float>("Probability").ToArray();

        var vector = new FeatureVector();
        var settings = model.Manifest.Featurizer;
        for (var i = 0; i < texts.Length; i++)
        {
            model.Featurizer.Featurize(texts[i], vector);
            var want = expected[i];
            if (model.Manifest.Blend is { } blend)
            {
                // The blend is folded into the weights at load time; here it is applied on top of
                // ML.NET's own probability, the long way round.
                var dense = new float[settings.DenseCount];
                for (var k = 0; k < vector.Count; k++)
                {
                    if (vector.Indices[k] >= settings.HashedSize)
                    {
                        dense[vector.Indices[k] - settings.HashedSize] = vector.Values[k];
                    }
                }

                var logit = blend.Apply(MathF.Log(want / (1 - want)), slot => dense[slot], CrossDomainRun.IsShrunkQuestion(settings, dense));
                want = 1f / (1f + MathF.Exp(-logit));
            }

            model.PositiveProbability(vector).ShouldBe(want, 1e-4f);
        }
    }

    [Theory]
    [InlineData("what time do you open on sundays?", true)]
    [InlineData("能寄到香港吗？", true)]
    [InlineData("Where's my refund?", false)]
    [InlineData("still waiting for my parcel, any update?", false)]
    [InlineData("what time do you open on sundays", false)]
    public void Plain_questions_without_a_complaint_cue_are_pulled_toward_neutral(string text, bool shrunk)
    {
        var model = Scorer.Value.Sentiment;
        var settings = model.Manifest.Featurizer;
        model.Manifest.Blend!.QuestionShrink.ShouldBe(0.5f);
        var (indices, values) = model.Featurizer.FeaturizeToArrays(text);
        var dense = CrossDomainRun.Dense(settings, new FeatureData.FeaturizedText(indices, values, false));
        CrossDomainRun.IsShrunkQuestion(settings, dense).ShouldBe(shrunk);

        // The serving path agrees: against the unshrunk logit (weights · features), a shrunk question's logit is halved.
        var path = Path.Combine(TestPaths.Models, "sentiment.zip");
        var (transformer, manifest) = ModelFile.Load(new MLContext(seed: 1), path, "test", ModelManifest.SentimentKind);
        var unshrunk = SentimentModel.FromTransformer(transformer, manifest with { Blend = manifest.Blend! with { QuestionShrink = 1f } }, path, "test");
        var served = model.Logit(indices, values);
        served.ShouldBe(shrunk ? unshrunk.Logit(indices, values) * 0.5f : unshrunk.Logit(indices, values), 1e-4f);
    }

    [Fact]
    public void The_topic_model_reads_the_sentiment_feature_vector_and_ignores_its_rule_and_complaint_cue_slots()
    {
        var sentiment = Scorer.Value.Sentiment;
        var topic = Scorer.Value.Topic;
        topic.Manifest.Featurizer.ShouldBe(sentiment.Manifest.Featurizer with { RuleFeatures = false, ComplaintCues = false, ComplaintCueScale = 1f });
        sentiment.Manifest.Featurizer.RuleFeatures.ShouldBeTrue();
        sentiment.Manifest.Featurizer.ComplaintCues.ShouldBeTrue();
        topic.Manifest.Featurizer.WebLexicon.ShouldBeTrue();
        topic.Manifest.Featurizer.GloveLexicon.ShouldBeTrue();
        topic.Featurizer.Settings.GloveScale.ShouldBe(sentiment.Featurizer.Settings.GloveScale);
        var shared = new FeatureVector();
        var own = new FeatureVector();
        var fromShared = new float[topic.Topics.Count];
        var fromOwn = new float[topic.Topics.Count];
        foreach (var text in new[] { "what time do you open?", "退款等了一个月还没到！！", "NEVER again, the WORST airline :(", "flight delayed again [怒]", "stranded and overcharged" })
        {
            sentiment.Featurizer.Featurize(text, shared);
            topic.Featurizer.Featurize(text, own);
            shared.Count.ShouldBeGreaterThan(own.Count - 1);
            topic.Probabilities(shared, fromShared);
            topic.Probabilities(own, fromOwn);
            fromShared.ShouldBe(fromOwn, 1e-6f);
        }
    }

    [Fact]
    public void Scoring_in_parallel_gives_the_same_results_as_one_by_one()
    {
        var texts = TrainingCorpus.LoadPosts(TestPaths.Posts).Select(p => p.Text).ToList();
        var many = Enumerable.Range(0, 8).SelectMany(_ => texts).ToList();
        var batch = Scorer.Value.Score(many);
        for (var i = 0; i < many.Count; i += 37)
        {
            var one = Scorer.Value.ScoreOne(many[i]);
            batch[i]!.Sentiment.ShouldBe(one.Sentiment, $"text {i}");
            batch[i]!.Topic.ShouldBe(one.Topic, $"text {i}");
            batch[i]!.RiskTerms.ShouldBe(one.RiskTerms, $"text {i}");
        }
    }

    [Theory]
    [InlineData("客服態度太差了，退貨三週還沒退款，再也不買了", "客服态度太差了，退货三周还没退款，再也不买了")]
    [InlineData("這家店的服務真的很讚，下次還來", "这家店的服务真的很赞，下次还来")]
    [InlineData("請問門市週末幾點開門？", "请问门市周末几点开门？")]
    public void A_post_in_traditional_characters_scores_as_its_simplified_original(string traditional, string simplified)
    {
        var folded = Scorer.Value.ScoreOne(traditional);
        var original = Scorer.Value.ScoreOne(simplified);

        folded.Sentiment.ShouldBe(original.Sentiment);
        folded.Topic.ShouldBe(original.Topic);
    }

    // The Traditional posts also carry Taiwanese vocabulary (軟體, 網路) that the character fold does not bridge (decision 026).
    [Fact]
    public void Negative_detection_on_the_held_out_posts_in_traditional_characters_stays_above_its_floor()
    {
        var posts = TrainingCorpus.LoadPosts(TestPaths.PostsHant).Where(p => p.Split == "test").ToList();
        posts.Count.ShouldBeGreaterThan(90);
        var scores = Scorer.Value.Score(posts.Select(p => p.Text).ToList());
        var ba = Metrics.BalancedAccuracy(
            posts.Select(p => p.Sentiment == "negative").ToList(),
            scores.Select(s => s!.Sentiment.Label == SentimentLabel.Negative).ToList());
        ba.ShouldBeGreaterThan(0.82); // 0.834 measured; the model before the fold: 0.814
    }

    [Fact]
    public void Risk_terms_are_reported_from_the_configured_list()
    {
        Scorer.Value.ScoreOne("电池爆炸了，我要投诉").RiskTerms.ShouldBe(["投诉", "爆炸"], ignoreOrder: true);
        Scorer.Value.ScoreOne("電池爆炸了，我要投訴").RiskTerms.ShouldBe(["投诉", "爆炸"], ignoreOrder: true);
        Scorer.Value.ScoreOne("lovely day").RiskTerms.ShouldBeEmpty();
    }

    private sealed class Row
    {
        public bool Label { get; set; }

        public VBuffer<float> Features { get; set; }
    }
}
