using System.Text.Json;
using System.Text.Json.Serialization;
using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// What a chart shows, as JSON in the page (a <c>script type="application/json"</c> block that
/// console.js hands to Chart.js): pages stay free of inline script.
/// </summary>
public sealed record ChartSpec
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string Type { get; init; } = "bar";

    /// <summary>Bucket starts (ISO 8601) for time axes; the browser labels them in its own time zone.</summary>
    public IReadOnlyList<string>? Starts { get; init; }

    public string? Interval { get; init; }

    public IReadOnlyList<string>? Labels { get; init; }

    public required IReadOnlyList<ChartSeries> Datasets { get; init; }

    public bool Stacked { get; init; }

    /// <summary>Per bar, the [from, to] a click zooms the page to.</summary>
    public IReadOnlyList<string[]>? Zoom { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static readonly string[] Sentiments = ["negative", "neutral", "positive"];

    /// <summary>Mentions per bucket stacked by sentiment, from the index's histogram.</summary>
    public static ChartSpec SentimentHistogram(IReadOnlyList<StatsBucket> buckets, StatsInterval interval, Func<string, string> label, bool zoom = false)
    {
        var width = Width(interval);
        return new ChartSpec
        {
            Starts = [.. buckets.Select(b => b.Start.ToString("O"))],
            Interval = interval.ToString().ToLowerInvariant(),
            Stacked = true,
            Datasets = [.. Sentiments.Select(s => new ChartSeries(label(s), [.. buckets.Select(b => (double)b.Groups.GetValueOrDefault(s))], s))],
            Zoom = zoom ? [.. buckets.Select((b, i) => new[] { ZoomText(b.Start), ZoomText(End(buckets, i, width)) })] : null,
        };
    }

    /// <summary>
    /// Where a bucket ends: where the next one starts, since in a zone with daylight saving a day is 23 or 25 hours (decision
    /// 259) and a zoom to start + 24 h would drop a 25-hour day's last hour or take the next day's first. The last bucket, or
    /// one whose neighbour is further than a bucket and an hour away (an unfilled gap), ends a nominal width on.
    /// </summary>
    private static DateTimeOffset End(IReadOnlyList<StatsBucket> buckets, int index, TimeSpan width)
    {
        var start = buckets[index].Start;
        return index + 1 < buckets.Count && buckets[index + 1].Start > start && buckets[index + 1].Start - start <= width + TimeSpan.FromHours(1)
            ? buckets[index + 1].Start
            : start + width;
    }

    /// <summary>
    /// A zoom's end as the search's From and To boxes show it: the instant to the minute in the bucket's own offset
    /// (2026-11-05T00:00+08:00), not the round-trip form with seven zeros of fractions (decision 260).
    /// </summary>
    public static string ZoomText(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mmzzz", System.Globalization.CultureInfo.InvariantCulture);

    public static TimeSpan Width(StatsInterval interval) => interval switch
    {
        StatsInterval.Hour => TimeSpan.FromHours(1),
        StatsInterval.Day => TimeSpan.FromDays(1),
        _ => TimeSpan.FromDays(7),
    };

    /// <summary>The widest bucket that still draws at least a dozen bars over the range.</summary>
    public static StatsInterval IntervalFor(TimeSpan range) =>
        range <= TimeSpan.FromDays(3) ? StatsInterval.Hour : range <= TimeSpan.FromDays(120) ? StatsInterval.Day : StatsInterval.Week;
}

public sealed record ChartSeries(string Label, IReadOnlyList<double> Data, string? Color = null);
