namespace SentimentWatch.Alerting.Tests.Rules;

public sealed class TopTermsTests
{
    [Fact]
    public void TopTerms_AreWholeWordsWithoutStopWords()
    {
        var cause = new[] { "这家店的沙拉让我们全家食物中毒", "食物中毒了，已经拉肚子一整天", "我们也是拉肚子，沙拉有问题" }
            .Select((text, i) => new MentionEvidence { WatchId = "w", MentionId = $"m{i}", Source = "weibo", Excerpt = text }).ToList();

        var terms = RuleEvaluation.TopTerms(cause, 5);

        terms.Take(3).ShouldBe(["拉肚子", "沙拉", "食物中毒"], ignoreOrder: true);
        terms.ShouldNotContain("我们");
        terms.ShouldNotContain("物中", "no bigram fragments");
    }

    [Fact]
    public void ATermAnotherListedTermContains_IsDropped_TheLongerKept()
    {
        SentimentWatch.Alerting.Notifications.NotificationMessage.MeaningfulTerms(["poisoning", "Food Poisoning", "refund", "食物中毒", "中毒", "Refund"], [])
            .ShouldBe(["Food Poisoning", "refund", "食物中毒"]);
    }
}
