using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Sla;

namespace SentimentWatch.Cases.Tests.Domain;

public sealed class CasePauseSpansTests
{
    private static readonly DateTimeOffset Monday = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    private static Case NewCase() => new() { WatchId = "brand", Title = "t", Category = "refund_return", Source = "forum", ClockStartedAt = Monday };

    [Fact]
    public void PastTheCap_TheOldestSpansAreForgotten_ButTheirPausedTimeIsKept()
    {
        var c = NewCase();
        for (var i = 0; i < Case.MaxPauseSpans + 5; i++)
        {
            c.RecordPause(Monday.AddHours(2 * i), Monday.AddHours(2 * i + 1), BusinessCalendar.Always);
        }

        PauseSpan.Parse(c.PauseSpans).Count.ShouldBe(Case.MaxPauseSpans);
        PauseSpan.Parse(c.PauseSpans)[0].Start.ShouldBe(Monday.AddHours(10));
        c.PausedWorking.ShouldBe(TimeSpan.FromHours(Case.MaxPauseSpans + 5));
        c.PauseSpans.Length.ShouldBeLessThan(1_000);
    }

    [Fact]
    public void APauseTouchingTheLastOne_ExtendsIt_SoNoInstantIsCountedTwice()
    {
        var c = NewCase();
        c.RecordPause(Monday, Monday.AddHours(1), BusinessCalendar.Always);
        c.RecordPause(Monday.AddHours(1), Monday.AddHours(3), BusinessCalendar.Always);
        PauseSpan.Parse(c.PauseSpans).ShouldBe([new PauseSpan(Monday, Monday.AddHours(3))]);
        c.PausedWorking.ShouldBe(TimeSpan.FromHours(3));
    }
}
