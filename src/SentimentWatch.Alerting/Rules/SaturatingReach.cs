namespace SentimentWatch.Alerting;

/// <summary>
/// Reach as alerting adds it up over a window, saturating at <see cref="long.MaxValue"/>: reach is whatever a site or
/// an intake caller said, and a checked sum would throw and make the desk skip the mention (a crisis post unalerted),
/// a plain one would wrap to a negative reach. One mention's reach is <see cref="Core.Mentions.Engagement.Total"/>,
/// which saturates too.
/// </summary>
public static class SaturatingReach
{
    public static long Sum(IEnumerable<long> values)
    {
        var total = 0L;
        foreach (var value in values)
        {
            total = Add(total, value);
        }

        return total;
    }

    public static long Add(long a, long b)
    {
        var sum = unchecked(a + b);

        // Overflow only when both have the same sign and the sum has the other one.
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? long.MinValue : long.MaxValue) : sum;
    }
}
