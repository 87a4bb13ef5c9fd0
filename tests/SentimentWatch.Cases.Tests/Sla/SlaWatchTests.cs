using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Sla;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Cases.Tests.Support;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Testing;

namespace SentimentWatch.Cases.Tests.Sla;

[Collection(HostCollection.Name)]
public sealed class SlaWatchTests : IDisposable
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0, int second = 0) => new(2026, month, day, hour, minute, second, Shanghai);

    private Task<CasesTestHost> StartAsync(RecordingStaffNotifier notifier, ManualClock clock) =>
        CasesTestHost.StartAsync(_data.Path, new CasesSettings(), clock, s => s.AddSingleton<IStaffNotifier>(notifier));

    [Fact]
    public async Task TheWatchAndTheMetricRollupsAreRecurringHangfireJobs()
    {
        await using var host = await StartAsync(new RecordingStaffNotifier(), new ManualClock(CasesTestHost.Start));
        using var connection = host.App.Services.GetRequiredService<JobStorage>().GetConnection();
        var jobs = connection.GetRecurringJobs().OrderBy(j => j.Id, StringComparer.Ordinal).ToList();
        jobs.Select(j => j.Id).ShouldBe([CaseMetricRollups.JobId, SlaWatch.JobId]);
        jobs.ShouldAllBe(j => j.Cron == "0 0 1 1 *");
        jobs[0].Job.Type.ShouldBe(typeof(CaseMetricRollups));
        jobs[1].Job.Type.ShouldBe(typeof(SlaWatch));
    }

    [Fact]
    public async Task WarningThenBreach_FireAtTheRightInstants_OnceEach_AcrossARestart()
    {
        var notifier = new RecordingStaffNotifier();
        var clock = new ManualClock(Local(11, 27, 17, 50));
        long id;
        StaffNotice? warning;
        await using (var host = await StartAsync(notifier, clock))
        {
            var complaint = Complaints.Make(clock.GetUtcNow(), negative: 0.93f, author: "late");
            await host.Desk.OnIndexedAsync([complaint], default);
            await using (var db = await host.DbAsync())
            {
                id = (await db.Cases.SingleAsync()).Id;
            }

            (await host.Desk.AssignAsync(id, null, "li.na", "wang.lead", default)).Kind.ShouldBe(global::SentimentWatch.Cases.Workflow.CaseOutcomeKind.Ok);
            var link = (await host.App.Services.GetRequiredService<global::SentimentWatch.Core.Incidents.ICaseDirectory>().CasesForMentionAsync(complaint.Id, default)).ShouldHaveSingleItem();
            (link.Owner, link.OwnerName).ShouldBe(("li.na", "Li Na"), "an incident's record names the owner as people know them");

            // First response due Tuesday 12:50 (Monday a holiday); the warning lead time is 30 minutes.
            clock.Set(Local(12, 1, 12, 19, 59));
            await host.SlaWatch.RunAsync(default);
            notifier.Calls.ShouldBe(0);

            clock.Set(Local(12, 1, 12, 20));
            await host.SlaWatch.RunAsync(default);
            warning = notifier.Sent.ShouldHaveSingleItem();
            warning.DedupKey.ShouldBe($"case-{id}-first_response-warning-0");
            warning.Recipients.ShouldBe(["li.na"]);
            warning.Link.ShouldBe($"https://watch.example.com/cases/{id}");
            warning.AboutCase.ShouldBeTrue("a per-case notice: alert channels take it only with CaseNotices (decision 225)");

            clock.Set(Local(12, 1, 12, 49, 59));
            await host.SlaWatch.RunAsync(default);
            notifier.Calls.ShouldBe(1);
        }

        // A restart between the warning and the breach: the state is in the cases tables, not in memory.
        await using (var host = await StartAsync(notifier, clock))
        {
            clock.Set(Local(12, 1, 12, 50));
            await host.SlaWatch.RunAsync(default);
            notifier.Sent.Count.ShouldBe(2);
            var breach = notifier.Sent[1];
            breach.DedupKey.ShouldBe($"case-{id}-first_response-breach-0");
            breach.Recipients.ShouldBe(["wang@example.com", "li.na"], "the team lead hears about a breach, and the owner");
            breach.Text.ShouldContain("P3 → P2");
            breach.Title.ShouldBe($"SLA breached: case {id} first response overdue since 2026-12-01 04:50 UTC");

            // Written again for a channel that reads Chinese in Beijing time (decision 218), from the stored signal and the case.
            var (zhTitle, zhText) = breach.WriteFor.ShouldNotBeNull()(global::SentimentWatch.Core.Incidents.MessageStyle.From("zh-CN", "Asia/Shanghai"));
            zhTitle.ShouldBe($"SLA 超时：工单 {id} 的首次响应时限已于 2026-12-01 12:50 北京时间 到期");
            zhText.ShouldContain("未达首次响应时限（截止 2026-12-01 12:50 北京时间）。负责人：Li Na，团队：Lumo 客服。", customMessage: "people and teams by the names Cases:Agents and Cases:Teams give them, not their ids");
            zhText.ShouldEndWith("优先级已由 P3 升至 P2。");
            var (_, warningZh) = warning!.WriteFor.ShouldNotBeNull()(global::SentimentWatch.Core.Incidents.MessageStyle.From("zh-CN", "Asia/Shanghai"));
            warningZh.ShouldContain("首次响应时限 2026-12-01 12:50 北京时间 到期。负责人：Li Na。");
            warningZh.ShouldContain("（P3，退款退货）", customMessage: "the category as the console names it, not refund_return");
            warning.Text.ShouldContain("(P3, refund and return)");

            await using (var db = await host.DbAsync())
            {
                var c = await db.Cases.SingleAsync();
                c.Priority.ShouldBe(2);
                c.FirstResponseBreached.ShouldBeTrue();
                c.FirstResponseDueAt.ShouldBe(Local(12, 1, 12, 50), "escalation raises urgency, it does not re-target the clock");
                var audit = await db.Audit.Where(a => a.Who == SlaWatch.Actor).Select(a => a.What).ToListAsync();
                audit.ShouldBe(["sla_warning", "sla_breach", "priority"]);
            }

            clock.Set(Local(12, 1, 13, 30));
            await host.SlaWatch.RunAsync(default);
        }

        await using (var host = await StartAsync(notifier, clock))
        {
            await host.SlaWatch.RunAsync(default);
            notifier.Calls.ShouldBe(2, "each warning and breach is handed over once, also after restarts");
            await using var db = await host.DbAsync();
            (await db.Cases.SingleAsync()).Priority.ShouldBe(2, "raised one step once, not once per tick");
            (await db.Audit.CountAsync(a => a.What == "sla_breach")).ShouldBe(1);
        }
    }

    /// <summary>
    /// A complaint storm opens many cases at once and their warnings fall due together: the demo sent 17 messages to one
    /// chat robot in a minute. From <see cref="SlaWatch.DigestFrom"/> pending warnings they go out as one digest, soonest
    /// first, with the time left; breaches still go one by one.
    /// </summary>
    [Fact]
    public async Task AWaveOfWarnings_GoesOutAsOneDigest_AndTheBreachesOneByOne()
    {
        var notifier = new RecordingStaffNotifier();
        var clock = new ManualClock(Local(11, 27, 17, 50));
        await using var host = await StartAsync(notifier, clock);
        var wave = Enumerable.Range(0, 5)
            .Select(i => Complaints.Make(clock.GetUtcNow(), negative: 0.93f, text: $"refund still missing, order {i}", author: $"wave{i}") with { Fingerprint = 0 })
            .ToArray();
        await host.Desk.OnIndexedAsync(wave, default);

        // First response due Tuesday 12:50 (Monday a holiday), warned from 12:20. The channel is down at first: the digest
        // stays pending (no single warnings instead), and goes out on the next pass under the same key.
        clock.Set(Local(12, 1, 12, 25));
        notifier.FailNext = 1;
        await host.SlaWatch.RunAsync(default);
        notifier.Calls.ShouldBe(1);
        notifier.Sent.ShouldBeEmpty();
        await using (var db = await host.DbAsync())
        {
            (await db.SlaSignals.CountAsync(s => s.Kind == "warning" && s.NotifiedAt == null && s.LastError == "channel down (test)")).ShouldBe(5);
        }

        await host.SlaWatch.RunAsync(default);
        var digest = notifier.Sent.ShouldHaveSingleItem();
        digest.DedupKey.ShouldStartWith("sla-warnings-");
        digest.Title.ShouldBe("SLA warnings: 5 cases due within 30 min");
        var lines = digest.Text.Split('\n');
        lines.Length.ShouldBe(5);
        lines.ShouldAllBe(l => l.Contains("(P3, refund and return)") && l.Contains("first response due 04:50 UTC (in 25 min)"));
        digest.Link.ShouldBe("https://watch.example.com/cases");
        var (zhTitle, zhText) = digest.WriteFor.ShouldNotBeNull()(global::SentimentWatch.Core.Incidents.MessageStyle.From("zh-CN", "Asia/Shanghai"));
        zhTitle.ShouldBe("SLA 预警：5 件工单将在 30 分钟内到期");
        zhText.ShouldContain("首次响应时限 12:50 北京时间（还剩 25 分钟）");
        await using (var db = await host.DbAsync())
        {
            (await db.SlaSignals.CountAsync(s => s.Kind == "warning" && s.NotifiedAt != null)).ShouldBe(5, "each warning is marked sent by the digest");
        }

        await host.SlaWatch.RunAsync(default);
        notifier.Calls.ShouldBe(2, "nothing again on the next pass");

        clock.Set(Local(12, 1, 12, 50));
        await host.SlaWatch.RunAsync(default);
        notifier.Sent.Count.ShouldBe(6);
        notifier.Sent.Skip(1).ShouldAllBe(n => n.DedupKey.EndsWith("-first_response-breach-0", StringComparison.Ordinal), "a breach asks someone to act on one case");
    }

    [Fact]
    public async Task APostFoundDaysLate_StartsItsClocksNoMoreThanSlaMaxBackdateBeforeTheCaseOpened_SoItDoesNotOpenBreached()
    {
        // Decision 226: a replayed or late-found post keeps its publish time, but the desk is charged at most
        // SlaMaxBackdate (default 15 minutes) before it could know; a fresh post still starts at its publish time.
        var notifier = new RecordingStaffNotifier();
        var clock = new ManualClock(Local(12, 1, 10, 0));
        await using var host = await StartAsync(notifier, clock);
        var old = Complaints.Make(Local(11, 24, 0, 0), riskTerms: ["食物中毒"], author: "week.old");
        var fresh = Complaints.Make(Local(12, 1, 9, 55), text: "门店服务员态度恶劣，点单时翻白眼", topic: ComplaintTopics.ServiceAttitude, riskTerms: ["食物中毒"], author: "five.minutes");
        await host.Desk.OnIndexedAsync([old, fresh], default);
        await host.SlaWatch.RunAsync(default);

        notifier.Calls.ShouldBe(0, "nothing is breached or near a breach the moment it opens");
        long id;
        await using (var db = await host.DbAsync())
        {
            var cases = await db.Cases.OrderBy(c => c.Id).ToListAsync();
            cases.Count.ShouldBe(2);
            cases.ShouldAllBe(c => c.Priority == 2 && !c.FirstResponseBreached && c.OpenedAt == Local(12, 1, 10, 0));
            cases[0].ClockStartedAt.ShouldBe(Local(12, 1, 9, 45), "a week-old post: 15 minutes before opening, not 7 days");
            cases[0].FirstResponseDueAt.ShouldBe(Local(12, 1, 11, 45), "P2: 2 business hours from 09:45");
            cases[1].ClockStartedAt.ShouldBe(Local(12, 1, 9, 55), "a post 5 minutes old: its publish time");
            (await db.Audit.CountAsync(a => a.What == "sla_breach" || a.What == "priority")).ShouldBe(0);
            id = cases[0].Id;
        }

        // The case still says how long the customer waited before it opened.
        var detail = await host.App.Services.GetRequiredService<CaseQueries>().GetAsync(id, new CaseViewer("li.na", true, false), default);
        detail.ShouldNotBeNull().PostedAt.ShouldBe(Local(11, 24, 0, 0));
        detail.WaitedBeforeOpening.ShouldBe(TimeSpan.FromDays(7) + TimeSpan.FromHours(10));

        clock.Set(Local(12, 1, 11, 45));
        await host.SlaWatch.RunAsync(default);
        notifier.Sent.ShouldContain(n => n.DedupKey == $"case-{id}-first_response-breach-0", "it breaches when its own target runs out");
    }

    [Fact]
    public async Task ANoticeTheNotifierRefused_IsSentOnTheNextTick_AndOnlyOnce()
    {
        var notifier = new RecordingStaffNotifier { FailNext = 1 };
        var clock = new ManualClock(Local(11, 27, 17, 50));
        await using var host = await StartAsync(notifier, clock);
        await host.Desk.OnIndexedAsync([Complaints.Make(clock.GetUtcNow(), negative: 0.93f)], default);

        clock.Set(Local(12, 1, 12, 50));
        await host.SlaWatch.RunAsync(default);
        notifier.Sent.Count.ShouldBe(0);
        await using (var db = await host.DbAsync())
        {
            var pending = await db.SlaSignals.SingleAsync();
            pending.NotifiedAt.ShouldBeNull();
            pending.LastError.ShouldBe("channel down (test)");
        }

        await host.SlaWatch.RunAsync(default);
        await host.SlaWatch.RunAsync(default);
        notifier.Sent.ShouldHaveSingleItem().DedupKey.ShouldEndWith("first_response-breach-0");
        notifier.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task WaitingOnTheCustomer_PausesTheClock_SoNothingBreachesUntilTheCustomerReplies()
    {
        var notifier = new RecordingStaffNotifier();
        var clock = new ManualClock(Local(11, 27, 17, 50));
        await using var host = await StartAsync(notifier, clock);
        await host.Desk.OnIndexedAsync([Complaints.Make(clock.GetUtcNow(), negative: 0.93f, author: "pauser")], default);
        long id;
        await using (var db = await host.DbAsync())
        {
            id = (await db.Cases.SingleAsync()).Id;
        }

        clock.Set(Local(12, 1, 9, 30));
        (await host.Desk.ReplyAsync(id, null, "We are checking the double charge; please send the order number", "private", null, "wang.lead", default)).Kind.ShouldBe(global::SentimentWatch.Cases.Workflow.CaseOutcomeKind.Ok);
        clock.Set(Local(12, 1, 10, 0));
        (await host.Desk.TransitionAsync(id, null, "waiting_on_customer", null, null, "asked for the order number", "wang.lead", default)).Kind.ShouldBe(global::SentimentWatch.Cases.Workflow.CaseOutcomeKind.Ok);

        // Resolution was due Wednesday 17:50; paused, it cannot breach.
        clock.Set(Local(12, 3, 10, 0));
        await host.SlaWatch.RunAsync(default);
        notifier.Calls.ShouldBe(0);

        // The customer posts again (same author): the case resumes with 2 days 1 h of working time paused.
        await host.Desk.OnIndexedAsync([Complaints.Make(clock.GetUtcNow(), text: "order number is 12345, please hurry", author: "pauser")], default);
        await using (var db = await host.DbAsync())
        {
            var c = await db.Cases.SingleAsync();
            c.Status.ShouldBe(CaseStatus.InProgress);
            c.PausedAt.ShouldBeNull();
            c.PausedWorking.ShouldBe(TimeSpan.FromHours(18));
            c.ResolutionDueAt.ShouldBe(Local(12, 4, 17, 50), "18 business hours later than Wednesday 17:50");
        }
    }

    [Fact]
    public async Task AFollowUpFallsDueAfterTheDelay_AndTheOwnerIsRemindedOnce()
    {
        var notifier = new RecordingStaffNotifier();
        var clock = new ManualClock(CasesTestHost.Start);
        await using var host = await StartAsync(notifier, clock);
        await host.Desk.OnIndexedAsync([Complaints.Make(clock.GetUtcNow(), negative: 0.93f)], default);
        long id;
        await using (var db = await host.DbAsync())
        {
            id = (await db.Cases.SingleAsync()).Id;
        }

        await host.Desk.ReplyAsync(id, null, "refund issued", "public", null, "wang.lead", default);
        await host.Desk.TransitionAsync(id, null, "resolved", "refunded", "billing_error", null, "wang.lead", default);
        clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        await host.SlaWatch.RunAsync(default);
        notifier.Sent.ShouldBeEmpty();

        clock.Advance(TimeSpan.FromSeconds(1));
        await host.SlaWatch.RunAsync(default);
        await host.SlaWatch.RunAsync(default);
        var reminder = notifier.Sent.ShouldHaveSingleItem();
        reminder.DedupKey.ShouldBe($"case-{id}-follow_up-due-0");
        reminder.Recipients.ShouldBe(["wang@example.com"]);
    }

    /// <summary>
    /// Guards decision 253, item 6: each pass of the watch reaches cases not yet signalled, however many open cases stay
    /// overdue in front of them. With more breached cases than one pass reads (<see cref="SlaWatch.BatchSize"/>) and still
    /// open, the last of them and a case that falls due later are warned and breached on time. Before the fix every pass
    /// read the same earliest-due cases, already signalled, and nothing behind them was ever signalled.
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task MoreOverdueCasesThanOnePassReads_DoNotHideTheCasesBehindThem(string provider)
    {
        var notifier = new RecordingStaffNotifier();
        var clock = new ManualClock(Local(12, 1, 10, 0));
        await using var database = provider == "postgresql" ? await PostgresTestServer.CreateDatabaseAsync("slabatch") : null;
        var settings = database is null ? new CasesSettings()
            : new CasesSettings().With("Storage:Provider", provider).With("Storage:ConnectionString", database.ConnectionString);
        await using var host = await CasesTestHost.StartAsync(_data.Path, settings, clock, s => s.AddSingleton<IStaffNotifier>(notifier));
        var overdue = SlaWatch.BatchSize + 1;
        // A second apart (due times distinct), no fingerprint: each complaint its own case.
        var storm = Enumerable.Range(0, overdue)
            .Select(i => Complaints.Make(Local(12, 1, 10, 0).AddSeconds(-i), text: $"complaint number {i}", author: $"storm{i}") with { Fingerprint = 0 })
            .ToArray();
        await host.Desk.OnIndexedAsync(storm, default);

        // P4, first response due after 18 business hours: Thursday about 10:00. Every one is breached, none is answered.
        clock.Set(Local(12, 3, 11, 0));
        await host.SlaWatch.RunAsync(default);
        await host.SlaWatch.RunAsync(default);
        await using (var db = await host.DbAsync())
        {
            (await db.Cases.CountAsync(c => c.IsOpen)).ShouldBe(overdue);
            (await db.SlaSignals.CountAsync(s => s.Kind == "breach")).ShouldBe(overdue, "the case behind a full pass is breached on the next one");
        }

        // A later case: P2 (a risk term), first response due 13:00; warned at 12:30, breached at 13:00.
        await host.Desk.OnIndexedAsync([Complaints.Make(Local(12, 3, 11, 0), text: "门店 食物中毒 要维权", riskTerms: ["食物中毒"], author: "later") with { Fingerprint = 0 }], default);
        long later;
        await using (var db = await host.DbAsync())
        {
            later = (await db.Cases.SingleAsync(c => c.Author == "later")).Id;
        }

        clock.Set(Local(12, 3, 12, 35));
        await host.SlaWatch.RunAsync(default);
        notifier.Sent.ShouldContain(n => n.DedupKey == $"case-{later}-first_response-warning-0");
        clock.Set(Local(12, 3, 13, 0));
        await host.SlaWatch.RunAsync(default);
        notifier.Sent.ShouldContain(n => n.DedupKey == $"case-{later}-first_response-breach-0");
        notifier.Sent.Count.ShouldBe(overdue + 2);
    }

    /// <summary>
    /// A notice the notifier refuses stays pending and is tried again on every pass; it must not hold back the notices
    /// recorded after it. With more refused notices than one page (<see cref="SlaWatch.BatchSize"/>) in front, the notice
    /// behind them goes out on the pass that records it, and the refused ones all go out, once each, when the notifier takes
    /// them again. Before the fix every pass read the same 500 oldest pending notices and nothing behind them was sent.
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task NoticesTheNotifierKeepsRefusing_DoNotHoldBackTheNoticesBehindThem(string provider)
    {
        var notifier = new RecordingStaffNotifier();
        var clock = new ManualClock(Local(12, 1, 10, 0));
        await using var database = provider == "postgresql" ? await PostgresTestServer.CreateDatabaseAsync("slanotices") : null;
        var settings = database is null ? new CasesSettings()
            : new CasesSettings().With("Storage:Provider", provider).With("Storage:ConnectionString", database.ConnectionString);
        await using var host = await CasesTestHost.StartAsync(_data.Path, settings, clock, s => s.AddSingleton<IStaffNotifier>(notifier));
        var refused = SlaWatch.BatchSize;
        // A second apart, no fingerprint: each complaint its own case; storm0 is due last, so its breach is recorded on the
        // second pass, behind the 500 recorded (and refused) on the first.
        var storm = Enumerable.Range(0, refused + 1)
            .Select(i => Complaints.Make(Local(12, 1, 10, 0).AddSeconds(-i), text: $"complaint number {i}", author: $"storm{i}") with { Fingerprint = 0 })
            .ToArray();
        await host.Desk.OnIndexedAsync(storm, default);
        long last;
        await using (var db = await host.DbAsync())
        {
            last = (await db.Cases.SingleAsync(c => c.Author == "storm0")).Id;
        }

        var lastKey = SlaWatch.DedupKey(last, SlaWatch.FirstResponse, "breach", 0);
        notifier.Refuse = n => n.DedupKey != lastKey;

        // P4, first response due Thursday about 10:00: every case is breached.
        clock.Set(Local(12, 3, 11, 0));
        await host.SlaWatch.RunAsync(default);
        notifier.Sent.ShouldBeEmpty();
        notifier.Calls.ShouldBe(refused);
        await using (var db = await host.DbAsync())
        {
            (await db.SlaSignals.CountAsync(s => s.NotifiedAt == null && s.LastError == "channel down (test)")).ShouldBe(refused);
            (await db.SlaSignals.AnyAsync(s => s.CaseId == last)).ShouldBeFalse("the first pass reads the 500 cases due first");
        }

        await host.SlaWatch.RunAsync(default);
        notifier.Sent.ShouldHaveSingleItem().DedupKey.ShouldBe(lastKey, "the notice behind 500 refused ones goes out on the pass that records it");
        notifier.Calls.ShouldBe(2 * refused + 1, "each refused notice is tried once a pass, the new one once");

        // The notifier takes them again: every refused notice goes out, once.
        notifier.Refuse = null;
        await host.SlaWatch.RunAsync(default);
        await host.SlaWatch.RunAsync(default);
        notifier.Sent.Select(n => n.DedupKey).Distinct().Count().ShouldBe(refused + 1);
        notifier.Calls.ShouldBe(3 * refused + 1, "a notice handed over is not handed over again");
        await using (var db = await host.DbAsync())
        {
            (await db.SlaSignals.CountAsync(s => s.NotifiedAt == null)).ShouldBe(0);
        }
    }
}
