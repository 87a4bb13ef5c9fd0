using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Alerting.Tests.Rules;

public sealed class AlertBacktestTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Backtest_WithAListBackedIndexFake_ReportsOneSpikeOpeningAndItsResolution()
    {
        var history = new List<Mention>();
        for (var minute = 0; minute < 120; minute++)
        {
            var at = T0.AddMinutes(minute);
            if (minute % 2 == 0)
            {
                history.Add(Mentions.Negative(at));
            }

            history.Add(Mentions.Neutral(at));
            if (minute is >= 70 and < 80)
            {
                history.AddRange(Enumerable.Range(0, 4).Select(_ => Mentions.Negative(at.AddSeconds(10))));
            }
        }

        var options = Options.Create(new AlertingOptions
        {
            Rules = [new CrisisRuleOptions { Id = "spike", Watch = "brand", Kind = "negativeSpike", MinCount = 10, Ratio = 3, EscalateAt = 10, ClearFor = TimeSpan.FromMinutes(15) }],
        });
        var backtest = new AlertBacktest(new ListMentionIndex(history), options);

        var events = await backtest.RunAsync("brand", T0.AddMinutes(60), T0.AddMinutes(119), TimeSpan.FromMinutes(1), default);

        events.Select(e => e.What).ShouldBe(["opened", "resolved"]);
        events[0].At.ShouldBeInRange(T0.AddMinutes(70), T0.AddMinutes(75));
        events[0].IncidentKey.ShouldBe("brand/spike");
        events[1].At.ShouldBeGreaterThan(T0.AddMinutes(80));
        var output = new StringWriter();
        await AlertingCommands.WriteAsync(output, events);
        output.ToString().ShouldContain("1 incident(s) would have opened.");
    }

    /// <summary>The real indexes live in the indexing capability; this fake only streams a list by filter.</summary>
    private sealed class ListMentionIndex(IReadOnlyList<Mention> mentions) : IMentionIndex
    {
        public async IAsyncEnumerable<Mention> ScanAsync(MentionFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            foreach (var m in mentions.Where(m => m.Watches.Contains(filter.Watch) && m.PublishedAt >= filter.From && m.PublishedAt <= filter.To))
            {
                yield return m;
            }
        }

        public Task UpsertAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Mention?> GetAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<MentionSearchResult> SearchAsync(MentionSearch search, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<MentionStats> StatsAsync(MentionStatsRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IndexHealth> HealthAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
