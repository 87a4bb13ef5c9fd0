using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SentimentWatch.Alerting.Notifications;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Testing;

namespace SentimentWatch.Alerting.Tests.Notifications;

/// <summary>
/// Staff notices with no channel to take them (a service without webhooks, robots or e-mail): every notice is kept on
/// the real SQLite record, but the log says so once per interval with a count, not once per notice (the million-mention
/// bench logged 689 identical warnings in three minutes of SLA notices).
/// </summary>
[Collection(HostCollection.Name)]
public sealed class UnroutedNoticeWarningTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Notices_without_a_channel_are_all_recorded_and_warned_about_once_per_interval_with_a_count()
    {
        var log = new CapturedWarnings(typeof(StaffNotifier).FullName!);
        await using var host = await AlertingTestHost.StartAsync(_data.Path, new AlertingSettings(), services: s => s.AddSingleton<ILoggerProvider>(log));
        var notifier = host.App.Services.GetRequiredService<IStaffNotifier>();
        StaffNotice Notice(int c) => new($"case-{c}-first_response-warning-0", $"Case {c} is due in 1 h", "first response due", $"/cases/{c}", ["alice"]);

        for (var c = 1; c <= 5; c++)
        {
            await notifier.NotifyAsync(Notice(c), default);
        }

        log.Lines.ShouldHaveSingleItem("five notices within the interval: one warning").ShouldContain("case-1-first_response-warning-0");
        log.Lines[0].ShouldContain("Alerting:Delivery");

        host.Clock.Advance(StaffNotifier.UnroutedWarningInterval - TimeSpan.FromSeconds(1));
        await notifier.NotifyAsync(Notice(6), default);
        log.Lines.Count.ShouldBe(1, "still inside the interval");

        host.Clock.Advance(TimeSpan.FromSeconds(1));
        await notifier.NotifyAsync(Notice(7), default);
        log.Lines.Count.ShouldBe(2);
        log.Lines[1].ShouldContain("case-7-first_response-warning-0");
        log.Lines[1].ShouldContain(" 6 notice(s)", customMessage: "cases 2–6 held back since the first warning, and case 7");

        await using var db = await host.App.Services.GetRequiredService<IDbContextFactory<AlertingDbContext>>().CreateDbContextAsync();
        (await db.StaffNotices.CountAsync()).ShouldBe(7, "every notice is on the record whether or not a channel takes it");
        (await db.Outbox.CountAsync()).ShouldBe(0);
    }
}
