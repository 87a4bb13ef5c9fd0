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
    public async Task Metrics_AggregatedByTheDatabase_MatchACaseByCaseCount_ForEveryGroupSizeAndAMissingOwner(string provider)
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

        var from = now.AddDays(-30);
        var metrics = await host.App.Services.GetRequiredService<CaseQueries>().MetricsAsync(from, now, "agent", default);
        var followUpDelay = host.App.Services.GetRequiredService<CaseDesk>().Options.FollowUpDelay;

        Expected("all", seeded).ShouldBe(metrics.Total);
        metrics.Groups.Select(g => g.Key).ShouldBe(["(none)", "a1", "a10", "a11", "a2", "a37", "a9"]);
        foreach (var group in metrics.Groups)
        {
            Expected(group.Key, seeded.Where(c => (c.Owner ?? "(none)") == group.Key).ToList()).ShouldBe(group);
        }

        // The reference: every case read and counted one by one, nearest-rank percentiles.
        CaseMetricsGroup Expected(string key, IReadOnlyList<Case> cases)
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
            var open = cases.Where(c => c.IsOpen).ToList();
            return new CaseMetricsGroup(
                key, cases.Count, resolved, Ratio(resolved, cases.Count),
                Rank(cases.Select(c => c.FirstResponseWorking), 50), Rank(cases.Select(c => c.FirstResponseWorking), 90),
                Rank(cases.Select(c => c.ResolutionWorking), 50), Rank(cases.Select(c => c.ResolutionWorking), 90),
                Math.Round(100.0 * (cases.Count - breached) / cases.Count, 1),
                open.Count, open.Count(c => c.FirstResponseBreached || c.ResolutionBreached || c.DueKey <= now.UtcTicks),
                Ratio(cases.Count(c => c.ReopenCount > 0), resolved),
                satisfied.Count == 0 ? null : Math.Round(satisfied.Average(c => c.Satisfaction!.Value), 2),
                Ratio(satisfied.Count, asked));
        }
    }
}
