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
