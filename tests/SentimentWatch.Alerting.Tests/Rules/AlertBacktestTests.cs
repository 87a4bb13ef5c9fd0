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
        events[0].IncidentKey.ShouldBe("brand");
        events[1].At.ShouldBeGreaterThan(T0.AddMinutes(80));
        var output = new StringWriter();
        await AlertingCommands.WriteAsync(output, events);
        output.ToString().ShouldContain("1 incident(s) would have opened.");
    }

    [Fact]
    public async Task Backtest_CountsAStormThatTripsThreeRuleKindsAsOneIncident_AndALaterStormAsAnother()
    {
        var history = new List<Mention>();
        for (var minute = 0; minute < 240; minute++)
        {
            var at = T0.AddMinutes(minute);
            if (minute % 3 == 0)
            {
                history.Add(Mentions.Negative(at));
            }

            history.Add(Mentions.Neutral(at));
            if (minute is (>= 70 and < 80) or (>= 170 and < 180))
            {
                history.AddRange(Enumerable.Range(0, 4).Select(i => Mentions.Negative(at.AddSeconds(10 + i), text: "食物中毒 after the salad")));
                if (minute % 10 == 5)
                {
                    history.Add(Mentions.Negative(at.AddSeconds(30), text: "they poisoned my kids", reach: 500_000));
                }
            }
        }

        var options = Options.Create(new AlertingOptions
        {
            Rules =
            [
                new CrisisRuleOptions { Id = "spike", Watch = "brand", Kind = "negativeSpike", MinCount = 10, Ratio = 3, EscalateAt = 10, ClearFor = TimeSpan.FromMinutes(15) },
                new CrisisRuleOptions { Id = "risk", Watch = "brand", Kind = "riskTerms", MinCount = 2, Terms = ["食物中毒"], EscalateAt = 10, ClearFor = TimeSpan.FromMinutes(15) },
                new CrisisRuleOptions { Id = "loud", Watch = "*", Kind = "influencer", MinReach = 100_000, EscalateAt = 10, ClearFor = TimeSpan.FromMinutes(15) },
            ],
        });
        using var data = new TempDirectory();
        using var index = new LuceneMentionIndex(Path.Combine(data.Path, "index"));
        await index.UpsertAsync(history, default);
        var backtest = new AlertBacktest(index, options);

        var events = await backtest.RunAsync("brand", T0.AddMinutes(60), T0.AddMinutes(239), TimeSpan.FromMinutes(1), default);

        events.Count(e => e.What == "opened").ShouldBe(2, "two storms, two incidents (not six)");
        events.Count(e => e.What == "resolved").ShouldBe(2);
        events.Where(e => e.What == "opened").Select(e => e.IncidentKey).ShouldAllBe(k => k == "brand");
        events.Where(e => e.What == "opened").First().At.ShouldBeInRange(T0.AddMinutes(70), T0.AddMinutes(72));
        events.Where(e => e.What == "opened").Last().At.ShouldBeInRange(T0.AddMinutes(170), T0.AddMinutes(172));
        var resolvedFirst = events.First(e => e.What == "resolved");
        resolvedFirst.Summary.ShouldContain("spike");
        resolvedFirst.Summary.ShouldContain("risk");
        resolvedFirst.Summary.ShouldContain("loud");
    }

    /// <summary>Decision 260: the verb reads its period as the API reads a query's; a date as --to includes its day.</summary>
    [Fact]
    public void TheVerbsPeriod_IsReadAsTheApiReadsAQuerys()
    {
        AlertingCommands.ReadPeriod("2026-11-05", "2026-11-05", out var from, out var to).ShouldBeNull();
        (from, to).ShouldBe((new DateTimeOffset(2026, 11, 5, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 6, 0, 0, 0, TimeSpan.Zero)));

        AlertingCommands.ReadPeriod("2026-11-05T08:00:00+08:00", "2026-11-05T12:00", out from, out to).ShouldBeNull();
        (from, to).ShouldBe((new DateTimeOffset(2026, 11, 5, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 5, 12, 0, 0, TimeSpan.Zero)));

        AlertingCommands.ReadPeriod("yesterday", "2026-11-05", out _, out _).ShouldNotBeNull().ShouldStartWith("--from 'yesterday'");
        AlertingCommands.ReadPeriod("2026-11-05", "2026-11-04", out _, out _).ShouldNotBeNull().ShouldContain("must be after --from");
        AlertingCommands.ReadPeriod("0001-01-01", "2026-11-05", out _, out _).ShouldNotBeNull().ShouldStartWith("--from '0001-01-01' is outside the searchable range 2000-01-01");
        AlertingCommands.ReadPeriod("2026-11-05", "9999-12-31", out _, out _).ShouldNotBeNull().ShouldStartWith("--to '9999-12-31' is outside");
        AlertingCommands.ReadPeriod("1998-01-01", "1998-02-01", out from, out _, new MentionDateOptions { EarliestPublishedAt = new(1995, 1, 1, 0, 0, 0, TimeSpan.Zero) })
            .ShouldBeNull("the configured window, as the API's");
        from.ShouldBe(new DateTimeOffset(1998, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }
}
