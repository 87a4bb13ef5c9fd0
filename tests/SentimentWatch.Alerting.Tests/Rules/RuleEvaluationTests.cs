using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Alerting.Tests.Rules;

public sealed class RuleEvaluationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static CrisisRule Rule(CrisisRuleKind kind, Func<CrisisRule, CrisisRule>? with = null)
    {
        var rule = new CrisisRule { Id = "r", Watch = "brand", Kind = kind, Window = TimeSpan.FromMinutes(10), MinCount = 10, Ratio = 3, EscalateAt = 4 };
        return with is null ? rule : with(rule);
    }

    private static MentionEvidence E(TimeSpan ago, SentimentLabel? label = SentimentLabel.Negative, long reach = 10, string source = "forum", string terms = "", string? author = null, string excerpt = "bad service refund") => new()
    {
        WatchId = "brand",
        MentionId = Guid.NewGuid().ToString("N"),
        At = Now - ago,
        Sentiment = label,
        Source = source,
        Reach = reach,
        RiskTerms = terms,
        Author = author ?? Guid.NewGuid().ToString("N")[..6],
        Excerpt = excerpt,
        Url = "https://example.com/x",
    };

    /// <summary>n mentions spread evenly over a window ending <paramref name="endAgo"/> before now.</summary>
    private static IEnumerable<MentionEvidence> Spread(int n, TimeSpan endAgo, SentimentLabel label = SentimentLabel.Negative, TimeSpan? window = null) =>
        Enumerable.Range(0, n).Select(i => E(endAgo + TimeSpan.FromTicks((window ?? TimeSpan.FromMinutes(10)).Ticks * i / Math.Max(n, 1)), label));

    [Fact]
    public void NegativeSpike_FiresGivenSixfoldNegativeVolume()
    {
        // Baseline: 5 negatives per 10 minutes over the hour before.
        var evidence = Spread(30, TimeSpan.FromMinutes(10), window: TimeSpan.FromHours(1)).Concat(Spread(30, TimeSpan.Zero)).ToList();

        var finding = RuleEvaluation.Evaluate(Rule(CrisisRuleKind.NegativeSpike), "brand", evidence, Now).ShouldHaveSingleItem();

        finding.Measured.ShouldBe(6);
        finding.Count.ShouldBe(30);
        finding.Baseline.ShouldBe(5);
        finding.Summary.ShouldContain("30 negative mentions in the last 10 min vs 5 per 10 min in the 1 h before");
        finding.Samples.Count.ShouldBe(3);
        finding.TopTerms.ShouldContain("refund");
        finding.Severity.ShouldBe(AlertSeverity.Warning, "6x is below 3x * EscalateAt 4");
    }

    [Fact]
    public void NegativeSpike_StaysQuietOnDoubledVolumeBelowTheRatio()
    {
        var evidence = Spread(60, TimeSpan.FromMinutes(10), window: TimeSpan.FromHours(1)).Concat(Spread(20, TimeSpan.Zero)).ToList();

        RuleEvaluation.Evaluate(Rule(CrisisRuleKind.NegativeSpike), "brand", evidence, Now).ShouldBeEmpty();
    }

    [Fact]
    public void NegativeSpike_NeedsTheMinimumCountEvenFromAnEmptyBaseline()
    {
        RuleEvaluation.Evaluate(Rule(CrisisRuleKind.NegativeSpike), "brand", Spread(9, TimeSpan.Zero).ToList(), Now).ShouldBeEmpty();
        RuleEvaluation.Evaluate(Rule(CrisisRuleKind.NegativeSpike), "brand", Spread(10, TimeSpan.Zero).ToList(), Now).ShouldHaveSingleItem();
    }

    [Fact]
    public void NegativeSpike_NeverFiresOnSteadyRandomTrafficOverThreeDays()
    {
        var random = new Random(7);
        var evidence = new List<MentionEvidence>();
        var rule = Rule(CrisisRuleKind.NegativeSpike);
        var fired = 0;
        // Steady Poisson-like traffic: about 12 negatives and 40 others per 10 minutes.
        for (var minute = 60 * 24 * 3; minute >= 0; minute--)
        {
            for (var i = 0; i < 5; i++)
            {
                var roll = random.NextDouble();
                if (roll < 0.24)
                {
                    evidence.Add(E(TimeSpan.FromMinutes(minute) - TimeSpan.FromSeconds(random.Next(60)), SentimentLabel.Negative));
                }
                else if (roll < 1.0)
                {
                    evidence.Add(E(TimeSpan.FromMinutes(minute) - TimeSpan.FromSeconds(random.Next(60)), SentimentLabel.Neutral));
                }
            }
        }

        for (var minute = (60 * 24 * 3) - 80; minute >= 0; minute -= 5)
        {
            var at = Now - TimeSpan.FromMinutes(minute);
            var window = evidence.Where(e => e.At > at - rule.Lookback && e.At <= at).ToList();
            fired += RuleEvaluation.Evaluate(rule, "brand", window, at).Count;
        }

        fired.ShouldBe(0);
    }

    [Fact]
    public void NegativeSpike_WithOneAdjacentBaselineWindowIsFooledByAQuietTenMinutesThatTheHourBaselineIgnores()
    {
        // Steady 12 per window for an hour, one quiet window (3), then a normal-plus window (14).
        var evidence = Spread(60, TimeSpan.FromMinutes(20), window: TimeSpan.FromMinutes(50))
            .Concat(Spread(3, TimeSpan.FromMinutes(10))).Concat(Spread(14, TimeSpan.Zero)).ToList();
        var adjacent = Rule(CrisisRuleKind.NegativeSpike, r => r with { BaselineWindows = 1, MinZ = 0 });

        RuleEvaluation.Evaluate(adjacent, "brand", evidence, Now).ShouldHaveSingleItem();
        RuleEvaluation.Evaluate(Rule(CrisisRuleKind.NegativeSpike), "brand", evidence, Now).ShouldBeEmpty();
    }

    [Fact]
    public void NegativeShare_FiresAboveTheThresholdOnlyWithTheMinimumVolume()
    {
        var rule = Rule(CrisisRuleKind.NegativeShare, r => r with { Threshold = 0.5, MinCount = 20 });
        var busy = Spread(14, TimeSpan.Zero).Concat(Spread(6, TimeSpan.Zero, SentimentLabel.Positive)).ToList();
        var thin = Spread(9, TimeSpan.Zero).Concat(Spread(1, TimeSpan.Zero, SentimentLabel.Positive)).ToList();

        RuleEvaluation.Evaluate(rule, "brand", busy, Now).ShouldHaveSingleItem().Measured.ShouldBe(0.7, 1e-9);
        RuleEvaluation.Evaluate(rule, "brand", thin, Now).ShouldBeEmpty();
    }

    [Fact]
    public void RiskTerms_FiresOnANegativeMentionWithAConfiguredTermButNotOnAPositiveOne()
    {
        var rule = Rule(CrisisRuleKind.RiskTerms, r => r with { MinCount = 1, Terms = ["爆炸", "lawsuit"] });

        RuleEvaluation.Evaluate(rule, "brand", [E(TimeSpan.FromMinutes(1), SentimentLabel.Positive, terms: "爆炸")], Now).ShouldBeEmpty();
        RuleEvaluation.Evaluate(rule, "brand", [E(TimeSpan.FromMinutes(1), terms: "recall")], Now).ShouldBeEmpty();
        var finding = RuleEvaluation.Evaluate(rule, "brand", [E(TimeSpan.FromMinutes(1), terms: "爆炸")], Now).ShouldHaveSingleItem();
        finding.Summary.ShouldContain("爆炸");
    }

    [Fact]
    public void Influencer_FiresOnANegativeMentionAboveTheReachAndEscalatesFarAboveIt()
    {
        var rule = Rule(CrisisRuleKind.Influencer, r => r with { MinCount = 1, MinReach = 100_000, EscalateAt = 5 });

        RuleEvaluation.Evaluate(rule, "brand", [E(TimeSpan.FromMinutes(1), reach: 99_999)], Now).ShouldBeEmpty();
        RuleEvaluation.Evaluate(rule, "brand", [E(TimeSpan.FromMinutes(1), reach: 150_000)], Now).ShouldHaveSingleItem().Severity.ShouldBe(AlertSeverity.Warning);
        RuleEvaluation.Evaluate(rule, "brand", [E(TimeSpan.FromMinutes(1), reach: 600_000)], Now).ShouldHaveSingleItem().Severity.ShouldBe(AlertSeverity.Critical);
    }

    [Fact]
    public void CrisisScore_CatchesASlowBurnThatNoSpikeThresholdCatches()
    {
        // Negatives double (below the 3x spike ratio) but are most of the talk, from many authors, with reach and risk terms.
        var baseline = Spread(48, TimeSpan.FromMinutes(10), window: TimeSpan.FromHours(1)).ToList();
        var current = Enumerable.Range(0, 16).Select(i => E(TimeSpan.FromSeconds(20 * i), reach: 20_000, terms: i % 4 == 0 ? "维权" : "")).ToList();
        current.AddRange(Spread(3, TimeSpan.Zero, SentimentLabel.Neutral));
        var evidence = baseline.Concat(current).ToList();

        RuleEvaluation.Evaluate(Rule(CrisisRuleKind.NegativeSpike), "brand", evidence, Now).ShouldBeEmpty();
        var finding = RuleEvaluation.Evaluate(Rule(CrisisRuleKind.CrisisScore, r => r with { Threshold = 0.6, MinReach = 100_000 }), "brand", evidence, Now).ShouldHaveSingleItem();
        finding.Measured.ShouldBeGreaterThan(0.6);
        finding.Summary.ShouldContain("velocity");
    }

    [Fact]
    public void GroupedRule_GivesOneFindingPerSourceThatCrosses()
    {
        var rule = Rule(CrisisRuleKind.NegativeSpike, r => r with { GroupBy = EvidenceGrouping.Source });
        var evidence = Enumerable.Range(0, 12).Select(_ => E(TimeSpan.FromMinutes(2), source: "weibo"))
            .Concat(Enumerable.Range(0, 4).Select(_ => E(TimeSpan.FromMinutes(2), source: "tieba"))).ToList();

        var finding = RuleEvaluation.Evaluate(rule, "brand", evidence, Now).ShouldHaveSingleItem();
        finding.GroupKey.ShouldBe("weibo");
        finding.IncidentKey.ShouldBe("brand/source:weibo");
    }

    [Fact]
    public void EmergingTopic_ReportsATermAbsentFromTheBaselineUsedByManyDistinctAuthorsAsOneIncident()
    {
        var rule = Rule(CrisisRuleKind.EmergingTopic, r => r with { MinCount = 4 });
        var baseline = Enumerable.Range(0, 30).Select(i => E(TimeSpan.FromMinutes(15 + i), SentimentLabel.Neutral, excerpt: "coffee latte price"));
        var current = Enumerable.Range(0, 5).Select(i => E(TimeSpan.FromMinutes(i), excerpt: "coffee 蟑螂 latte", author: $"a{i}"))
            .Concat(Enumerable.Range(0, 3).Select(i => E(TimeSpan.FromMinutes(i), excerpt: "mug giveaway", author: $"b{i}")));

        var finding = RuleEvaluation.Evaluate(rule, "brand", baseline.Concat(current).ToList(), Now).ShouldHaveSingleItem();

        finding.GroupKey.ShouldBe("蟑螂");
        finding.Measured.ShouldBe(5);
        finding.Summary.ShouldContain("absent from the 1 h before");
    }

    [Fact]
    public void EmergingTopic_CountsATermWrittenInTraditionalAndSimplifiedCharactersAsOne()
    {
        var rule = Rule(CrisisRuleKind.EmergingTopic, r => r with { MinCount = 4 });
        var baseline = Enumerable.Range(0, 30).Select(i => E(TimeSpan.FromMinutes(15 + i), SentimentLabel.Neutral, excerpt: "门店 营业"));
        var current = Enumerable.Range(0, 4).Select(i => E(TimeSpan.FromMinutes(i), excerpt: i % 2 == 0 ? "門店 漏電" : "门店 漏电", author: $"a{i}"));

        var finding = RuleEvaluation.Evaluate(rule, "brand", baseline.Concat(current).ToList(), Now).ShouldHaveSingleItem();

        finding.GroupKey.ShouldBe("漏电");
        finding.Measured.ShouldBe(4);
    }

    [Fact]
    public void RiskTerms_ARuleTermInTraditionalCharactersMatchesTheScorersSimplifiedTerm()
    {
        var rule = Rule(CrisisRuleKind.RiskTerms, r => r with { MinCount = 1, Terms = ["投訴"] });

        RuleEvaluation.Evaluate(rule, "brand", [E(TimeSpan.FromMinutes(1), terms: "投诉")], Now).ShouldHaveSingleItem();
    }

    [Fact]
    public void EmergingTopic_IgnoresATermRepeatedByOneAuthor()
    {
        var rule = Rule(CrisisRuleKind.EmergingTopic, r => r with { MinCount = 4 });
        var current = Enumerable.Range(0, 6).Select(i => E(TimeSpan.FromMinutes(i), excerpt: "spam spamword", author: "bot")).ToList();

        RuleEvaluation.Evaluate(rule, "brand", current, Now).ShouldBeEmpty();
    }

    [Fact]
    public void SourceSilent_FlagsASourceQuietLongerThanTheWindowOrFailingRepeatedly()
    {
        var rule = new CrisisRule { Id = "silent", Watch = "*", Kind = CrisisRuleKind.SourceSilent, Window = TimeSpan.FromHours(2), MinCount = 3 };
        var health = new[]
        {
            new Core.Crawling.SourceHealth { SourceId = "weibo", Kind = "json", LastMentionAt = Now.AddHours(-3) },
            new Core.Crawling.SourceHealth { SourceId = "forum", Kind = "html", LastMentionAt = Now.AddMinutes(-5), ConsecutiveFailures = 3, LastError = "http_503" },
            new Core.Crawling.SourceHealth { SourceId = "rss", Kind = "rss", LastMentionAt = Now.AddMinutes(-30), ConsecutiveFailures = 1 },
            new Core.Crawling.SourceHealth { SourceId = "old", Kind = "rss", Enabled = false, LastMentionAt = Now.AddDays(-3) },
        };

        var findings = IncidentDesk.SilentSources([rule], health, Now);

        findings.Select(f => f.IncidentKey).ShouldBe(["sources/source:weibo", "sources/source:forum"]);
        findings[0].Summary.ShouldContain("nothing new for 180 min");
        findings[1].Summary.ShouldContain("failed 3 times in a row; last error: http_503");
    }

    [Fact]
    public void TopTerms_CountsChineseBigramsAndEnglishWords()
    {
        var cause = new[]
        {
            E(TimeSpan.Zero, excerpt: "门店漏水 refund please"),
            E(TimeSpan.Zero, excerpt: "漏水严重 refund now"),
        };

        RuleEvaluation.TopTerms(cause, 5).ShouldBe(["refund", "漏水"]);
    }

    /// <summary>
    /// Four weeks of history before <see cref="Now"/> (a Monday, 12:00): one negative every hour, plus a
    /// surge of 25-35 negatives in 11:50-12:00 every Monday (the weekly product-update complaints).
    /// </summary>
    private static List<MentionEvidence> FourWeeksWithMondaySurges()
    {
        var evidence = new List<MentionEvidence>();
        for (var hour = 1; hour <= 24 * 28; hour++)
        {
            evidence.Add(E(TimeSpan.FromHours(hour) - TimeSpan.FromMinutes(30)));
        }

        int[] surges = [25, 35, 28, 32];
        for (var week = 1; week <= 4; week++)
        {
            evidence.AddRange(Spread(surges[week - 1], TimeSpan.FromDays(7 * week) + TimeSpan.FromSeconds(1)));
        }

        return evidence;
    }

    private static CrisisRule HourOfWeek() =>
        Rule(CrisisRuleKind.NegativeSpike, r => r with { Baseline = SpikeBaseline.HourOfWeek, BaselineWeeks = 4, MinZ = 3 });

    [Fact]
    public void HourOfWeekSpike_StaysQuietOnTheFifthMondaySurgeWhereTheAdjacentWindowsBaselineFires()
    {
        ((int)Now.DayOfWeek).ShouldBe((int)DayOfWeek.Monday);
        var evidence = FourWeeksWithMondaySurges().Concat(Spread(31, TimeSpan.Zero)).ToList();

        RuleEvaluation.Evaluate(HourOfWeek(), "brand", evidence, Now).ShouldBeEmpty();
        RuleEvaluation.Evaluate(Rule(CrisisRuleKind.NegativeSpike), "brand", evidence, Now).ShouldHaveSingleItem("the windows baseline alarms every Monday");
    }

    [Fact]
    public void HourOfWeekSpike_FiresOnTheSameSurgeAtAnUnusualHour()
    {
        // Monday 04:00: the same 31 negatives, where previous weeks had about one.
        var at = Now.AddHours(-8);
        var evidence = FourWeeksWithMondaySurges().Where(e => e.At <= at).Concat(Spread(31, TimeSpan.FromHours(8))).ToList();

        var finding = RuleEvaluation.Evaluate(HourOfWeek(), "brand", evidence, at).ShouldHaveSingleItem();

        finding.Baseline.ShouldBe(0, "the hourly negatives fall at half past, outside the 03:50-04:00 slot");
        finding.Measured.ShouldBe(31, "z = (31 - 0) / max(sqrt(max(0, 1)), 0)");
        finding.Threshold.ShouldBe(3);
        finding.Summary.ShouldContain("31 negative mentions in the last 10 min vs 0 (std 1)");
        finding.Summary.ShouldContain("over the 4 weeks before");
    }

    [Fact]
    public void HourOfWeekSpike_NeedsTheMinimumCountAndFiresOnADoubledMondaySurge()
    {
        var history = FourWeeksWithMondaySurges();

        RuleEvaluation.Evaluate(HourOfWeek(), "brand", history.Concat(Spread(70, TimeSpan.Zero)).ToList(), Now).ShouldHaveSingleItem();
        RuleEvaluation.Evaluate(HourOfWeek() with { MinCount = 100 }, "brand", history.Concat(Spread(70, TimeSpan.Zero)).ToList(), Now).ShouldBeEmpty();
    }

    [Fact]
    public void HourOfWeekRule_ReadsOnlyTheCurrentWindowAndTheSameWindowOfEachPreviousWeek()
    {
        var ranges = HourOfWeek().EvidenceRanges(Now).ToList();

        ranges.Count.ShouldBe(5);
        ranges[0].ShouldBe((Now.AddMinutes(-10), Now));
        ranges[4].ShouldBe((Now.AddDays(-28).AddMinutes(-10), Now.AddDays(-28)));
        CrisisRule.Merge(ranges.Append((Now.AddHours(-1), Now))).Count.ShouldBe(5);
    }
}
