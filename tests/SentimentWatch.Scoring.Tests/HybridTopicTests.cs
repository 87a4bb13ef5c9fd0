using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Featurization;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Serving;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Tests;

/// <summary>The hybrid topic decision over the shipped topic model and models/topic-keywords.json.</summary>
public sealed class HybridTopicTests
{
    private static readonly Lazy<ModelScorer> Scorer = new(() => ModelScorer.Load(new ScoringOptions { ModelDirectory = TestPaths.Models }));

    [Theory]
    [InlineData("绿莫会员卡里还有300块，现在只想退款走人，有一起的吗")]
    [InlineData("我的邮箱是 [email]，请把绿莫咖啡的退款凭证发到这个邮箱。")]
    public void A_refund_post_the_model_calls_other_or_is_unsure_of_is_refund_return(string text)
    {
        var scorer = Scorer.Value;
        scorer.Hybrid.ShouldNotBeNull();
        var (modelTopic, modelProbability) = ModelAlone(scorer.Topic, text);
        (modelTopic == ComplaintTopics.Other || modelProbability < HybridTopic.ConfidenceThreshold).ShouldBeTrue($"model alone: {modelTopic} {modelProbability}");

        var topic = scorer.ScoreOne(text).Topic!;

        topic.Topic.ShouldBe(ComplaintTopics.RefundReturn);
        topic.Score.ShouldBeGreaterThanOrEqualTo(HybridTopic.RuleProbability);
    }

    [Fact]
    public void A_confident_model_answer_is_kept_although_a_keyword_rule_names_another_topic()
    {
        var topics = Scorer.Value.Topic.Topics;
        var hybrid = new HybridTopic(TopicRules.Load(Path.Combine(TestPaths.Models, "topic-keywords.json")), topics);
        var normalized = TextNormalizer.Normalize("我要退款");
        Span<float> probabilities = stackalloc float[topics.Count];
        probabilities.Fill(0.02f);
        var quality = IndexOf(topics, ComplaintTopics.ProductQuality);
        probabilities[quality] = 0.88f;

        var (topic, probability, fromRule) = hybrid.Decide(normalized, probabilities);

        topics[topic].ShouldBe(ComplaintTopics.ProductQuality);
        probability.ShouldBe(0.88f);
        fromRule.ShouldBeFalse();
    }

    [Fact]
    public void The_shipped_model_keeps_its_confident_answer_on_a_post_the_rules_see_differently()
    {
        // The one dev post where the model is confident (0.69 service_attitude) and the rule names
        // another category (privacy_security, "被盗"). The hand label is privacy_security, so the
        // threshold costs this post: the test pins the behaviour, not that it is right here.
        const string text = "账号被盗了，客服就甩给我一个常见问题链接";
        var scorer = Scorer.Value;
        var (modelTopic, modelProbability) = ModelAlone(scorer.Topic, text);
        var rule = TopicRules.Load(Path.Combine(TestPaths.Models, "topic-keywords.json")).Label(text);
        modelProbability.ShouldBeGreaterThanOrEqualTo(HybridTopic.ConfidenceThreshold);
        modelTopic.ShouldNotBe(ComplaintTopics.Other);
        rule.ShouldNotBeNull();
        rule.ShouldNotBe(modelTopic);
        rule.ShouldNotBe(ComplaintTopics.Other);

        var topic = scorer.ScoreOne(text).Topic!;

        topic.Topic.ShouldBe(modelTopic);
        topic.Score.ShouldBe(modelProbability);
    }

    [Fact]
    public void The_model_version_names_the_keyword_list_so_stored_mentions_are_rescored_when_it_changes()
    {
        var scorer = Scorer.Value;
        scorer.ModelVersion.ShouldBe($"{scorer.Sentiment.Manifest.Version}+{scorer.Topic.Manifest.Version}+{scorer.Hybrid!.Version}+gate0.8-every-post+harm-not-positive+dismissed-not-safety+harm-{HarmTerms.Shipped.Version}");
        scorer.Hybrid.Version.ShouldMatch("^rules-[0-9a-f]{8}$");
    }

    private static (string Topic, float Probability) ModelAlone(TopicModel model, string text)
    {
        var vector = new Scoring.Featurization.FeatureVector();
        model.Featurizer.Featurize(text, vector);
        var (topic, probability) = model.Predict(vector);
        return (model.Topics[topic], probability);
    }

    private static int IndexOf(IReadOnlyList<string> topics, string topic)
    {
        for (var i = 0; i < topics.Count; i++)
        {
            if (topics[i] == topic)
            {
                return i;
            }
        }

        return -1;
    }
}
