using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Alerting.Tests.Rules;

/// <summary>
/// Reach and engagement are whatever a site (or an intake caller) says: sums over them saturate at
/// <see cref="long.MaxValue"/> instead of throwing, so one extreme post can never make the desk skip a mention.
/// </summary>
public sealed class ExtremeReachTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static MentionEvidence Negative(long reach, TimeSpan ago) => new()
    {
        WatchId = "brand",
        MentionId = Guid.NewGuid().ToString("N"),
        At = Now - ago,
        Sentiment = SentimentLabel.Negative,
        Source = "forum",
        Reach = reach,
        Author = Guid.NewGuid().ToString("N")[..6],
        Excerpt = "food poisoning at the store",
    };

    private static readonly MentionEvidence[] TwoAtTheLimit = [Negative(long.MaxValue, TimeSpan.FromMinutes(1)), Negative(long.MaxValue, TimeSpan.FromMinutes(2))];

    [Fact]
    public void WindowReading_ReadsAWindowOfTwoPostsAtTheLimit_WithTheReachSaturated()
    {
        var reading = WindowReading.Read([.. TwoAtTheLimit, Negative(5, TimeSpan.FromMinutes(3))], Now, TimeSpan.FromMinutes(10), historySince: null);

        reading.Negatives.ShouldBe(3);
        reading.NegativeReach.ShouldBe(long.MaxValue);
        reading.Describe().ShouldContain("negative reach 9,223,372,036,854,775,807");
        reading.Describe(chinese: true).ShouldContain("负面触达 9,223,372,036,854,775,807");
    }

    [Fact]
    public void Influencer_FiresOnPostsAtTheLimit_WithTheLargestReachInItsSummary()
    {
        var rule = new CrisisRule { Id = "loud", Watch = "brand", Kind = CrisisRuleKind.Influencer, Window = TimeSpan.FromMinutes(10), MinCount = 1, MinReach = 100_000 };

        var finding = RuleEvaluation.Evaluate(rule, "brand", TwoAtTheLimit, Now).ShouldHaveSingleItem();

        finding.Count.ShouldBe(2);
        finding.Measured.ShouldBe(long.MaxValue);
        finding.Summary.ShouldContain("largest 9,223,372,036,854,775,807");
        finding.Samples.Select(s => s.Reach).ShouldAllBe(r => r == long.MaxValue);
    }

    [Fact]
    public void CrisisScore_CountsReachAtTheLimitAsFullReach_NotAsNaN()
    {
        var rule = new CrisisRule { Id = "score", Watch = "brand", Kind = CrisisRuleKind.CrisisScore, Window = TimeSpan.FromMinutes(10), MinCount = 2, Ratio = 3, MinReach = 100_000, Threshold = 0.5 };

        // One post at the limit alone: 1 + long.MaxValue must not wrap to a negative logarithm either.
        foreach (var negatives in new[] { TwoAtTheLimit, [TwoAtTheLimit[0]] })
        {
            var score = RuleEvaluation.CrisisScore(rule, negatives, baselineNegatives: 0, total: negatives.Length, out var parts, out _);

            double.IsFinite(score).ShouldBeTrue(parts);
            parts.ShouldContain("reach 1,");
        }

        RuleEvaluation.Evaluate(rule, "brand", TwoAtTheLimit, Now).ShouldHaveSingleItem().Measured.ShouldBeInRange(0.5, 1);
    }

    [Theory]
    [InlineData(long.MaxValue, 0, 0, 0, long.MaxValue)]
    [InlineData(0, long.MaxValue, long.MaxValue, 0, long.MaxValue)]
    [InlineData(0, long.MaxValue, long.MaxValue, long.MaxValue, long.MaxValue)]
    [InlineData(0, 100, 20, 3, 123)]
    [InlineData(50_000, 100, 20, 3, 50_000)]
    public void EvidenceReach_IsTheLargerOfReachAndInteractions_Saturated(long reach, long likes, long replies, long shares, long expected)
    {
        var mention = Support.Mentions.Negative(Now);
        mention = mention with { Engagement = new Core.Mentions.Engagement(reach, likes, replies, shares) };

        IncidentDesk.ToEvidence(mention, "brand", [], Now).Reach.ShouldBe(expected);
    }
}
