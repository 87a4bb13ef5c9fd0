using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Serving;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Tests;

/// <summary>Complaint topics (decision 125): the gate, the lexicon, the real-complaint set and the shipped model on it.</summary>
public sealed class ComplaintTopicTests
{
    private static readonly Lazy<ModelScorer> Scorer = new(() => ModelScorer.Load(new ScoringOptions { ModelDirectory = TestPaths.Models }));

    private static readonly Lazy<IReadOnlyList<LabelledComplaint>> Complaints = new(() =>
        LabelledComplaint.Load(Path.Combine(AppContext.BaseDirectory, "Data", "complaints.tsv"), TestPaths.Corpus));

    [Fact]
    public void A_complaint_the_model_calls_other_without_conviction_gets_its_most_likely_category_renormalised()
    {
        float[] probabilities = [0.2f, 0.1f, 0.7f];
        var (topic, probability) = ComplaintGate.Decide(probabilities, topic: 2, probability: 0.7f, otherIndex: 2, otherThreshold: 0.8f);
        topic.ShouldBe(0);
        probability.ShouldBe(0.2f / 0.3f, 1e-5f);
    }

    [Fact]
    public void Other_stays_when_the_model_is_sure_enough_or_the_answer_is_already_a_category()
    {
        ComplaintGate.Decide([0.1f, 0.05f, 0.85f], 2, 0.85f, otherIndex: 2, otherThreshold: 0.8f).ShouldBe((2, 0.85f));
        ComplaintGate.Decide([0.6f, 0.1f, 0.3f], 0, 0.6f, otherIndex: 2, otherThreshold: 0.8f).ShouldBe((0, 0.6f));
    }

    [Fact]
    public void A_lexicon_labels_clearly_or_not_at_all_and_harm_wins()
    {
        var lexicon = new TopicLexicon(
            ["logistics", "price_billing", "safety", "other"],
            [
                new("logistics", "快递", 1f, "seed"), new("logistics", "小哥", 0.5f, "cooc"), new("price_billing", "太贵", 1f, "seed"),
                new("safety", "食物中毒", 1f, "seed"), new("logistics", "late", 1f, "seed"),
            ],
            precedence: ["safety"]);
        lexicon.WeakLabel("快递小哥态度还行").ShouldBe(("logistics", WeakLabelKind.Clear));
        lexicon.WeakLabel("快递慢，还太贵").Kind.ShouldBe(WeakLabelKind.Unclear);
        lexicon.WeakLabel("快递到了，吃了食物中毒").ShouldBe(("safety", WeakLabelKind.Clear));
        lexicon.WeakLabel("the plate was cracked").Kind.ShouldBe(WeakLabelKind.None);
        lexicon.WeakLabel("it came late again").Label.ShouldBe("logistics");
        lexicon.Classes[^1].ShouldBe(ComplaintTopics.Other);
    }

    [Fact]
    public void The_lexicon_file_round_trips()
    {
        var dir = TestPaths.TempDirectory();
        var lexicon = new TopicLexicon(["delays", "baggage"], [new("delays", "晚点", 1f, "seed"), new("baggage", "lost my bag", 0.6f, "cooc")]);
        lexicon.Save(Path.Combine(dir, "lexicon.tsv"));
        var loaded = TopicLexicon.Load(Path.Combine(dir, "lexicon.tsv"));
        loaded.Classes.ShouldBe(["delays", "baggage", "other"]);
        loaded.Terms.ShouldBe(lexicon.Terms);
    }

    [Fact]
    public void The_shipped_lexicon_is_much_larger_than_its_seeds_in_both_languages()
    {
        var lexicon = TopicLexicon.Load(Path.Combine(TestPaths.Models, "topic-lexicon.tsv"));
        var seeds = TopicRules.Load(Path.Combine(TestPaths.Models, "topic-keywords.json"));
        lexicon.Classes.ShouldBe(seeds.Classes);
        lexicon.Terms.Count(t => t.Source != "seed").ShouldBeGreaterThan(100);
        lexicon.Terms.ShouldContain(t => t.Source == "glove");
        foreach (var category in lexicon.Categories)
        {
            lexicon.Terms.Count(t => t.Category == category).ShouldBeGreaterThan(30, category);
        }
    }

