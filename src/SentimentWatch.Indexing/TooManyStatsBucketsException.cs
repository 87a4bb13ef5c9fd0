using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Indexing;

/// <summary>
/// Stats whose buckets (histogram buckets times their groups) pass what the engine allows: Elasticsearch's
/// <c>search.max_buckets</c>. The API answers a 400 on <c>interval</c> saying what to change (decision 254).
/// </summary>
public sealed class TooManyStatsBucketsException(StatsInterval interval, string reason)
    : Exception($"'{interval.ToString().ToLowerInvariant()}' buckets make more buckets than the index allows ({reason}); use a wider interval, a shorter range or no groupBy.")
{
    public StatsInterval Interval { get; } = interval;
}
