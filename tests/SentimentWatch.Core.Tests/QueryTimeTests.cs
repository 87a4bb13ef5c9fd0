using SentimentWatch.Core.Mentions;
using Shouldly;

namespace SentimentWatch.Core.Tests;

/// <summary>Decision 260: a query's dates are the reader's days, and a bare date as the end of a period includes its day.</summary>
public sealed class QueryTimeTests
{
    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    private static DateTimeOffset Read(string text, string zone, bool periodEnd = false)
    {
        QueryTime.TryRead(text, Zone(zone), periodEnd, out var reading).ShouldBeTrue(text);
        return reading.Instant;
    }

    [Fact]
    public void ABareDate_IsTheReadersMidnight_AndAsTheEndTheNextOne()
    {
        Read("2026-11-05", "Asia/Shanghai").ShouldBe(new DateTimeOffset(2026, 11, 4, 16, 0, 0, TimeSpan.Zero));
        Read("2026-11-05", "Asia/Shanghai", periodEnd: true).ShouldBe(new DateTimeOffset(2026, 11, 5, 16, 0, 0, TimeSpan.Zero));
        Read("2026-11-05", "UTC").ShouldBe(new DateTimeOffset(2026, 11, 5, 0, 0, 0, TimeSpan.Zero));
        Read("2026-11-05", "UTC", periodEnd: true).ShouldBe(new DateTimeOffset(2026, 11, 6, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void ADayAcrossTheClockChange_Is25HoursInNewYork()
    {
        var from = Read("2026-11-01", "America/New_York");
        var to = Read("2026-11-01", "America/New_York", periodEnd: true);

        from.ShouldBe(new DateTimeOffset(2026, 11, 1, 4, 0, 0, TimeSpan.Zero));
        (to - from).ShouldBe(TimeSpan.FromHours(25));
    }

    [Fact]
    public void ATimeWithAnOffsetOrZ_IsThatInstant_InAnyZone()
    {
        Read("2026-11-05T08:00:00+08:00", "America/New_York").ShouldBe(new DateTimeOffset(2026, 11, 5, 0, 0, 0, TimeSpan.Zero));
        Read("2026-11-05T08:00:00Z", "Asia/Shanghai", periodEnd: true).ShouldBe(new DateTimeOffset(2026, 11, 5, 8, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void ATimeWithoutAnOffset_IsTheZonesWallClock_AndNotWidenedAsAnEnd()
    {
        Read("2026-11-05T09:30", "Asia/Shanghai").ShouldBe(new DateTimeOffset(2026, 11, 5, 1, 30, 0, TimeSpan.Zero));
        Read("2026-11-05T09:30:00", "Asia/Shanghai", periodEnd: true).ShouldBe(new DateTimeOffset(2026, 11, 5, 1, 30, 0, TimeSpan.Zero));
        Read("2026-11-05 00:00", "Asia/Shanghai", periodEnd: true).ShouldBe(new DateTimeOffset(2026, 11, 4, 16, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void ARepeatedWallTime_IsTheFirstOfTheTwo()
    {
        // 01:30 on 1 November 2026 happens at 05:30Z (EDT) and again at 06:30Z (EST).
        Read("2026-11-01T01:30", "America/New_York").ShouldBe(new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero));
    }

    [Fact]
    public void ASkippedWallTime_IsTheFirstInstantAfterTheGap()
    {
        // New York skips 02:00-03:00 on 8 March 2026: 02:30 is read as 03:00 EDT, 07:00Z.
        Read("2026-03-08T02:30", "America/New_York").ShouldBe(new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero));

        // Santiago springs forward at midnight: 6 September 2026 starts at 01:00 local, 04:00Z.
        var day = Read("2026-09-06", "America/Santiago");
        day.ShouldBe(new DateTimeOffset(2026, 9, 6, 4, 0, 0, TimeSpan.Zero));
        day.Offset.ShouldBe(TimeSpan.FromHours(-3));
        Read("2026-09-05", "America/Santiago", periodEnd: true).ShouldBe(day);
    }

    /// <summary>
    /// Amman's 2022 change is stored as a one-off date, whose midnight gap .NET on Linux does not report as invalid: the
    /// day still starts when the clock first reads it, 01:00 +03:00, not at a 00:00 +03:00 that was 23:00 on the 24th.
    /// </summary>
    [Fact]
    public void AMidnightGapStoredAsAOneOffChange_IsFoundByReadingTheClockBack()
    {
        var day = Read("2022-02-25", "Asia/Amman");
        day.ShouldBe(new DateTimeOffset(2022, 2, 24, 22, 0, 0, TimeSpan.Zero));
        TimeZoneInfo.ConvertTime(day, Zone("Asia/Amman")).DateTime.ShouldBe(new DateTime(2022, 2, 25, 1, 0, 0));
        Read("2022-02-24", "Asia/Amman", periodEnd: true).ShouldBe(day);
        (Read("2022-02-25", "Asia/Amman", periodEnd: true) - day).ShouldBe(TimeSpan.FromHours(23));
    }

    [Fact]
    public void AFixedOffsetZone_ReadsDatesAtThatOffset()
    {
        QueryTime.TryRead("2026-11-05", QueryTime.Fixed(TimeSpan.FromHours(-5.5)), periodEnd: false, out var value).ShouldBeTrue();
        value.Instant.ShouldBe(new DateTimeOffset(2026, 11, 5, 5, 30, 0, TimeSpan.Zero));
        QueryTime.Fixed(TimeSpan.Zero).ShouldBe(TimeZoneInfo.Utc);
        QueryTime.Fixed(TimeSpan.FromHours(8)).Id.ShouldBe("UTC+08:00");
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-02-30")]
    [InlineData("")]
    [InlineData("08:00")]
    [InlineData("8 PM")]
    [InlineData("Nov 5")]
    [InlineData("5 Nov")]
    [InlineData("11/05/26")]
    [InlineData("Nov 5 08:00:00.1234")]
    public void NoDate_IsNotRead(string text) =>
        QueryTime.TryRead(text, Zone("Asia/Shanghai"), periodEnd: false, out _).ShouldBeFalse();

    [Fact]
    public void DatesAtTheEdgesOfTheCalendar_ComeBackAsItsEnds_NotAsAnException()
    {
        QueryTime.TryRead("9999-12-31", Zone("Asia/Shanghai"), periodEnd: true, out var end).ShouldBeTrue();
        end.Instant.ShouldBe(DateTimeOffset.MaxValue);
        QueryTime.TryRead("9999-12", Zone("Asia/Shanghai"), periodEnd: true, out var month).ShouldBeTrue();
        month.Instant.ShouldBe(DateTimeOffset.MaxValue);
        QueryTime.TryRead("0001-01-01", Zone("Pacific/Kiritimati"), periodEnd: false, out var start).ShouldBeTrue();
        start.Instant.ShouldBe(DateTimeOffset.MinValue);
        QueryTime.TryRead("9999-12-31T23:00", Zone("Pacific/Pago_Pago"), periodEnd: false, out var late).ShouldBeTrue();
        late.Instant.ShouldBe(DateTimeOffset.MaxValue);
    }

    /// <summary>A time written without a colon is a time all the same; only a date alone is widened to its day's end.</summary>
    [Fact]
    public void ATimeWithoutAColon_IsNotWidenedAsADate()
    {
        QueryTime.TryRead("2026-11-05 8 PM", Zone("UTC"), periodEnd: true, out var evening).ShouldBeTrue();
        evening.Instant.ShouldBe(new DateTimeOffset(2026, 11, 5, 20, 0, 0, TimeSpan.Zero));
        evening.IsDate.ShouldBeFalse();
        QueryTime.TryRead("2026-11-05T00:00", Zone("UTC"), periodEnd: true, out var midnight).ShouldBeTrue();
        midnight.Instant.ShouldBe(new DateTimeOffset(2026, 11, 5, 0, 0, 0, TimeSpan.Zero));
        QueryTime.TryRead("Thu, 05 Nov 2026", Zone("UTC"), periodEnd: true, out var written).ShouldBeTrue();
        written.Instant.ShouldBe(new DateTimeOffset(2026, 11, 6, 0, 0, 0, TimeSpan.Zero));
        written.IsDate.ShouldBeTrue();
    }

    [Fact]
    public void AMonth_IsItsFirstDay_AndAsTheEndTheFirstOfTheNext()
    {
        Read("2026-11", "Asia/Shanghai").ShouldBe(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8)));
        Read("2026-12", "Asia/Shanghai", periodEnd: true).ShouldBe(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)));
        QueryTime.TryRead("2026-11", Zone("UTC"), periodEnd: true, out var november).ShouldBeTrue();
        november.TypedDay.ShouldBe(new DateOnly(2026, 11, 30));
        foreach (var spelling in new[] { "2026/11", "11/2026", "Nov 2026", "November 2026" })
        {
            Read(spelling, "UTC", periodEnd: true).ShouldBe(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), spelling);
        }

        Read("2026-11-05", "UTC", periodEnd: true).ShouldBe(new DateTimeOffset(2026, 11, 6, 0, 0, 0, TimeSpan.Zero), "a day is not a month");
    }

    /// <summary>The query window's ends are days as its refusal names them: a reader's own first and last days are in it.</summary>
    [Fact]
    public void TheQueryWindow_TakesTheReadersFirstAndLastDays_AndKeepsTheirInstantsInside()
    {
        var window = new MentionDateOptions();
        var now = new DateTimeOffset(2026, 12, 7, 14, 45, 0, TimeSpan.Zero);
        var shanghai = Zone("Asia/Shanghai");

        QueryTime.TryRead("2000-01-01", shanghai, periodEnd: false, out var first).ShouldBeTrue();
        window.TryBound(first, now, out var from).ShouldBeTrue();
        from.ShouldBe(window.EarliestPublishedAt);

        QueryTime.TryRead("2027-12-08", shanghai, periodEnd: true, out var last).ShouldBeTrue();
        window.TryBound(last, now, out var to).ShouldBeTrue();
        to.ShouldBe(window.QueryLatest(now));

        QueryTime.TryRead("2027-12-09", shanghai, periodEnd: false, out var after).ShouldBeTrue();
        window.TryBound(after, now, out _).ShouldBeFalse();
        QueryTime.TryRead("1999-12-31", shanghai, periodEnd: true, out var before).ShouldBeTrue();
        window.TryBound(before, now, out _).ShouldBeFalse();

        // An instant with an offset is checked as it is.
        QueryTime.TryRead("1999-12-31T23:59:59Z", shanghai, periodEnd: false, out var instant).ShouldBeTrue();
        window.TryBound(instant, now, out _).ShouldBeFalse();
    }

    [Fact]
    public void APeriodWithAMissingEnd_IsTheLengthBeforeTo_OrFromFromToNow_OrTheLengthAheadOfAFutureFrom()
    {
        var now = new DateTimeOffset(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);
        var month = TimeSpan.FromDays(30);
        var october = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        var later = new DateTimeOffset(2026, 12, 20, 0, 0, 0, TimeSpan.Zero);

        QueryTime.Period(null, null, now, month).ShouldBe((now - month, now));
        QueryTime.Period(null, october, now, month).ShouldBe((october - month, october));
        QueryTime.Period(october, null, now, month).ShouldBe((october, now));
        QueryTime.Period(later, null, now, month).ShouldBe((later, later + month));
        QueryTime.Period(october, later, now, month).ShouldBe((october, later));
    }
}
