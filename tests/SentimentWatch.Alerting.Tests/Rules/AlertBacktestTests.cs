using Microsoft.Extensions.Options;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Indexing.Lucene;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Alerting.Tests.Rules;

public sealed class AlertBacktestTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Backtest_OverARealLuceneIndex_ReportsOneSpikeOpeningAndItsResolution()
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
        using var data = new TempDirectory();
        using var index = new LuceneMentionIndex(Path.Combine(data.Path, "index"));
        await index.UpsertAsync(history, default);
        (await index.HealthAsync(default)).DocumentCount.ShouldBe(history.Count);
        var backtest = new AlertBacktest(index, options);

        var events = await backtest.RunAsync("brand", T0.AddMinutes(60), T0.AddMinutes(119), TimeSpan.FromMinutes(1), default);

        events.Select(e => e.What).ShouldBe(["opened", "resolved"]);
        events[0].At.ShouldBeInRange(T0.AddMinutes(70), T0.AddMinutes(75));
        events[0].IncidentKey.ShouldBe("brand/spike");
        events[1].At.ShouldBeGreaterThan(T0.AddMinutes(80));
        var output = new StringWriter();
        await AlertingCommands.WriteAsync(output, events);
        output.ToString().ShouldContain("1 incident(s) would have opened.");
    }
}
