using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Core.Tests;

/// <summary>Decision 212: which mentions the labelling queue offers first, and which it leaves out.</summary>
public sealed class LabellingQueueTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static Mention Scored(string id, float negative, float neutral, float positive, int minutes = 0, TopicScore? topic = null)
    {
        var label = negative >= neutral && negative >= positive ? SentimentLabel.Negative : positive > neutral ? SentimentLabel.Positive : SentimentLabel.Neutral;
        return new Mention
        {
            Id = id, Source = "weibo", Text = id, PublishedAt = At.AddMinutes(minutes), CollectedAt = At.AddMinutes(minutes),
            Sentiment = new SentimentScore(label, negative, neutral, positive), Topic = topic, ScoredBy = "m",
        };
    }

    [Theory]
    [InlineData(0.34f, 0.33f, 0.33f, 0.01)]
    [InlineData(0.10f, 0.10f, 0.80f, 0.70)]
    [InlineData(0.50f, 0.50f, 0.00f, 0.00)]
    [InlineData(0.00f, 0.00f, 1.00f, 1.00)]
    public void Certainty_is_the_gap_between_the_two_most_probable_classes(float negative, float neutral, float positive, double expected) =>
        LabellingQueue.SentimentCertainty(new SentimentScore(SentimentLabel.Neutral, negative, neutral, positive)).ShouldBe(expected, 0.0001);

    [Fact]
    public void The_least_certain_come_first_and_ties_go_to_the_newest()
    {
        var ranked = LabellingQueue.Rank(
            [Scored("sure", 0.9f, 0.05f, 0.05f), Scored("old-tie", 0.5f, 0.5f, 0f, 0), Scored("new-tie", 0.5f, 0.5f, 0f, 30), Scored("middle", 0.6f, 0.3f, 0.1f)],
            LabellingQueueKind.Sentiment, 3);

        ranked.Select(r => r.Mention.Id).ShouldBe(["new-tie", "old-tie", "middle"]);
    }

    [Fact]
    public void Corrected_reposted_and_unscored_mentions_are_not_offered_and_a_topic_correction_leaves_the_sentiment_queue_alone()
    {
        var topicCorrected = Scored("topic-corrected", 0.5f, 0.45f, 0.05f, topic: new TopicScore("logistics", 0.3f))
            with { Correction = new LabelCorrection(null, "refund_return", "ana", At) };
        var mentions = new[]
        {
            Scored("sentiment-corrected", 0.5f, 0.5f, 0f) with { Correction = new LabelCorrection(SentimentLabel.Negative, null, "ana", At) },
            Scored("repost", 0.5f, 0.5f, 0f) with { DuplicateOf = "x" },
            new Mention { Id = "unscored", Source = "weibo", Text = "t", PublishedAt = At, CollectedAt = At },
            topicCorrected,
        };

        LabellingQueue.Rank(mentions, LabellingQueueKind.Sentiment, 10).Select(r => r.Mention.Id).ShouldBe(["topic-corrected"]);
        LabellingQueue.Rank(mentions, LabellingQueueKind.Topic, 10).ShouldBeEmpty();
    }

    [Fact]
    public void The_topic_queue_holds_mentions_labelled_negative_including_by_an_analyst()
    {
        var servedPositive = Scored("served-positive", 0.1f, 0.1f, 0.8f, topic: new TopicScore("other", 0.2f));
        var correctedNegative = servedPositive with { Id = "corrected-negative", Correction = new LabelCorrection(SentimentLabel.Negative, null, "ana", At) };
        var complaint = Scored("complaint", 0.8f, 0.1f, 0.1f, topic: new TopicScore("logistics", 0.6f));

        LabellingQueue.Rank([servedPositive, correctedNegative, complaint], LabellingQueueKind.Topic, 10)
            .Select(r => (r.Mention.Id, Math.Round(r.Certainty, 2))).ShouldBe([("corrected-negative", 0.2), ("complaint", 0.6)]);
    }
}
