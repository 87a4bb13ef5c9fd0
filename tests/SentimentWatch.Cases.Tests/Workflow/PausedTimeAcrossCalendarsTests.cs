using Microsoft.EntityFrameworkCore;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Tests.Support;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Cases.Tests.Workflow;

/// <summary>
/// Decision 255: a priority override that moves a case to a policy on another calendar measures the time the case
/// was paused again on the new calendar. As shipped (appsettings.json), P2 runs round the clock and P3 on office
/// hours; the test calendar is Shanghai, Mon–Fri 09:00–18:00, Saturday 2026-12-05 a make-up working day.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class PausedTimeAcrossCalendarsTests : IDisposable
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private readonly TempDirectory _data = new();
    private readonly RecordingStaffNotifier _notifier = new();

    public void Dispose() => _data.Dispose();

    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, Shanghai);

    private Task<CasesTestHost> StartAsync(ManualClock clock) =>
        CasesTestHost.StartAsync(_data.Path, new CasesSettings().With("Cases:Policies:1:Calendar", "24x7"), clock,
            s => s.AddSingleton<IStaffNotifier>(_notifier));

    /// <summary>
    /// A case opened Tuesday 10:00, answered at 10:15 and waiting on the customer from Tuesday 10:30 until the customer
    /// posts again on Thursday 10:30: 48 hours paused, 18 of them office hours.
    /// </summary>
    private static async Task<long> WaitedTuesdayToThursdayAsync(CasesTestHost host, ManualClock clock, int priority, string[]? riskTerms = null)
    {
        clock.Set(Local(12, 1, 10, 0));
        await host.Desk.OnIndexedAsync([Complaints.Make(clock.GetUtcNow(), negative: 0.93f, author: "waiter", riskTerms: riskTerms)], default);
        long id;
        await using (var db = await host.DbAsync())
        {
            var opened = await db.Cases.SingleAsync();
            opened.Priority.ShouldBe(priority);
            id = opened.Id;
        }

        clock.Set(Local(12, 1, 10, 15));
        (await host.Desk.ReplyAsync(id, null, "Please send the order number", "private", null, "wang.lead", default)).Kind.ShouldBe(CaseOutcomeKind.Ok);
        clock.Set(Local(12, 1, 10, 30));
        (await host.Desk.TransitionAsync(id, null, "waiting_on_customer", null, null, "asked for the order number", "wang.lead", default)).Kind.ShouldBe(CaseOutcomeKind.Ok);
        clock.Set(Local(12, 3, 10, 30));
        await host.Desk.OnIndexedAsync([Complaints.Make(clock.GetUtcNow(), text: "order number is 12345, please hurry", author: "waiter")], default);
        return id;
    }

    private static async Task<Case> CaseAsync(CasesTestHost host, long id)
    {
        await using var db = await host.DbAsync();
        return await db.Cases.SingleAsync(c => c.Id == id);
    }

    [Fact]
    public async Task OverridingAnOfficeHoursCaseToRoundTheClock_CountsTheWholeWaitAsPaused_SoItIsNotBreachedAtOnce()
    {
        var clock = new ManualClock(Local(12, 1, 10, 0));
        await using var host = await StartAsync(clock);
        var id = await WaitedTuesdayToThursdayAsync(host, clock, priority: 3);
        (await CaseAsync(host, id)).PausedWorking.ShouldBe(TimeSpan.FromHours(18), "Tue 10:30–18:00, Wed 09:00–18:00, Thu 09:00–10:30");

        clock.Set(Local(12, 3, 10, 45));
        (await host.Desk.OverrideAsync(id, null, null, "P2", "customer threatens to go to the press", "wang.lead", default)).Kind.ShouldBe(CaseOutcomeKind.Ok);

        var c = await CaseAsync(host, id);
        c.Calendar.ShouldBe("24x7");
        c.PausedWorking.ShouldBe(TimeSpan.FromHours(48));
        c.ResolutionDueAt.ShouldBe(Local(12, 4, 10, 0), "Tue 10:00 + 24 h + 48 h paused, not Thu 04:00 (18 office hours added as round-the-clock hours)");
        await host.SlaWatch.RunAsync(default);
        _notifier.Sent.ShouldBeEmpty("nothing is overdue: the lead is not paged");
    }

    [Fact]
    public async Task OverridingARoundTheClockCaseToOfficeHours_CountsOnlyTheOfficeHoursOfTheWaitAsPaused()
    {
        var clock = new ManualClock(Local(12, 1, 10, 0));
        await using var host = await StartAsync(clock);
        var id = await WaitedTuesdayToThursdayAsync(host, clock, priority: 2, riskTerms: ["投诉"]);
        var before = await CaseAsync(host, id);
        before.PausedWorking.ShouldBe(TimeSpan.FromHours(48));
        before.ResolutionDueAt.ShouldBe(Local(12, 4, 10, 0));

        clock.Set(Local(12, 3, 10, 45));
        (await host.Desk.OverrideAsync(id, null, null, "P3", "risk term was a false alarm", "wang.lead", default)).Kind.ShouldBe(CaseOutcomeKind.Ok);

        var c = await CaseAsync(host, id);
        c.Calendar.ShouldBe("cn-office");
        c.PausedWorking.ShouldBe(TimeSpan.FromHours(18));
        // 18 h + 18 h paused = 36 office hours from Tue 10:00: 8 Tue, 9 Wed, 9 Thu, 9 Fri, 1 on the make-up Saturday.
        c.ResolutionDueAt.ShouldBe(Local(12, 5, 10, 0), "not Wed 9 Dec 13:00 (48 round-the-clock hours added as office hours)");
    }

    [Fact]
    public async Task ACasePausedBeforeSpansWereKept_KeepsItsPausedTimeAsMeasured_WhenItsCalendarChanges()
    {
        var clock = new ManualClock(Local(12, 1, 10, 0));
        await using var host = await StartAsync(clock);
        var id = await WaitedTuesdayToThursdayAsync(host, clock, priority: 3);
        await using (var db = await host.DbAsync())
        {
            // As a case migrated from before decision 255 stands: paused time, no spans.
            var stored = await db.Cases.SingleAsync(c => c.Id == id);
            stored.PauseSpans.ShouldNotBeEmpty();
            stored.PauseSpans = string.Empty;
            await db.SaveChangesAsync();
        }

        clock.Set(Local(12, 3, 10, 45));
        (await host.Desk.OverrideAsync(id, null, null, "P2", "customer threatens to go to the press", "wang.lead", default)).Kind.ShouldBe(CaseOutcomeKind.Ok);

        var c = await CaseAsync(host, id);
        c.PausedWorking.ShouldBe(TimeSpan.FromHours(18), "nothing to measure again: the old measure stands");
        c.ResolutionDueAt.ShouldBe(Local(12, 3, 4, 0), "Tue 10:00 + 24 h + 18 h, as before decision 255");
    }
}
