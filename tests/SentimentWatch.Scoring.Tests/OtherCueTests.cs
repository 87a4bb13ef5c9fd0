using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Serving;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Tests;

/// <summary>
/// Other cues (decision 175–176): a complaint that names no aspect (a boycott, "won't go back") is the rubric's `other`,
/// in the weak labels and when serving; harm reports are never served positive (decision 177); the complaint set's split.
/// </summary>
public sealed class OtherCueTests
{
    private static readonly Lazy<ModelScorer> Scorer = new(() => ModelScorer.Load(new ScoringOptions { ModelDirectory = TestPaths.Models }));

    private static TopicLexicon Lexicon() => new(
        ["product_quality", "logistics", "other"],
        [new("product_quality", "坏了", 1f, "seed"), new("logistics", "快递", 1f, "seed"), new("logistics", "delivery", 1f, "seed")],
        otherCues: ["抵制", "never coming back", "avoid this place"]);

    [Fact]
    public void A_text_no_category_term_matches_is_weak_labelled_other_when_an_other_cue_names_it()
    {
        var lexicon = Lexicon();
        lexicon.WeakLabel("坚决抵制这家公司").ShouldBe((ComplaintTopics.Other, WeakLabelKind.Clear));
        lexicon.WeakLabel("Probably never coming back, and wouldn't recommend it.").ShouldBe((ComplaintTopics.Other, WeakLabelKind.Clear));
        lexicon.WeakLabel("the worst evening ever").Kind.ShouldBe(WeakLabelKind.None);
    }

    [Fact]
    public void A_category_term_outweighs_an_other_cue_in_the_weak_labels()
    {
        var lexicon = Lexicon();
        lexicon.WeakLabel("用了三天就坏了，抵制！").ShouldBe(("product_quality", WeakLabelKind.Clear));
        lexicon.WeakLabel("delivery took a month, never coming back").ShouldBe(("logistics", WeakLabelKind.Clear));
    }

    [Fact]
    public void Other_cues_are_read_from_the_keywords_file_and_round_trip_through_the_lexicon_file()
    {
        var dir = TestPaths.TempDirectory();
        var keywords = Path.Combine(dir, "topics.json");
        File.WriteAllText(keywords, """{ "categories": { "logistics": ["快递"] }, "otherCues": ["抵制", "Won't Be Back"] }""");
        var rules = TopicRules.Load(keywords);
        rules.OtherCues.ShouldBe(["抵制", "won't be back"]);

        var lexicon = TopicLexicon.FromRules(rules);
        lexicon.Save(Path.Combine(dir, "lexicon.tsv"));
        TopicLexicon.Load(Path.Combine(dir, "lexicon.tsv")).OtherCues.ShouldBe(["抵制", "won't be back"]);
    }

    [Fact]
    public void Serving_an_other_cue_without_a_category_keyword_answers_other_when_the_model_is_unsure_and_says_it_came_from_the_rule()
    {
        var topics = new[] { "product_quality", "logistics", ComplaintTopics.Other };
        var rules = new TopicRules(
            new Dictionary<string, IReadOnlyList<string>> { ["product_quality"] = ["broken"], ["logistics"] = ["delivery"] },
            otherCues: ["avoid this place"]);
        var hybrid = new HybridTopic(rules, topics);
        float[] unsure = [0.45f, 0.15f, 0.40f];

        hybrid.Decide("avoid this place!", unsure).ShouldBe((2, 0.40f, true));
        // A category keyword, or a model sure of a category, keeps the category.
        hybrid.Decide("broken on arrival, avoid this place!", unsure).Topic.ShouldBe(0);
        hybrid.Decide("avoid this place!", [0.75f, 0.05f, 0.20f]).ShouldBe((0, 0.75f, false));
    }

    [Theory]
    [InlineData("Avoid this place, we will never go back.")]
    [InlineData("坚决抵制这家无良企业")]
    public void The_shipped_scorer_keeps_other_for_an_aspectless_boycott_even_past_the_complaint_gate(string text)
    {
        var score = Scorer.Value.ScoreOne(text);
        score.Sentiment.Label.ShouldNotBe(SentimentLabel.Positive);
        score.Topic!.Topic.ShouldBe(ComplaintTopics.Other);
    }

    // Decision 184: the gate applies whatever the sentiment. Before it this complaint, misread as positive, was served `other`
    // at 0.53 (the model unsure, no other cue).
    [Fact]
    public void The_shipped_scorer_gives_a_complaint_misread_as_positive_its_most_likely_category_unless_sure_of_other()
    {
        var score = Scorer.Value.ScoreOne("i love how nobody ever answers the phone here lol");
        score.Sentiment.Label.ShouldBe(SentimentLabel.Positive);
        score.Topic!.Topic.ShouldNotBe(ComplaintTopics.Other);
    }

    [Fact]
    public void A_harm_report_loses_its_positive_share_to_negative_and_neutral_in_proportion()
    {
        var (negative, neutral, positive) = ModelScorer.HarmIsNeverPositive((0.2f, 0.1f, 0.7f));
        positive.ShouldBe(0f);
        negative.ShouldBe(2f / 3f, 1e-5f);
        neutral.ShouldBe(1f / 3f, 1e-5f);
        ModelScorer.HarmIsNeverPositive((0f, 0f, 1f)).ShouldBe((1f, 0f, 0f));
    }

    [Theory]
    [InlineData("LOL funny thing happened this morning, i threw up my food from last night on the bus")]
    [InlineData("my uncle is in the hospital again, going to visit him tonight :)")]
    public void The_shipped_scorer_never_serves_a_harm_report_positive(string text)
    {
        var score = Scorer.Value.ScoreOne(text);
        score.Sentiment.Label.ShouldNotBe(SentimentLabel.Positive);
        score.Sentiment.Positive.ShouldBe(0f);
    }

    [Fact]
    public void The_complaint_set_is_split_by_text_key_a_third_dev_and_the_rest_test()
    {
        LabelledComplaint.SplitOf("00000003").ShouldBe("dev");
        LabelledComplaint.SplitOf("00000004").ShouldBe("test");
        var keys = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Data", "complaints.tsv"))
            .Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t')).ToList();
        foreach (var language in new[] { "zh", "en" })
        {
            var rows = keys.Where(k => k[1] == language).ToList();
            var dev = rows.Count(k => LabelledComplaint.SplitOf(k[3]) == "dev") / (double)rows.Count;
            dev.ShouldBeInRange(0.25, 0.42, language);
        }
    }
}
