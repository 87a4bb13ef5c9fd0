using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Indexing;

/// <summary>
/// Calendar arithmetic of the stats histogram, shared by both engines so they bucket alike:
/// buckets start at the hour, at midnight or on Monday midnight in the requested UTC offset
/// (what Elasticsearch's <c>calendar_interval</c> with a fixed <c>time_zone</c> does), or in a zone with daylight
/// saving through <see cref="StatsZone"/> when the request names one (decision 259).
/// </summary>
public static class StatsBuckets
{
    private const long HourMs = 3_600_000;
    private const long DayMs = 24 * HourMs;
    private const long WeekMs = 7 * DayMs;

    // 1970-01-01 was a Thursday; shifting by three days lines weeks up on Mondays.
    private const long MondayAlignmentMs = 3 * DayMs;

    /// <summary>Most buckets a histogram fills with zeros, so an hourly view of years cannot exhaust memory.</summary>
    public const int MaxFilledBuckets = 20_000;

    /// <summary>An offset the stats accept: at most 14 hours either way, in quarter hours (what the API and the console's reader offset take).</summary>
    public static bool IsUtcOffset(TimeSpan offset) => Core.Mentions.QueryTime.IsOffset(offset);

    public static long Width(StatsInterval interval) => interval switch
    {
        StatsInterval.Hour => HourMs,
        StatsInterval.Day => DayMs,
        StatsInterval.Week => WeekMs,
        _ => throw new ArgumentOutOfRangeException(nameof(interval)),
    };

    /// <summary>What is added to a Unix time before dividing by the bucket width: the offset, and for weeks the Monday alignment.</summary>
    public static long Shift(StatsInterval interval, TimeSpan utcOffset) =>
        (long)utcOffset.TotalMilliseconds + (interval == StatsInterval.Week ? MondayAlignmentMs : 0);

    public static long Key(long unixMs, StatsInterval interval, TimeSpan utcOffset)
    {
        var shift = Shift(interval, utcOffset);
        return Math.DivRem(unixMs + shift, Width(interval)) is var (quotient, remainder) && remainder < 0 ? quotient - 1 : quotient;
    }

    /// <summary>
    /// The bucket's first instant in the requested offset. At the ends of the calendar (a mention
    /// dated 9999-12-31 seen from +14:00) the local time does not exist: the bucket starts at the
    /// last representable instant, and in UTC when the offset itself would overflow.
    /// </summary>
    public static DateTimeOffset Start(long key, StatsInterval interval, TimeSpan utcOffset)
    {
        var ms = Math.Clamp((key * Width(interval)) - Shift(interval, utcOffset), MinUnixMs, MaxUnixMs);
        var utc = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        var localTicks = utc.UtcTicks + utcOffset.Ticks;
        return localTicks >= DateTime.MinValue.Ticks && localTicks <= DateTime.MaxValue.Ticks ? utc.ToOffset(utcOffset) : utc;
    }

    private static readonly long MinUnixMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxUnixMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>The request's zone with daylight saving, made once per request so its offset periods are found once; null for a fixed offset.</summary>
    public static StatsZone? Zone(MentionStatsRequest request) => request.TimeZone is { } zone ? new StatsZone(zone, request.Interval) : null;

    /// <summary>
    /// Orders the counted buckets and fills the gaps with empty ones (from the filter's From to
    /// its To when given, else between the first and last mention) so a chart has no holes. Keys
    /// are consecutive local hours, days or weeks, so in a zone the filling steps through local days
    /// (a 23- or 25-hour day is one step), and each start carries the zone's offset at that instant.
    /// </summary>
    public static List<StatsBucket> Histogram(
        IReadOnlyDictionary<long, (long Count, Dictionary<string, long>? Groups)> counted,
        MentionStatsRequest request,
        StatsZone? zone = null)
    {
        var interval = request.Interval;
        var offset = request.UtcOffset;
        zone ??= Zone(request);
        Func<long, long> keyOf = zone is null ? ms => Key(ms, interval, offset) : zone.Key;
        Func<long, DateTimeOffset> startOf = zone is null ? key => Start(key, interval, offset) : zone.Start;
        long? first = request.Filter.From is { } from ? keyOf(from.ToUnixTimeMilliseconds()) : null;
        long? last = request.Filter.To is { } to ? keyOf(to.ToUnixTimeMilliseconds() - 1) : null;
        if (counted.Count > 0)
        {
            first ??= counted.Keys.Min();
            last ??= counted.Keys.Max();
        }

        IEnumerable<long> keys = first is { } f && last is { } l && l >= f && l - f < MaxFilledBuckets
            ? Enumerable.Range(0, (int)(l - f + 1)).Select(i => f + i)
            : counted.Keys.Order();
        var empty = new Dictionary<string, long>();
        return keys
            .Select(key => counted.TryGetValue(key, out var bucket)
                ? new StatsBucket(startOf(key), bucket.Count, bucket.Groups ?? empty)
                : new StatsBucket(startOf(key), 0, empty))
            .ToList();
    }

    public static List<TermCount> Top(Dictionary<string, long> counts, int n) =>
        counts
            .OrderByDescending(pair => pair.Value)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Take(n)
            .Select(pair => new TermCount(pair.Key, pair.Value))
            .ToList();
}
