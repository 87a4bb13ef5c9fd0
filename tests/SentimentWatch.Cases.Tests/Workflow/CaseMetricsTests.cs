using Microsoft.EntityFrameworkCore;
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
}
