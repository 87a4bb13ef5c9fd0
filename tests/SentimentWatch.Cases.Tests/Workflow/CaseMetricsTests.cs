using Microsoft.EntityFrameworkCore;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Tests.Support;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Testing;

namespace SentimentWatch.Cases.Tests.Workflow;

[Collection(HostCollection.Name)]
public sealed class CaseMetricsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Metrics_CountVolumeResolutionComplianceReopensAndSatisfaction_PerAgent(string provider)
    {
        // P1 cases run on 24x7 (1 h / 8 h), so the minutes are plain wall-clock minutes.
        var settings = new CasesSettings().With("Cases:DefaultPriority", "P1").With("Cases:PriorityRules:3:Priority", "P1");
        await using var database = provider == "postgresql" ? await PostgresTestServer.CreateDatabaseAsync("metrics") : null;
        if (database is not null)
        {
            settings = settings.With("Storage:Provider", provider).With("Storage:ConnectionString", database.ConnectionString);
        }

        await using var host = await CasesTestHost.StartAsync(_data.Path, settings);
        var clock = host.Clock;
        var start = clock.GetUtcNow();
        await host.Desk.OnIndexedAsync(
        [
            Complaints.Make(start, text: "refund case one, charged twice", author: "m1"),
            Complaints.Make(start, text: "refund case two, money never came back", author: "m2"),
            Complaints.Make(start, text: "refund case three, the card was blocked", author: "m3"),
        ], default);
        long[] ids;
        await using (var db = await host.DbAsync())
        {
            ids = await db.Cases.OrderBy(c => c.Id).Select(c => c.Id).ToArrayAsync();
        }

        // Case 1: replied after 20 min, resolved after 2 h, satisfaction 4. Case 2: replied after 90 min (late), resolved after 10 h (late), reopened.
        clock.Advance(TimeSpan.FromMinutes(20));
        await host.Desk.ReplyAsync(ids[0], null, "sorry, refunding", "public", null, "wang.lead", default);
        clock.Advance(TimeSpan.FromMinutes(70));
        await host.Desk.ReplyAsync(ids[1], null, "looking into it", "public", null, "li.na", default);
        clock.Set(start.AddHours(2));
        await host.Desk.TransitionAsync(ids[0], null, "resolved", "refunded", "billing_error", null, "wang.lead", default);
        clock.Set(start.AddHours(10));
        await host.Desk.TransitionAsync(ids[1], null, "resolved", "refunded", "billing_error", null, "li.na", default);
        clock.Set(start.AddDays(2).AddHours(2));
        await host.Desk.RecordSatisfactionAsync(ids[0], null, 4, "ok", "wang.lead", default);
        await host.Desk.TransitionAsync(ids[1], null, "in_progress", null, null, "customer says still missing", "li.na", default);

        var metrics = await host.App.Services.GetRequiredService<CaseQueries>().MetricsAsync(start.AddDays(-1), clock.GetUtcNow().AddMinutes(1), "agent", default);
        var total = metrics.Total;
        total.Volume.ShouldBe(3);
        total.Resolved.ShouldBe(1, "case two was reopened");
        total.ResolutionRate.ShouldBe(0.333);
        total.MedianFirstResponseMinutes.ShouldBe(20);
        total.P90FirstResponseMinutes.ShouldBe(90);
        total.MedianResolutionMinutes.ShouldBe(120);
        total.SlaCompliancePercent.ShouldBe(33.3, "case two missed both clocks, case three (never answered) is overdue now");
        total.Backlog.ShouldBe(2);
        total.BreachedNow.ShouldBe(2);
        total.ReopenRate.ShouldBe(1.0, "one reopened for the one resolved");
        total.SatisfactionAverage.ShouldBe(4);
        total.SatisfactionResponseRate.ShouldBe(1.0);

        var byAgent = metrics.Groups.ToDictionary(g => g.Key);
        byAgent["wang.lead"].Resolved.ShouldBe(1);
        byAgent["li.na"].Backlog.ShouldBe(1);
        byAgent.Keys.Order().ShouldBe(["li.na", "wang.lead", "zhao.min"]);

        var ungrouped = await host.App.Services.GetRequiredService<CaseQueries>().MetricsAsync(start.AddDays(-1), clock.GetUtcNow().AddMinutes(1), null, default);
        ungrouped.Total.Volume.ShouldBe(3);
        ungrouped.Total.Backlog.ShouldBe(2);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Metrics_FromPerDayRollups_MatchACaseByCaseCount_ForEveryGroupSizeAMissingOwnerAndEveryLaterChange(string provider)
    {
        var settings = new CasesSettings();
        await using var database = provider == "postgresql" ? await PostgresTestServer.CreateDatabaseAsync("metricsref") : null;
        if (database is not null)
        {
            settings = settings.With("Storage:Provider", provider).With("Storage:ConnectionString", database.ConnectionString);
        }

        await using var host = await CasesTestHost.StartAsync(_data.Path, settings);
        var now = host.Clock.GetUtcNow();
        var random = new Random(7);

        // Group sizes around the nearest-rank edges (1, 2, 9, 10, 11, 37) and cases with no owner.
        var owners = new List<string?>();
        foreach (var (owner, size) in new (string?, int)[] { ("a1", 1), ("a2", 2), ("a9", 9), ("a10", 10), ("a11", 11), ("a37", 37), (null, 5) })
        {
            owners.AddRange(Enumerable.Repeat(owner, size));
        }

        var seeded = new List<Case>();
        await using (var db = await host.DbAsync())
        {
            foreach (var owner in owners)
            {
                var opened = now - TimeSpan.FromMinutes(random.Next(60, 20 * 24 * 60));
                var open = random.NextDouble() < 0.4;
                var c = new Case
                {
                    WatchId = "lumo", Title = "t", Category = "refund_return", Priority = 2, Team = "support", Owner = owner, Author = "x", Source = "forum",
                    Negative = 0.9f, OpenedAt = opened, ClockStartedAt = opened, LastMentionAt = opened, UpdatedAt = opened,
                    FirstResponseTarget = TimeSpan.FromHours(2), ResolutionTarget = TimeSpan.FromHours(24),
                };
                c.SetStatus(open ? CaseStatus.InProgress : CaseStatus.Resolved);
                c.FirstResponseDueAt = c.ClockStartedAt + c.FirstResponseTarget;
                c.ResolutionDueAt = c.ClockStartedAt + c.ResolutionTarget;
                if (random.NextDouble() < 0.8)
                {
                    c.FirstResponseAt = opened + TimeSpan.FromMinutes(random.Next(1, 300));
                    c.FirstResponseWorking = c.FirstResponseAt - opened;
                    c.FirstResponseBreached = c.FirstResponseAt > c.FirstResponseDueAt;
                }

                if (!open)
                {
                    c.ResolvedAt = opened + TimeSpan.FromMinutes(random.Next(30, 3000));
                    c.ResolutionWorking = c.ResolvedAt - opened;
                    c.ResolutionBreached = c.ResolvedAt > c.ResolutionDueAt;
                    c.ReopenCount = random.NextDouble() < 0.2 ? 1 : 0;
                    c.Satisfaction = random.NextDouble() < 0.5 ? 1 + random.Next(5) : null;
                }

                c.UpdateDueKey();
                db.Cases.Add(c);
                seeded.Add(c);
            }

            await db.SaveChangesAsync();
        }

        var queries = host.App.Services.GetRequiredService<CaseQueries>();
        var followUpDelay = host.App.Services.GetRequiredService<CaseDesk>().Options.FollowUpDelay;
        // Seeding marked more days than a read reads case by case: the first read rebuilds them.
        await using (var db = await host.DbAsync())
        {
            (await db.MetricDirtyDays.Select(m => m.Day).Distinct().CountAsync()).ShouldBeGreaterThan(CaseMetricRollups.MarkedDaysReadDirectly);
        }

        await ShouldMatchCaseByCaseAsync(now.AddDays(-30), now, "agent");
        await using (var db = await host.DbAsync())
        {
            (await db.MetricDirtyDays.CountAsync()).ShouldBe(0);
        }

        // The desk works on: cases opened on many days are answered, resolved, rated, reopened and
        // merged, and new ones arrive today. The per-day rollups (decision 164) must follow every change.
        await using (var db = await host.DbAsync())
        {
            var tracked = await db.Cases.OrderBy(c => c.Id).ToListAsync();
            foreach (var c in tracked.Where(c => c.IsOpen).Take(6))
            {
                c.ResolvedAt = now.AddMinutes(-random.Next(1, 600));
                c.ResolutionWorking = c.ResolvedAt - c.OpenedAt;
                c.SetStatus(CaseStatus.Resolved);
                c.UpdateDueKey();
            }

            foreach (var c in tracked.Where(c => c.ResolvedAt is not null && c.Satisfaction is null).Skip(2).Take(4))
            {
                c.Satisfaction = 1 + random.Next(5);
            }

            foreach (var c in tracked.Where(c => c.Status == CaseStatus.Resolved).Skip(7).Take(3))
            {
                c.ReopenCount++;
                c.SetStatus(CaseStatus.InProgress);
                c.UpdateDueKey();
            }

            var merged = tracked.First(c => c.Owner == "a37");
            merged.MergedIntoId = tracked.Last().Id;
            merged.SetStatus(CaseStatus.Closed);
            merged.UpdateDueKey();
            foreach (var owner in new[] { "a1", "a9", "new-agent" })
            {
                var opened = now.AddMinutes(-random.Next(1, 120));
                var c = new Case
                {
                    WatchId = "lumo", Title = "t", Category = "refund_return", Priority = 2, Team = "support", Owner = owner, Author = "x", Source = "forum",
                    Negative = 0.9f, OpenedAt = opened, ClockStartedAt = opened, LastMentionAt = opened, UpdatedAt = opened,
                    FirstResponseTarget = TimeSpan.FromMinutes(30), ResolutionTarget = TimeSpan.FromHours(24),
                };
                c.SetStatus(CaseStatus.New);
                c.FirstResponseDueAt = c.ClockStartedAt + c.FirstResponseTarget;
                c.ResolutionDueAt = c.ClockStartedAt + c.ResolutionTarget;
                c.UpdateDueKey();
                db.Cases.Add(c);
            }

            await db.SaveChangesAsync();
        }

        // First with the changed days marked (read case by case, decision 197: the reads leave the marks),
        // then after the background refresh has rebuilt them.
        int marks;
        await using (var db = await host.DbAsync())
        {
            marks = await db.MetricDirtyDays.Select(m => m.Day).Distinct().CountAsync();
        }

        marks.ShouldBeInRange(2, CaseMetricRollups.MarkedDaysReadDirectly, "the changes touch several days, few enough to be read directly");
        var rollups = host.App.Services.GetRequiredService<CaseMetricRollups>();
        for (var pass = 0; pass < 2; pass++)
        {
            await ShouldMatchCaseByCaseAsync(now.AddDays(-30), now, "agent");
            await ShouldMatchCaseByCaseAsync(now.AddDays(-30), now, null);
            // Whole days only (midnight to midnight), and a period inside one day (no whole day at all).
            var midnight = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
            await ShouldMatchCaseByCaseAsync(midnight.AddDays(-12), midnight.AddDays(-2), "agent");
            await ShouldMatchCaseByCaseAsync(midnight.AddDays(-5).AddHours(3), midnight.AddDays(-5).AddHours(20), "agent");
            foreach (var day in Enumerable.Range(0, 20))
            {
                // Periods starting and ending inside each day, marked or not.
                await ShouldMatchCaseByCaseAsync(midnight.AddDays(-day).AddHours(-7), midnight.AddDays(-day).AddHours(11), "agent");
            }

            await using (var db = await host.DbAsync())
            {
                (await db.MetricDirtyDays.Select(m => m.Day).Distinct().CountAsync()).ShouldBe(pass == 0 ? marks : 0);
            }

            await rollups.RefreshAsync(default);
        }

        // An upgrade: the migration asks for every day to be rebuilt; the rollups of cases that were
        // there before count the same.
        await using (var db = await host.DbAsync())
        {
            await db.MetricRollups.ExecuteDeleteAsync();
            db.MetricDirtyDays.Add(new CaseMetricDirtyDay { Day = CaseMetricDirtyDay.AllDays });
            await db.SaveChangesAsync();
        }

        await ShouldMatchCaseByCaseAsync(now.AddDays(-30), now, "agent");
        await using (var db = await host.DbAsync())
        {
            (await db.MetricDirtyDays.CountAsync()).ShouldBe(0, "the read rebuilt every marked day and removed the marks");
        }

        async Task ShouldMatchCaseByCaseAsync(DateTimeOffset from, DateTimeOffset to, string? groupBy)
        {
            List<Case> all;
            await using (var db = await host.DbAsync())
            {
                all = await db.Cases.AsNoTracking().Where(c => c.MergedIntoId == null).ToListAsync();
            }

            var inPeriod = all.Where(c => c.OpenedAt >= from && c.OpenedAt < to).ToList();
            var metrics = await queries.MetricsAsync(from, to, groupBy, default);
            metrics.Total.ShouldBe(Expected("all", inPeriod, all), $"{from:u} – {to:u} by {groupBy ?? "nothing"}");
            if (groupBy is null)
            {
                metrics.Groups.ShouldBeEmpty();
                return;
            }

            var keys = inPeriod.Concat(all.Where(c => c.IsOpen)).Select(c => c.Owner ?? "(none)").Distinct().Order(StringComparer.Ordinal).ToList();
            metrics.Groups.Select(g => g.Key).ShouldBe(keys);
            foreach (var group in metrics.Groups)
            {
                Expected(group.Key, inPeriod.Where(c => (c.Owner ?? "(none)") == group.Key).ToList(), all.Where(c => (c.Owner ?? "(none)") == group.Key).ToList())
                    .ShouldBe(group, $"{group.Key}, {from:u} – {to:u}");
            }
        }

        // The reference: every case read and counted one by one, nearest-rank percentiles.
        CaseMetricsGroup Expected(string key, IReadOnlyList<Case> cases, IReadOnlyList<Case> everyCase)
        {
            static double? Rank(IEnumerable<TimeSpan?> values, int percent)
            {
                var sorted = values.Where(v => v is not null).Select(v => v!.Value).Order().ToArray();
                return sorted.Length == 0 ? null : Math.Round(sorted[((percent * sorted.Length) + 99) / 100 - 1].TotalMinutes, 1);
            }

            static double? Ratio(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 3);
            var resolved = cases.Count(c => c.ResolvedAt is not null);
            var breached = cases.Count(c => c.FirstResponseBreached || c.ResolutionBreached || (c.IsOpen && c.DueKey <= now.UtcTicks));
            var satisfied = cases.Where(c => c.Satisfaction is not null).ToList();
            var asked = cases.Count(c => c.Satisfaction is not null || c.ResolvedAt + followUpDelay <= now);
            var open = everyCase.Where(c => c.IsOpen).ToList();
            return new CaseMetricsGroup(
                key, cases.Count, resolved, Ratio(resolved, cases.Count),
                Rank(cases.Select(c => c.FirstResponseWorking), 50), Rank(cases.Select(c => c.FirstResponseWorking), 90),
                Rank(cases.Select(c => c.ResolutionWorking), 50), Rank(cases.Select(c => c.ResolutionWorking), 90),
                cases.Count == 0 ? null : Math.Round(100.0 * (cases.Count - breached) / cases.Count, 1),
                open.Count, open.Count(c => c.FirstResponseBreached || c.ResolutionBreached || c.DueKey <= now.UtcTicks),
                Ratio(cases.Count(c => c.ReopenCount > 0), resolved),
                satisfied.Count == 0 ? null : Math.Round(satisfied.Average(c => c.Satisfaction!.Value), 2),
                Ratio(satisfied.Count, asked));
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Metrics_ReadWhileOtherConnectionsChangeCases_CountEveryChangeOnceTheWritersStop(string provider)
    {
        var settings = new CasesSettings();
        await using var database = provider == "postgresql" ? await PostgresTestServer.CreateDatabaseAsync("metricsrace") : null;
        if (database is not null)
        {
            settings = settings.With("Storage:Provider", provider).With("Storage:ConnectionString", database.ConnectionString);
        }

        await using var host = await CasesTestHost.StartAsync(_data.Path, settings);
        var now = host.Clock.GetUtcNow();
        await using (var db = await host.DbAsync())
        {
            for (var i = 0; i < 200; i++)
            {
                var opened = now - TimeSpan.FromHours(1 + (i * 7 % (20 * 24)));
                var c = new Case
                {
                    WatchId = "lumo", Title = "t", Category = i % 2 == 0 ? "refund_return" : "logistics", Priority = 2, Team = "support", Owner = "a" + (i % 5), Author = "x", Source = "forum",
                    Negative = 0.9f, OpenedAt = opened, ClockStartedAt = opened, LastMentionAt = opened, UpdatedAt = opened,
                    FirstResponseTarget = TimeSpan.FromHours(2), ResolutionTarget = TimeSpan.FromHours(24),
                };
                c.SetStatus(CaseStatus.InProgress);
                c.FirstResponseDueAt = c.ClockStartedAt + c.FirstResponseTarget;
                c.ResolutionDueAt = c.ClockStartedAt + c.ResolutionTarget;
                c.UpdateDueKey();
                db.Cases.Add(c);
            }

            await db.SaveChangesAsync();
        }

        var queries = host.App.Services.GetRequiredService<CaseQueries>();
        var rollups = host.App.Services.GetRequiredService<CaseMetricRollups>();
        using var stop = new CancellationTokenSource();
        var firstRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;
        var readsBeforeWrites = 0;
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await queries.MetricsAsync(now.AddDays(-30), now, r == 0 ? "category" : "agent", default);
                await rollups.RefreshAsync(default);
                Interlocked.Increment(ref reads);
                firstRead.TrySetResult();
            }
        })).ToList();

        // Two writers on their own connections: each resolves, rates or reopens cases of many days. They
        // start once a read has finished (the first one, compiling its queries, could outlast them all).
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            await firstRead.Task;
            Interlocked.CompareExchange(ref readsBeforeWrites, Volatile.Read(ref reads), 0);
            var random = new Random(w);
            for (var i = 0; i < 60; i++)
            {
                await using var db = await host.DbAsync();
                var id = 1 + random.Next(200);
                var c = await db.Cases.SingleAsync(x => x.Id == id);
                if (c.IsOpen)
                {
                    c.ResolvedAt = now.AddMinutes(-random.Next(1, 60));
                    c.ResolutionWorking = c.ResolvedAt - c.OpenedAt;
                    c.SetStatus(CaseStatus.Resolved);
                }
                else
                {
                    c.ReopenCount++;
                    c.Satisfaction = 1 + random.Next(5);
                    c.SetStatus(CaseStatus.InProgress);
                }

                c.UpdateDueKey();
                await db.SaveChangesAsync();
            }
        })).ToList();
        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        reads.ShouldBeGreaterThan(readsBeforeWrites, "reads ran while the writers did");

        List<Case> all;
        await using (var db = await host.DbAsync())
        {
            all = await db.Cases.AsNoTracking().ToListAsync();
        }

        var metrics = await queries.MetricsAsync(now.AddDays(-30), now, "agent", default);
        metrics.Total.Volume.ShouldBe(200);
        metrics.Total.Resolved.ShouldBe(all.Count(c => c.ResolvedAt is not null || c.Status is CaseStatus.Resolved or CaseStatus.Closed));
        metrics.Total.Backlog.ShouldBe(all.Count(c => c.IsOpen));
        metrics.Total.ReopenRate.ShouldBe(Math.Round((double)all.Count(c => c.ReopenCount > 0) / all.Count(c => c.ResolvedAt is not null || c.Status is CaseStatus.Resolved or CaseStatus.Closed), 3));
        foreach (var group in metrics.Groups)
        {
            group.Backlog.ShouldBe(all.Count(c => c.IsOpen && c.Owner == group.Key), group.Key);
            group.Resolved.ShouldBe(all.Count(c => c.Owner == group.Key && (c.ResolvedAt is not null || c.Status is CaseStatus.Resolved or CaseStatus.Closed)), group.Key);
        }

        // The backlog is every open case whatever the period: the period's own days and the days before and after it.
        foreach (var (from, to) in new[] { (now.AddDays(-3), now), (now.AddDays(-12), now.AddDays(-6)) })
        {
            var part = await queries.MetricsAsync(from, to, "agent", default);
            part.Total.Volume.ShouldBe(all.Count(c => c.OpenedAt >= from && c.OpenedAt < to));
            part.Total.Backlog.ShouldBe(all.Count(c => c.IsOpen));
            foreach (var owner in all.Where(c => c.IsOpen).Select(c => c.Owner!).Distinct())
            {
                part.Groups.Single(g => g.Key == owner).Backlog.ShouldBe(all.Count(c => c.IsOpen && c.Owner == owner), $"{owner}, {from:O}–{to:O}");
            }
        }
    }
}
