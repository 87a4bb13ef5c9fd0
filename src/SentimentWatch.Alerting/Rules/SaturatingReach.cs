using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Alerting;

/// <summary>
/// Reach and engagement as alerting adds them up: saturating at <see cref="long.MaxValue"/>. They are whatever a
/// site or an intake caller says, up to <see cref="long.MaxValue"/>; a checked sum would throw and make the desk
/// skip the mention (a crisis post unalerted), a plain one would wrap to a negative reach.
/// </summary>
public static class SaturatingReach
{
    /// <summary>What <see cref="Engagement.Total"/> means (followers/views, else interactions), with the interactions added without wrapping.</summary>
    public static long Of(Engagement engagement) =>
        Math.Max(engagement.Reach, Add(Add(engagement.Likes, engagement.Replies), engagement.Shares));

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
