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

    private static List<string> Unassigned(CapturedWarnings log) => log.Lines.Where(l => l.StartsWith("Unassigned:", StringComparison.Ordinal)).ToList();
}
