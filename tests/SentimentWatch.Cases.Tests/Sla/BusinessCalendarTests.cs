using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Sla;

namespace SentimentWatch.Cases.Tests.Sla;

public sealed class BusinessCalendarTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    // Mon–Fri 09:00–18:00 in Shanghai; Monday 2026-11-30 is a holiday; Saturday 2026-12-05 a make-up working day (调休).
    private static BusinessCalendar Office() => BusinessCalendar.From(new CalendarSettings
    {
        Id = "cn-office",
        TimeZone = "Asia/Shanghai",
        Opens = "09:00",
        Closes = "18:00",
        Holidays = ["2026-11-30"],
        MakeUpWorkingDays = ["2026-12-05"],
    });

    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, Shanghai);

    [Fact]
    public void AComplaintFriday1750_WithMondayAHoliday_IsDueTuesdayForFourHoursAndWednesdayEveningForEighteen()
    {
        var calendar = Office();
        var posted = Local(11, 27, 17, 50);

        // 10 minutes on Friday, the weekend and the Monday holiday skipped, 3 h 50 on Tuesday.
        calendar.Add(posted, TimeSpan.FromHours(4)).ShouldBe(Local(12, 1, 12, 50));

        // 10 minutes Friday + 9 h Tuesday + 8 h 50 Wednesday.
        calendar.Add(posted, TimeSpan.FromHours(18)).ShouldBe(Local(12, 2, 17, 50));
    }

    [Fact]
    public void AMakeUpSaturdayIsAWorkingDay()
    {
        var calendar = Office();
        calendar.IsWorkingDay(new DateOnly(2026, 12, 5)).ShouldBeTrue();
        calendar.IsWorkingDay(new DateOnly(2026, 12, 6)).ShouldBeFalse();
        calendar.IsWorkingDay(new DateOnly(2026, 11, 30)).ShouldBeFalse();
        calendar.Add(Local(12, 4, 17, 0), TimeSpan.FromHours(4)).ShouldBe(Local(12, 5, 12, 0));
    }

    [Fact]
    public void APostOutsideHours_StartsCountingAtTheNextOpening()
    {
        var calendar = Office();
        calendar.Add(Local(11, 28, 3, 0), TimeSpan.FromHours(1)).ShouldBe(Local(12, 1, 10, 0));
        calendar.Add(Local(11, 27, 7, 0), TimeSpan.Zero).ShouldBe(Local(11, 27, 9, 0));
    }

    [Fact]
    public void Between_CountsOnlyWorkingTime_AndInvertsAdd()
    {
        var calendar = Office();
        calendar.Between(Local(11, 27, 17, 50), Local(12, 1, 12, 50)).ShouldBe(TimeSpan.FromHours(4));
        calendar.Between(Local(12, 1, 12, 50), Local(11, 27, 17, 50)).ShouldBe(TimeSpan.FromHours(-4));
        calendar.Between(Local(11, 28, 0, 0), Local(11, 30, 23, 0)).ShouldBe(TimeSpan.Zero);

        var from = Local(11, 27, 10, 17);
        foreach (var hours in new[] { 0.5, 3, 9, 17.25, 40 })
        {
            var due = calendar.Add(from, TimeSpan.FromHours(hours));
            calendar.Between(from, due).ShouldBe(TimeSpan.FromHours(hours));
        }
    }

    [Fact]
    public void TheRoundTheClockCalendar_IsPlainArithmetic()
    {
        BusinessCalendar.Always.Add(Local(11, 27, 17, 50), TimeSpan.FromHours(8)).ShouldBe(Local(11, 28, 1, 50));
        BusinessCalendar.Always.Between(Local(11, 27, 17, 50), Local(11, 28, 1, 50)).ShouldBe(TimeSpan.FromHours(8));
    }

    [Fact]
    public void PausingTuesday1000ToWednesday1000_MovesTheDueTimesByTheNineWorkingHoursPaused()
    {
        var calendar = Office();
        var policy = new SlaPolicy(3, TimeSpan.FromHours(4), TimeSpan.FromHours(18), calendar);
        var c = new Case { WatchId = "brand", Title = "t", Category = "refund_return", Source = "forum", ClockStartedAt = Local(11, 27, 17, 50) };
        c.SetStatus(CaseStatus.InProgress);
        c.ApplyPolicy(policy, BusinessCalendar.Always);
        c.FirstResponseDueAt.ShouldBe(Local(12, 1, 12, 50));
        c.ResolutionDueAt.ShouldBe(Local(12, 2, 17, 50));

        c.FirstResponseAt = Local(12, 1, 9, 30);
        c.Pause(Local(12, 1, 10, 0), calendar);
        c.ResolutionDueAt.ShouldBeNull("no due time while the customer is being waited on");
        c.DueKey.ShouldBe(long.MaxValue);
        c.ElapsedWorking(Local(12, 1, 17, 0), calendar).ShouldBe(TimeSpan.FromMinutes(70), "the clock stands still while paused");

        c.Resume(Local(12, 2, 10, 0), calendar);
        c.PausedWorking.ShouldBe(TimeSpan.FromHours(9));
        // 18 h + 9 h paused = 27 h of working time from Friday 17:50: 10 min + 9 h Tue + 9 h Wed + 8 h 50 Thu.
        c.ResolutionDueAt.ShouldBe(Local(12, 3, 17, 50));
        c.FirstResponseDueAt.ShouldBe(Local(12, 1, 12, 50), "a met clock keeps its due time");
        c.DueKey.ShouldBe(Local(12, 3, 17, 50).UtcTicks);
    }

    [Fact]
    public void SettingsProblems_NameEveryWrongField()
    {
        var problems = BusinessCalendar.Problems(new CalendarSettings { Id = "x", TimeZone = "Mars/Olympus", Opens = "9am", Closes = "18:00", Holidays = ["2026-13-01"] });
        problems.ShouldContain(p => p.StartsWith("TimeZone 'Mars/Olympus'", StringComparison.Ordinal));
        problems.ShouldContain(p => p.StartsWith("Opens '9am'", StringComparison.Ordinal));
        problems.ShouldContain(p => p.StartsWith("Holidays '2026-13-01'", StringComparison.Ordinal));
    }
}
