namespace SentimentWatch.Alerting.Tests.Rules;

/// <summary>
/// The usual number of negatives, as a PR person woken at 3 a.m. reads it: a whole number of posts with its unit ("usually
/// about 3 per 30 min" / "平时每 30 分钟约 3 条"), not the average over past windows ("usually 3.3": 3.3 what, per what?).
/// </summary>
public sealed class UsualCountWordingTests
{
    private static WindowReading Reading(double usual, int negatives = 4, int mentions = 5) => new()
    {
        At = DateTimeOffset.UnixEpoch, Window = TimeSpan.FromMinutes(30), Mentions = mentions, Negatives = negatives, NegativeReach = 1_000,
        UsualNegatives = usual, RecentNegatives = negatives - (negatives / 2), EarlierNegatives = negatives / 2,
    };

    [Fact]
    public void An_average_is_said_as_about_a_whole_number_per_window()
    {
        Reading(3.3).Describe(chinese: false).ShouldContain("(80% of 5), usually about 3 per 30 min; ");
        Reading(3.3).Describe(chinese: true).ShouldContain("（占 5 条的 80%），平时每 30 分钟约 3 条；");
        Reading(0.7, negatives: 1).Describe(chinese: false).ShouldContain("(20% of 5), usually about 1 per 30 min; ");
    }

    [Fact]
    public void A_whole_usual_count_is_said_without_about()
    {
        Reading(3).Describe(chinese: false).ShouldContain(", usually 3 per 30 min; ");
        Reading(3).Describe(chinese: true).ShouldContain("，平时每 30 分钟 3 条；");
    }

    [Fact]
    public void A_multiple_of_the_usual_names_the_usual_with_its_unit()
    {
        Reading(2.2, negatives: 9, mentions: 10).Describe(chinese: false).ShouldContain("(90% of 10), 4.1x the usual (about 2 per 30 min); ");
        Reading(2.2, negatives: 9, mentions: 10).Describe(chinese: true).ShouldContain("（占 10 条的 90%），为平时（每 30 分钟约 2 条）的 4.1 倍；");
    }

    [Fact]
    public void The_recovery_gives_the_usual_the_same_way()
    {
        var reading = Reading(3.3, negatives: 0) with { RecentNegatives = 0, EarlierNegatives = 0 };
        reading.DescribeRecovery(12).ShouldBe("Back to normal: 0 negative of 5 posts in the last 30 min (usually about 3 per 30 min); at its peak there were 12 in 30 min.");
        reading.DescribeRecovery(12, chinese: true).ShouldBe("已恢复正常：近 30 分钟 5 条中负面 0 条（平时每 30 分钟约 3 条）；高峰时 30 分钟内负面 12 条。");
        (reading with { UsualNegatives = 0.2 }).DescribeRecovery(12).ShouldContain("(usually none)");
    }

    [Fact]
    public void A_negative_surge_names_its_usual_with_its_unit()
    {
        var surge = new FiredSignal(CrisisRuleKind.NegativeSpike, Count: 12, Authors: 9, TopReach: 0, Measured: 3.6, Threshold: 3, Baseline: 3.3,
            Window: TimeSpan.FromMinutes(10), Total: 20, Terms: []);
        surge.Phrase(chinese: false, withWindow: true).ShouldBe("12 negative posts in 10 min, 3.6x the usual (about 3 per 10 min)");
        surge.Phrase(chinese: true, withWindow: true).ShouldBe("10 分钟内负面帖子 12 条，为平时（每 10 分钟约 3 条）的 3.6 倍");
    }
}
