using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Indexing.Tests;

/// <summary>Decision 259: the zone arithmetic both engines number their buckets with, at the edges a contract corpus does not reach.</summary>
public sealed class StatsZoneTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static DateTimeOffset StartOf(StatsZone zone, DateTimeOffset instant) => zone.Start(zone.Key(instant.ToUnixTimeMilliseconds()));

    [Fact]
    public void TheDayDaylightSavingStartsIsTwentyThreeHoursLong()
    {
        var zone = new StatsZone(NewYork, StatsInterval.Day);

        // Clocks go forward at 02:00 EST on 8 March 2026.
        var march8 = StartOf(zone, new DateTimeOffset(2026, 3, 8, 12, 0, 0, TimeSpan.FromHours(-4)));
        var march9 = StartOf(zone, new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.FromHours(-4)));

        march8.ShouldBe(new DateTimeOffset(2026, 3, 8, 0, 0, 0, TimeSpan.FromHours(-5)));
        march8.Offset.ShouldBe(TimeSpan.FromHours(-5));
        march9.Offset.ShouldBe(TimeSpan.FromHours(-4));
        (march9 - march8).ShouldBe(TimeSpan.FromHours(23));
    }

    /// <summary>Chile springs forward at local midnight: 6 September 2026 has no 00:00, and its day starts at 01:00 -03:00.</summary>
    [Fact]
    public void ADayWhoseMidnightTheClocksSkipStartsAtItsFirstInstant()
    {
        var zone = new StatsZone(TimeZoneInfo.FindSystemTimeZoneById("America/Santiago"), StatsInterval.Day);

        var start = StartOf(zone, new DateTimeOffset(2026, 9, 6, 12, 0, 0, TimeSpan.FromHours(-3)));

        start.ShouldBe(new DateTimeOffset(2026, 9, 6, 1, 0, 0, TimeSpan.FromHours(-3)));
        start.Offset.ShouldBe(TimeSpan.FromHours(-3));
        StartOf(zone, new DateTimeOffset(2026, 9, 5, 23, 59, 0, TimeSpan.FromHours(-4))).ShouldBe(new DateTimeOffset(2026, 9, 5, 0, 0, 0, TimeSpan.FromHours(-4)));
    }

    [Fact]
    public void KeysOfConsecutiveLocalDaysAreConsecutiveAcrossAClockChange()
    {
        var zone = new StatsZone(NewYork, StatsInterval.Day);

        var nov1 = zone.Key(new DateTimeOffset(2026, 11, 1, 23, 30, 0, TimeSpan.FromHours(-5)).ToUnixTimeMilliseconds());
        var nov2 = zone.Key(new DateTimeOffset(2026, 11, 2, 0, 30, 0, TimeSpan.FromHours(-5)).ToUnixTimeMilliseconds());

        nov2.ShouldBe(nov1 + 1);
        zone.Start(nov1 + 1).ShouldBe(new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.FromHours(-5)));
    }

    [Fact]
    public void KolkataHoursStartAtHalfPastTheUtcHour()
    {
        var zone = new StatsZone(TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"), StatsInterval.Hour);

        StartOf(zone, new DateTimeOffset(2026, 11, 2, 10, 59, 0, TimeSpan.FromHours(5.5)))
            .ShouldBe(new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.FromHours(5.5)));
    }

    [Fact]
    public void OffsetPeriodsAreFoundOnceAndEndAtTheTransition()
    {
        var zone = new StatsZone(NewYork, StatsInterval.Day);
        var change = new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

        var before = zone.PeriodAt(change - 1);
        var after = zone.PeriodAt(change);

        before.To.ShouldBe(change);
        before.OffsetMs.ShouldBe(-4 * 3_600_000L);
        after.From.ShouldBe(change);
        after.OffsetMs.ShouldBe(-5 * 3_600_000L);
        zone.PeriodAt(change + 3_600_000).ShouldBe(after);
    }

    [Fact]
    public void MentionsAtTheEndsOfTheCalendarStillGetABucket()
    {
        var zone = new StatsZone(TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati"), StatsInterval.Week);

        var late = StartOf(zone, DateTimeOffset.MaxValue);
        var early = StartOf(zone, DateTimeOffset.MinValue);

        late.Year.ShouldBe(9999);
        early.Year.ShouldBe(1);
    }
}
