using SentimentWatch.Core.Scoring;
using Xunit.Abstractions;

namespace SentimentWatch.Alerting.Tests.Rules;

/// <summary>
/// The committed command behind decision 051's figure ("the naive one-adjacent-window baseline
/// fires on steady traffic, the hour baseline with a z floor does not"): a simulated week of
/// steady Poisson-like traffic (about 12 negatives and 40 others per 10 minutes, seed 7),
/// evaluated every 5 minutes by both rules. The counts are printed; run with
/// <c>dotnet test tests/SentimentWatch.Alerting.Tests --filter NaiveBaselineFigure --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class NaiveBaselineFigureTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void OnASteadyWeek_TheAdjacentWindowBaselineFires_AndTheShippedHourBaselineNever()
    {
        var random = new Random(7);
        var evidence = new List<MentionEvidence>();
        const int Days = 7;
        for (var minute = 60 * 24 * Days; minute >= 0; minute--)
        {
            for (var i = 0; i < 5; i++)
            {
                var negative = random.NextDouble() < 0.24;
                evidence.Add(Evidence(TimeSpan.FromMinutes(minute) - TimeSpan.FromSeconds(random.Next(60)), negative ? SentimentLabel.Negative : SentimentLabel.Neutral));
            }
        }

        var shipped = new CrisisRule { Id = "hour", Watch = "brand", Kind = CrisisRuleKind.NegativeSpike, Window = TimeSpan.FromMinutes(10), MinCount = 10, Ratio = 3, EscalateAt = 4 };
        var adjacent = shipped with { Id = "adjacent", BaselineWindows = 1, MinZ = 0 };
        var (shippedFired, adjacentFired) = (0, 0);
        evidence.Sort((a, b) => a.At.CompareTo(b.At));
        for (var minute = (60 * 24 * Days) - 80; minute >= 0; minute -= 5)
        {
            var at = Now - TimeSpan.FromMinutes(minute);
            var window = evidence.Where(e => e.At > at - shipped.Lookback && e.At <= at).ToList();
            shippedFired += RuleEvaluation.Evaluate(shipped, "brand", window, at).Count;
            adjacentFired += RuleEvaluation.Evaluate(adjacent, "brand", window, at).Count;
        }

        output.WriteLine($"steady week, evaluated every 5 min: one adjacent baseline window fired {adjacentFired} times, the shipped hour baseline with z >= 3 fired {shippedFired} times");
        shippedFired.ShouldBe(0);
        adjacentFired.ShouldBeGreaterThan(0, "the naive baseline is fooled by a chance-quiet window");
    }

    private static MentionEvidence Evidence(TimeSpan ago, SentimentLabel label) => new()
    {
        WatchId = "brand",
        MentionId = Guid.NewGuid().ToString("N"),
        At = Now - ago,
        Sentiment = label,
        Source = "forum",
        Reach = 10,
        RiskTerms = string.Empty,
        Author = "a",
        Excerpt = "bad service refund",
        Url = "https://example.com/x",
    };
}
