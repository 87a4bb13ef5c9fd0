using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SentimentWatch.Cases.Tests.Support;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Testing;

namespace SentimentWatch.Cases.Tests.Intake;

/// <summary>A storm that outruns the agents is reported in the log once a minute per team and category, not per case or batch.</summary>
[Collection(HostCollection.Name)]
public sealed class UnassignedReportTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Cases_waiting_for_busy_agents_are_counted_into_one_warning_a_minute()
    {
        var settings = new CasesSettings();
        for (var agent = 0; agent < 4; agent++)
        {
            settings.With($"Cases:Agents:{agent}:MaxOpenCases", "1");
        }

        var log = new CapturedWarnings();
        await using var host = await CasesTestHost.StartAsync(_data.Path, settings, services: s => s.AddSingleton<ILoggerProvider>(log));
        var n = 0;
        List<SentimentWatch.Core.Mentions.Mention> Refunds(int count) =>
            Enumerable.Range(0, count).Select(_ => Complaints.Make(host.Clock.GetUtcNow(), text: $"refund {++n} never arrived", author: $"waiting{n}")).ToList();

        await host.Desk.OnIndexedAsync(Refunds(6), default);
        await host.Desk.OnIndexedAsync(Refunds(2), default);
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        await host.Desk.OnIndexedAsync(Refunds(1), default);
        Unassigned(log).ShouldHaveSingleItem("three batches within a minute: one line").ShouldContain("3 new case(s)");

        host.Clock.Advance(CaseDesk.WaitingReportInterval);
        await host.Desk.OnIndexedAsync(Refunds(1), default);
        Unassigned(log).Count.ShouldBe(2);
        Unassigned(log)[1].ShouldContain("4 new case(s)", customMessage: "the 3 held back since the first line, and this one");

        // The SLA watch's pass over the 7 waiting cases: one line per pass, not one per case.
        (await host.Desk.AssignWaitingAsync(default)).ShouldBe(0);
        (await host.Desk.AssignWaitingAsync(default)).ShouldBe(0);
        var passes = log.Lines.Where(l => l.Contains("still unassigned", StringComparison.Ordinal)).ToList();
        passes.Count.ShouldBe(2);
        passes[0].ShouldStartWith("7 waiting case(s)");
        log.Lines.ShouldNotContain(l => l.StartsWith("Case ", StringComparison.Ordinal));
    }

    /// <summary>
    /// Guards decision 253, item 6 (the assignment half): a pass assigns a waiting case an agent with room can take even
    /// when more than a page of higher-priority cases waits in front of it for agents who are all at their limit. Before
    /// the fix each pass read the same first 100 waiting cases and nothing behind them was ever assigned.
    /// </summary>
    [Fact]
    public async Task A_waiting_case_an_agent_can_take_is_assigned_behind_more_than_a_page_of_cases_nobody_can()
    {
        var settings = new CasesSettings();
        for (var agent = 0; agent < 4; agent++)
        {
            settings.With($"Cases:Agents:{agent}:MaxOpenCases", "1");
        }

        await using var host = await CasesTestHost.StartAsync(_data.Path, settings);
        var at = host.Clock.GetUtcNow();
        SentimentWatch.Core.Mentions.Mention Rude(string author) =>
            Complaints.Make(at, text: $"rude staff, {author}", topic: SentimentWatch.Core.Scoring.ComplaintTopics.ServiceAttitude, author: author) with { Fingerprint = 0 };

        // wang.lead (any skill) and chen.yu (service attitude) take the first two; li.na and zhao.min a refund each.
        await host.Desk.OnIndexedAsync([Rude("first"), Rude("second")], default);
        var refunds = Enumerable.Range(0, CaseDesk.WaitingPageSize + 3)
            .Select(i => Complaints.Make(at, text: $"refund {i} never arrived", riskTerms: ["维权"], author: $"refund{i}") with { Fingerprint = 0 })
            .ToList();
        await host.Desk.OnIndexedAsync(refunds, default);
        await host.Desk.OnIndexedAsync([Rude("third")], default);
        long chensCase, third;
        await using (var db = await host.DbAsync())
        {
            (await db.Cases.CountAsync(c => c.Owner == null && c.Priority == 2)).ShouldBe(CaseDesk.WaitingPageSize + 1, "P2 refunds waiting in front");
            chensCase = (await db.Cases.SingleAsync(c => c.Owner == "chen.yu")).Id;
            third = (await db.Cases.SingleAsync(c => c.Author == "third")).Id;
            (await db.Cases.SingleAsync(c => c.Id == third)).Owner.ShouldBeNull();
        }

        (await host.Desk.TransitionAsync(chensCase, null, "resolved", "apologised", "billing_error", null, "chen.yu", default)).Kind.ShouldBe(CaseOutcomeKind.Ok);
        (await host.Desk.AssignWaitingAsync(default)).ShouldBe(1);
        await using (var db = await host.DbAsync())
        {
            (await db.Cases.SingleAsync(c => c.Id == third)).Owner.ShouldBe("chen.yu");
        }
    }

    private static List<string> Unassigned(CapturedWarnings log) => log.Lines.Where(l => l.StartsWith("Unassigned:", StringComparison.Ordinal)).ToList();
}
