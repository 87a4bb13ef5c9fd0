using SentimentWatch.Scoring.Corrections;
using SentimentWatch.Scoring.Drift;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Tests.Corrections;

public sealed class LabelCorrectionDataTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sw-corrections-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static LabelCorrectionRecord Row(long id, string mention, string? sentiment, string? topic, string by = "ana") => new()
    {
        Id = id, MentionId = mention, Text = "text of " + mention, Language = "zh", NewSentiment = sentiment, NewTopic = topic,
        ModelSentiment = "negative", ModelTopic = "other", By = by, At = DateTimeOffset.UnixEpoch.AddMinutes(id),
    };

    [Fact]
    public void TheExport_HoldsEachMentionsLatestLabels_InMentionOrder_AndItsHashIsStable()
    {
        LabelCorrectionRecord[] history = [Row(1, "b", "negative", null), Row(2, "a", null, "logistics"), Row(3, "b", null, "safety", "bo"), Row(4, "b", "neutral", null, "cy")];
        history[3].Source = "app-feedback";

        var export = CorrectionsExport.FromHistory(history);
        var first = CorrectionsExport.Write(Path.Combine(_folder, "one.jsonl"), export);
        var second = CorrectionsExport.Write(Path.Combine(_folder, "two.jsonl"), CorrectionsExport.FromHistory(history.Reverse()));

        export.Select(c => c.MentionId).ShouldBe(["a", "b"]);
        export[1].Sentiment.ShouldBe("neutral");
        export[1].Topic.ShouldBe("safety");
        export[0].Sentiment.ShouldBeNull();
        second.ShouldBe(first);
        var (read, sha) = CorrectionsExport.Read(Path.Combine(_folder, "one.jsonl"));
        sha.ShouldBe(first);
        read.Select(c => (c.MentionId, c.Text, c.Sentiment, c.Topic, c.ModelSentiment, c.CorrectedAt, c.Source))
            .ShouldBe(export.Select(c => (c.MentionId, c.Text, c.Sentiment, c.Topic, c.ModelSentiment, c.CorrectedAt, c.Source)));
        // The source is the latest correction's (decision 216); a mention corrected before the store kept sources has none.
        export[1].Source.ShouldBe("app-feedback");
        export[0].Source.ShouldBeNull();
        File.ReadAllLines(Path.Combine(_folder, "one.jsonl"))[0].ShouldNotContain("\"source\"");
    }

    [Fact]
    public void TheCurrentCorrection_IsTheLatestValueOfEachLabel_ByTheLatestAnalyst()
    {
        var (mention, correction) = LabelCorrections.Fold([Row(1, "m", "negative", null), Row(2, "m", null, "safety", "bo")]).ShouldHaveSingleItem();

        mention.ShouldBe("m");
        correction.Sentiment.ShouldBe(Core.Scoring.SentimentLabel.Negative);
        correction.Topic.ShouldBe("safety");
        correction.By.ShouldBe("bo");
    }

    [Fact]
    public void JensenShannon_IsZeroForTheSameShares_OneForDisjointOnes_AndSymmetric()
    {
        var a = new Dictionary<string, double> { ["negative"] = 0.5, ["positive"] = 0.5 };
        var b = new Dictionary<string, double> { ["neutral"] = 1 };
        var c = new Dictionary<string, double> { ["negative"] = 0.9, ["positive"] = 0.1 };

        LabelDistribution.JensenShannon(a, a).ShouldBe(0, 1e-12);
        LabelDistribution.JensenShannon(a, b).ShouldBe(1, 1e-12);
        LabelDistribution.JensenShannon(a, c).ShouldBe(LabelDistribution.JensenShannon(c, a), 1e-12);
        LabelDistribution.JensenShannon(a, c).ShouldBeInRange(0.1, 0.2);
    }

    [Fact]
    public void TopicTraining_LearnsACorrectedText_AndTheManifestNamesTheExport()
    {
        var lexicon = TopicLexicon.Load(Path.Combine(AppContext.BaseDirectory, "models", "topic-lexicon.tsv"));
        var weak = lexicon.Classes.SelectMany((c, i) => Enumerable.Range(0, 20).Select(j => ($"{c} 样本 {i} {j} 投诉内容", c, "zh"))).ToList();
        const string Corrected = "骑手把汤洒在我家门口还骂人";
        var training = new TopicTraining(TextWriter.Null)
        {
            MinPerClass = 20,
            Corrections = [new TopicExample(Corrected, "safety")],
            CorrectionsSource = new CorrectionsSource("corrections.jsonl", new string('a', 64), 3, 0, 0),
        };

        var model = training.Train(lexicon, weak, [], Path.Combine(_folder, "topic.zip"), DateTimeOffset.UnixEpoch);

        model.Manifest.Corrections.ShouldBe(new CorrectionsSource("corrections.jsonl", new string('a', 64), 3, 1, training.CorrectionWeight));
        var probabilities = new float[model.Topics.Count];
        var vector = new Featurization.FeatureVector();
        model.Featurizer.Featurize(Corrected, vector);
        model.Probabilities(vector, probabilities);
        model.Topics[Array.IndexOf(probabilities, probabilities.Max())].ShouldBe("safety");
        training.LastTrainingCounts["safety"].ShouldBe(21);
    }
}
