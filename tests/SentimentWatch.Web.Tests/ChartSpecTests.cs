using SentimentWatch.Core.Indexing;
using SentimentWatch.Web.Infrastructure;

namespace SentimentWatch.Web.Tests;

/// <summary>
/// Decision 259: in a zone with daylight saving a day bucket is 23 or 25 hours long, so the range a bar zooms to ends where
/// the next bar starts, not 24 hours on (that dropped the last hour of New York's 1 November 2026).
/// </summary>
public sealed class ChartSpecTests
{
    private static StatsBucket Bucket(DateTimeOffset start) => new(start, 1, new Dictionary<string, long> { ["negative"] = 1 });

    [Fact]
    public void A_day_bar_zooms_to_where_the_next_day_starts_so_a_25_hour_day_keeps_its_last_hour()
    {
        var first = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(-4));
        var second = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.FromHours(-5));
        var third = new DateTimeOffset(2026, 11, 3, 0, 0, 0, TimeSpan.FromHours(-5));

        var spec = ChartSpec.SentimentHistogram([Bucket(first), Bucket(second), Bucket(third)], StatsInterval.Day, s => s, zoom: true);

        (second - first).ShouldBe(TimeSpan.FromHours(25));
        var zoom = spec.Zoom.ShouldNotBeNull();
        zoom[0].ShouldBe([ChartSpec.ZoomText(first), ChartSpec.ZoomText(second)]);
        zoom[1].ShouldBe([ChartSpec.ZoomText(second), ChartSpec.ZoomText(third)]);
        zoom[2].ShouldBe([ChartSpec.ZoomText(third), ChartSpec.ZoomText(third + TimeSpan.FromDays(1))], "the last bar ends a day on");

        // As the From and To boxes show it (decision 260): to the minute, in the bucket's offset.
        zoom[0].ShouldBe(["2026-11-01T00:00-04:00", "2026-11-02T00:00-05:00"]);
    }

    [Fact]
    public void A_bar_whose_neighbour_is_days_away_zooms_to_its_own_day()
    {
        var first = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var later = first.AddDays(30);

        var zoom = ChartSpec.SentimentHistogram([Bucket(first), Bucket(later)], StatsInterval.Day, s => s, zoom: true).Zoom.ShouldNotBeNull();

        zoom[0].ShouldBe([ChartSpec.ZoomText(first), ChartSpec.ZoomText(first.AddDays(1))]);
    }
}
