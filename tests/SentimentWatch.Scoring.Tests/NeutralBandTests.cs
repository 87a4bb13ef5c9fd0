using SentimentWatch.Scoring.Models;

namespace SentimentWatch.Scoring.Tests;

public sealed class NeutralBandTests
{
    [Theory]
    [InlineData(0.01f)]
    [InlineData(0.5f)]
    [InlineData(0.99f)]
    public void Three_way_probabilities_sum_to_one(float p)
    {
        var (n, u, q) = new NeutralBand(-1f, 1f, 2f).Probabilities(p);
        (n + u + q).ShouldBe(1f, 1e-5f);
    }

    [Fact]
    public void Fitting_on_labelled_probabilities_puts_neutral_between_negative_and_positive()
    {
        var random = new Random(7);
        var p = new List<float>();
        var labels = new List<int>();
        for (var i = 0; i < 300; i++)
        {
            var label = i % 3;
            var center = label switch { 0 => 0.1, 1 => 0.5, _ => 0.9 };
            p.Add((float)Math.Clamp(center + ((random.NextDouble() - 0.5) * 0.3), 0.01, 0.99));
            labels.Add(label);
        }

        var band = NeutralBand.Fit(p, labels);
        var (from, to) = band.NeutralInterval();
        from.ShouldBeInRange(0.2f, 0.45f);
        to.ShouldBeInRange(0.55f, 0.8f);
    }
}
