using System.Globalization;

namespace SentimentWatch.Alerting;

/// <summary>
/// What the incident's watch (and group) looks like right now, for the one sentence a PR person
/// reads first: mentions and negatives in the last window, their reach, the usual count, and
/// whether it is still growing. Taken at every evaluation, so a recovery notice carries the
/// numbers at recovery, not the last firing ones.
/// </summary>
public sealed record WindowReading
{
    public required DateTimeOffset At { get; init; }
    public required TimeSpan Window { get; init; }
    public required int Mentions { get; init; }
    public required int Negatives { get; init; }

    /// <summary>Summed reach of the negative mentions.</summary>
    public required long NegativeReach { get; init; }

    /// <summary>Negatives per window over the windows before (null when there is no history yet).</summary>
    public double? UsualNegatives { get; init; }

    /// <summary>Negatives in the second half of the window, and in the first half.</summary>
    public required int RecentNegatives { get; init; }
    public required int EarlierNegatives { get; init; }

    public const int BaselineWindows = 6;

    public static WindowReading Read(IReadOnlyList<MentionEvidence> evidence, DateTimeOffset now, TimeSpan window, DateTimeOffset? historySince)
    {
        var start = now - window;
        var half = now - (window / 2);
        var current = evidence.Where(e => e.At > start && e.At <= now).ToList();
        var negatives = current.Where(e => e.IsNegative).ToList();
        var baselineStart = now - (window * (BaselineWindows + 1));
        double? usual = historySince is { } since && since <= baselineStart
            ? evidence.Count(e => e.IsNegative && e.At > baselineStart && e.At <= start) / (double)BaselineWindows
            : null;
        return new WindowReading
        {
            At = now,
            Window = window,
            Mentions = current.Count,
            Negatives = negatives.Count,
            NegativeReach = negatives.Sum(e => e.Reach),
            UsualNegatives = usual,
            RecentNegatives = negatives.Count(e => e.At > half),
            EarlierNegatives = negatives.Count(e => e.At <= half),
        };
    }

    /// <summary>"33 negative posts in the last 10 min (80% of 41), 6.6x the usual 5; 21 of them in the last 5 min, rising; negative reach 412,000."</summary>
    public string Describe()
    {
        var w = Minutes(Window);
        var text = $"{Negatives} negative post{(Negatives == 1 ? "" : "s")} in the last {w} ({Percent(Negatives, Mentions)} of {Mentions})";
        if (UsualNegatives is { } usual)
        {
            text += usual < 0.5 ? ", where there are usually none" : $", {F(Negatives / Math.Max(usual, 1))}x the usual {F(usual)}";
        }

        if (Negatives > 0)
        {
            var trend = RecentNegatives > EarlierNegatives ? "rising" : RecentNegatives < EarlierNegatives ? "slowing" : "steady";
            text += $"; {RecentNegatives} of them in the last {Minutes(Window / 2)}, {trend}; negative reach {NegativeReach.ToString("N0", CultureInfo.InvariantCulture)}";
        }

        return text + ".";
    }

    /// <summary>The recovery sentence: where things stand now against the peak and the usual.</summary>
    public string DescribeRecovery(int peakNegatives) =>
        $"Back to normal: {Negatives} negative of {Mentions} post{(Mentions == 1 ? "" : "s")} in the last {Minutes(Window)}"
        + (UsualNegatives is { } usual ? $" (usually {F(usual)})" : "")
        + $"; at its peak there were {peakNegatives} in {Minutes(Window)}.";

    private static string Minutes(TimeSpan span) =>
        span.TotalHours >= 1 && span.Minutes == 0 ? $"{span.TotalHours:0} h" : $"{span.TotalMinutes:0.#} min";

    private static string Percent(int part, int whole) => whole == 0 ? "0%" : (part / (double)whole).ToString("0%", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
