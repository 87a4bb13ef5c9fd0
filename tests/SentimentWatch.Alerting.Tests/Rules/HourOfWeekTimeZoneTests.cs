using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Alerting.Tests.Rules;

/// <summary>
/// Decision 252: an hourOfWeek baseline reads "the same time of week" on the rule's time zone, so a surge that recurs every
/// Monday at 09:00 in Berlin stays the baseline across the change to summer time (Sunday 29 March 2026, 02:00 → 03:00).
/// </summary>
public sealed class HourOfWeekTimeZoneTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>Monday 30 March 2026, 09:00 in Berlin (summer time, UTC+2): 07:00 UTC.</summary>
    private static readonly DateTimeOffset MondayNine = new(2026, 3, 30, 7, 0, 0, TimeSpan.Zero);

    private static CrisisRule Rule(TimeZoneInfo zone) => new()
    {
        Id = "weekly", Watch = "brand", Kind = CrisisRuleKind.NegativeSpike, Window = TimeSpan.FromMinutes(10), MinCount = 10,
        Baseline = SpikeBaseline.HourOfWeek, BaselineWeeks = 4, MinZ = 3, Zone = zone,
    };

    private static MentionEvidence Negative(DateTimeOffset at) => new()
    {
        WatchId = "brand", MentionId = Guid.NewGuid().ToString("N"), At = at, Sentiment = SentimentLabel.Negative, Source = "forum",
        Reach = 10, RiskTerms = "", Author = Guid.NewGuid().ToString("N")[..6], Excerpt = "the update broke my order", Url = "https://example.com/x",
    };

    /// <summary>30 negatives in the ten minutes before <paramref name="end"/>.</summary>
    private static IEnumerable<MentionEvidence> Surge(DateTimeOffset end) =>
        Enumerable.Range(0, 30).Select(i => Negative(end - TimeSpan.FromSeconds(10 + (i * 19))));

    /// <summary>Every Monday 08:50-09:00 Berlin time for four weeks of winter time (08:00 UTC), then the same at summer time.</summary>
    private static List<MentionEvidence> MondaySurges()
    {
        var evidence = new List<MentionEvidence>();
        for (var week = 1; week <= 4; week++)
        {
            evidence.AddRange(Surge(MondayNine.AddDays(-7 * week).AddHours(1)));
        }

        evidence.AddRange(Surge(MondayNine));
        return evidence;
    }

    [Fact]
    public void TheMondaySurgeAfterTheClocksChange_IsItsUsualSelfOnBerlinsClock_AndAFalseAlarmOnUtcs()
    {
        var evidence = MondaySurges();

        RuleEvaluation.Evaluate(Rule(Berlin), "brand", evidence, MondayNine).ShouldBeEmpty("09:00 in Berlin, as every Monday");
        RuleEvaluation.Evaluate(Rule(TimeZoneInfo.Utc), "brand", evidence, MondayNine)
            .ShouldHaveSingleItem("on UTC's clock the surge came an hour early, against weeks of nothing at 07:00 UTC");
    }

    [Fact]
    public void ASurgeAtAnUnusualHour_StillFiresOnBerlinsClock()
    {
        var evidence = MondaySurges().Where(e => e.At <= MondayNine.AddHours(-1)).Concat(Surge(MondayNine.AddHours(-3))).ToList();

        RuleEvaluation.Evaluate(Rule(Berlin), "brand", evidence, MondayNine.AddHours(-3)).ShouldHaveSingleItem();
    }

    [Fact]
    public void TheRuleReadsTheSameLocalWindowOfEachWeek_AndItsLookbackCoversTheClockChange()
    {
        var rule = Rule(Berlin);
        var ranges = rule.EvidenceRanges(MondayNine).ToList();

        ranges.Count.ShouldBe(5);
        ranges[0].To.ShouldBe(MondayNine);
        ranges[1].To.ShouldBe(new DateTimeOffset(2026, 3, 23, 8, 0, 0, TimeSpan.Zero), "09:00 winter time");
        ranges[4].To.ShouldBe(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        (MondayNine - ranges[4].From).ShouldBeLessThanOrEqualTo(rule.Lookback, "the evidence loaded and the history needed reach the first week");
        rule.Lookback.ShouldBe(TimeSpan.FromDays(28) + TimeSpan.FromMinutes(10) + TimeSpan.FromHours(1));
        Rule(TimeZoneInfo.Utc).Lookback.ShouldBe(TimeSpan.FromDays(28) + TimeSpan.FromMinutes(10));
    }

    [Fact]
    public void AWallTimeTheChangeSkipped_IsReadAnHourLater_AndOneItRepeated_AtItsFirstOccurrence()
    {
        var rule = Rule(Berlin);

        // Sunday 5 April 02:30 summer time (00:30 UTC): a week before, 02:30 did not exist; 03:30 summer time is 01:30 UTC.
        rule.WeeksBefore(new DateTimeOffset(2026, 4, 5, 0, 30, 0, TimeSpan.Zero), 1).ShouldBe(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero));

        // Sunday 1 November 02:30 winter time (01:30 UTC): a week before, 25 October 02:30 came twice; the first is summer time (00:30 UTC).
        rule.WeeksBefore(new DateTimeOffset(2026, 11, 1, 1, 30, 0, TimeSpan.Zero), 1).ShouldBe(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero));
    }
}