    [CorpusFact]
    public void Every_real_complaint_of_the_evaluation_set_is_found_in_the_corpora_and_labelled_with_known_topics()
    {
        var items = Complaints.Value;
        items.Count(i => i.Language == "zh").ShouldBeGreaterThanOrEqualTo(300);
        items.Count(i => i.Language == "en").ShouldBeGreaterThanOrEqualTo(300);
        items.Select(i => i.Id).Distinct().Count().ShouldBe(items.Count);
        items.ShouldAllBe(i => ComplaintTopics.Default.Contains(i.Primary) && (i.Secondary == null || ComplaintTopics.Default.Contains(i.Secondary)));
        items.ShouldAllBe(i => i.Text.Length > 0);
    }

    [Fact]
    public void A_hit_on_the_secondary_label_counts_and_is_scored_as_that_class()
    {
        LabelledComplaint Item(string primary, string? secondary) => new("x", "zh", "test", primary, secondary, "t");
        var scores = LabelledComplaint.Score(
            [(Item("logistics", "service_attitude"), "service_attitude", 0.9f), (Item("product_quality", null), "other", 0.5f)],
            ComplaintTopics.Default);
        scores.Accuracy.ShouldBe(0.5);
        scores.OtherShare.ShouldBe(0.5);
        scores.Actual.ShouldBe(["service_attitude", "product_quality"]);
    }

    // Floors a little under the figures in models/MODEL.md, so a retrained model that loses ground fails here; never under
    // the goals (accuracy 0.80, macro-F1 0.60, other 10 %) where they are met. Measured with topic-maxent-202612031017,
    // the other cues (decisions 175-176) and the gate on every post (decision 184): all 654 zh 0.853 / 0.756 / 3.4 %,
    // en 0.832 / 0.640 / 4.0 %; test split (two thirds, read once after the choice on the dev third) zh 0.896 / 0.770 / 1.8 %,
    // en 0.837 / 0.626 / 4.1 % (before decision 184: en 0.810 / 0.648 / 11.3 % on test, 0.813 / 0.662 / 9.5 % on all).
    [CorpusTheory]
    [InlineData("all", "zh", 0.83, 0.72, 0.05)]
    [InlineData("all", "en", 0.82, 0.62, 0.06)]
    [InlineData("test", "zh", 0.86, 0.72, 0.05)]
    [InlineData("test", "en", 0.82, 0.60, 0.06)]
    public void The_shipped_models_classify_real_complaints_well_and_rarely_answer_other(string split, string language, double accuracy, double macroF1, double other)
    {
        var scorer = Scorer.Value;
        var rows = Complaints.Value.Where(i => i.Language == language && (split == "all" || i.Split == split))
            .Select(i => (i, scorer.ScoreOne(i.Text).Topic!)).Select(x => (x.i, x.Item2.Topic, x.Item2.Score)).ToList();
        var scores = LabelledComplaint.Score(rows, scorer.Topic.Topics);
        scores.Accuracy.ShouldBeGreaterThanOrEqualTo(accuracy, language);
        scores.MacroF1.ShouldBeGreaterThanOrEqualTo(macroF1, language);
        scores.OtherShare.ShouldBeLessThanOrEqualTo(other, language);
    }

    [Fact]
    public void A_harm_keyword_wins_over_a_confident_model_answer()
    {
        var topics = Scorer.Value.Topic.Topics;
        var hybrid = new HybridTopic(TopicRules.Load(Path.Combine(TestPaths.Models, "topic-keywords.json")), topics);
        var probabilities = new float[topics.Count];
        Array.Fill(probabilities, 0.01f);
        var service = topics.ToList().IndexOf(ComplaintTopics.ServiceAttitude);
        probabilities[service] = 0.93f;

        var (topic, probability, fromRule) = hybrid.Decide("喝完拉肚子一晚上，找客服说这是食品安全问题，对方只肯退一杯的钱", probabilities);

        topics[topic].ShouldBe(ComplaintTopics.Safety);
        probability.ShouldBe(HybridTopic.RuleProbability);
        fromRule.ShouldBeTrue();
        hybrid.Decide("客服态度太差，电话打了三次都没人接", probabilities).Topic.ShouldBe(service);
    }

    [Theory]
    [InlineData("喝了他家的奶茶全家食物中毒，上吐下泻进了医院")]
    [InlineData("食品安全问题太严重了，汉堡里吃出了铁丝")]
    [InlineData("I got food poisoning from their chicken and was sick all night")]
    [InlineData("The charger caught fire overnight, this is dangerous")]
    public void Harm_reports_are_safety_not_privacy_security(string text) =>
        Scorer.Value.ScoreOne(text).Topic!.Topic.ShouldBe(ComplaintTopics.Safety);
}
