using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Serving;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Tests;

/// <summary>A watch's own complaint categories (decision 126): trained from its taxonomy file, served for its mentions only.</summary>
public sealed class WatchTaxonomyTests
{
    private static readonly string Taxonomy = Path.Combine(AppContext.BaseDirectory, "Data", "airline-taxonomy.json");

    private static readonly Lazy<(ModelScorer Scorer, string Folder)> Trained = new(() =>
    {
        // The airline taxonomy's seeds and examples alone (no corpora), so the test is quick and exact about its input.
        var rules = TopicRules.Load(Taxonomy);
        var lexicon = TopicLexicon.FromRules(rules);
        var models = TestPaths.TempDirectory();
        File.Copy(Path.Combine(TestPaths.Models, "sentiment.zip"), Path.Combine(models, "sentiment.zip"));
        File.Copy(Path.Combine(TestPaths.Models, "topic.zip"), Path.Combine(models, "topic.zip"));
        File.Copy(Path.Combine(TestPaths.Models, "topic-keywords.json"), Path.Combine(models, "topic-keywords.json"));
        var folder = Path.Combine(models, "watches", "airline");
        Directory.CreateDirectory(folder);
        File.Copy(Taxonomy, Path.Combine(folder, "topic-keywords.json"));
        var examples = TopicTraining.LoadExamples(Taxonomy);
        var weak = examples.Select(e => (e.Text, e.Topic, "en")).ToList();
        new TopicTraining(TextWriter.Null) { MinPerClass = 1 }.Train(lexicon, weak, examples, Path.Combine(folder, "topic.zip"), DateTimeOffset.UnixEpoch);
        var options = new ScoringOptions { ModelDirectory = models };
        options.WatchTopics["skyair"] = "watches/airline";
        return (ModelScorer.Load(options), folder);
    });

    [Fact]
    public void The_taxonomy_file_names_its_categories_precedence_and_examples()
    {
        var rules = TopicRules.Load(Taxonomy);
        rules.Classes.ShouldBe(["safety", "delays", "baggage", "crew", "customer_service", "booking_refunds", "inflight", "other"]);
        rules.Precedence.ShouldBe(["safety"]);
        TopicTraining.LoadExamples(Taxonomy).Count.ShouldBe(25);
    }

    [Theory]
    [InlineData("Flight delayed again, stuck at the gate for hours", "delays")]
    [InlineData("航班晚点五个小时，也没人通知", "delays")]
    [InlineData("Lost my luggage and nobody at baggage claim could help", "baggage")]
    [InlineData("空乘服务态度太差了", "crew")]
    [InlineData("退票要扣一半的手续费，太坑了", "booking_refunds")]
    [InlineData("Called customer service three times, on hold for an hour and then hung up on", "customer_service")]
    [InlineData("The seat was broken and the wifi never worked the whole flight", "inflight")]
    public void Mentions_of_a_watch_with_its_own_taxonomy_get_its_categories(string text, string expected)
    {
        var scorer = Trained.Value.Scorer;
        var negative = new SentimentScore(SentimentLabel.Negative, 0.9f, 0.05f, 0.05f);
        var topic = scorer.WatchTopic(["brand", "skyair"], text, negative);
        topic.ShouldNotBeNull();
        topic.Topic.ShouldBe(expected);
        topic.Score.ShouldBeInRange(0f, 1f);
    }

    [Fact]
    public void A_harm_report_of_a_watch_is_its_safety_category_unless_served_positive()
    {
        // As the default taxonomy (decision 169): "food poisoning" is on the harm list, not among the airline's safety seeds.
        var scorer = Trained.Value.Scorer;
        const string text = "Got food poisoning from the meal they served on my flight";
        scorer.WatchTopic(["skyair"], text, new SentimentScore(SentimentLabel.Negative, 0.9f, 0.05f, 0.05f))!.Topic.ShouldBe("safety");
        scorer.WatchTopic(["skyair"], text, new SentimentScore(SentimentLabel.Neutral, 0.2f, 0.7f, 0.1f))!.Topic.ShouldBe("safety");
        scorer.WatchTopic(["skyair"], "The meal they served on my flight was cold", new SentimentScore(SentimentLabel.Negative, 0.9f, 0.05f, 0.05f))!.Topic.ShouldNotBe("safety");
    }

    [Fact]
    public void The_score_verb_gives_a_watch_taxonomy_the_mentions_that_name_the_watch()
    {
        var folder = TestPaths.TempDirectory();
        var input = Path.Combine(folder, "in.jsonl");
        var output = Path.Combine(folder, "out.jsonl");
        const string text = "Called customer service three times, on hold for an hour and then hung up on";
        File.WriteAllLines(input,
        [
            $$"""{"id":"a","text":"{{text}}","watches":["other-brand","skyair"]}""",
            $$"""{"id":"b","text":"{{text}}"}""",
            $$"""{"id":"c","text":"{{text}}","watches":["other-brand"]}""",
        ]);

        Cli.ScoringCommands.Score(Trained.Value.Scorer, input, output, TextWriter.Null).ShouldBe(0);

        var topics = File.ReadAllLines(output).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!["topic"]!.GetValue<string>()).ToList();
        topics[0].ShouldBe("customer_service");
        ComplaintTopics.Default.ShouldContain(topics[1]);
        topics[2].ShouldBe(topics[1]);
    }

    [Fact]
    public void The_categories_a_case_may_take_are_its_watch_taxonomy_else_the_default_models()
    {
        IComplaintTaxonomy taxonomy = Trained.Value.Scorer;

        taxonomy.CategoriesOf("skyair").ShouldBe(["safety", "delays", "baggage", "crew", "customer_service", "booking_refunds", "inflight", "other"]);
        taxonomy.CategoriesOf("brand").ShouldBe(Trained.Value.Scorer.Topic.Topics);
        taxonomy.CategoriesOf(null).ShouldBe(Trained.Value.Scorer.Topic.Topics);
        taxonomy.CategoriesOf(null).ShouldNotContain("delays");
    }

    [Fact]
    public void Mentions_of_other_watches_keep_the_default_taxonomy_and_the_version_names_the_watch_models()
    {
        var scorer = Trained.Value.Scorer;
        scorer.HasWatchTaxonomies.ShouldBeTrue();
        scorer.WatchTopic(["brand"], "Flight delayed again", new SentimentScore(SentimentLabel.Negative, 0.9f, 0.05f, 0.05f)).ShouldBeNull();
        ComplaintTopics.Default.ShouldContain(scorer.ScoreOne("Flight delayed again").Topic!.Topic);
        (scorer.ModelVersion ?? "").ShouldMatch(@"\+watches-[0-9a-f]{8}$");
    }

    [Fact]
    public void A_watch_taxonomy_folder_without_a_model_fails_validation_naming_the_setting()
    {
        var options = new ScoringOptions { ModelDirectory = TestPaths.Models };
        options.WatchTopics["skyair"] = "watches/missing";
        var result = new ScoringOptionsValidator().Validate(null, options);
        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Scoring:WatchTopics:skyair");
    }
}
