using System.Globalization;
using SentimentWatch.Core.Incidents;

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

    /// <summary>Summed reach of the negative mentions (at most <see cref="long.MaxValue"/>).</summary>
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
            NegativeReach = SaturatingReach.Sum(negatives.Select(e => e.Reach)),
            UsualNegatives = usual,
            RecentNegatives = negatives.Count(e => e.At > half),
            EarlierNegatives = negatives.Count(e => e.At <= half),
        };
    }

    /// <summary>"33 negative posts in the last 10 min (80% of 41), 6.6x the usual 5; 21 of them in the last 5 min, rising; negative reach 412,000."</summary>
    public string Describe() => Describe(chinese: false);

    /// <summary>The same sentence in English or in Chinese ("近 10 分钟负面 33 条（占 41 条的 80%），为平时 5 条的 6.6 倍；…").</summary>
    public string Describe(bool chinese)
    {
        var w = Minutes(Window, chinese);
        var reach = NegativeReach.ToString("N0", CultureInfo.InvariantCulture);
        if (chinese)
        {
            var zh = $"近 {w}负面 {Negatives} 条（占 {Mentions} 条的 {Percent(Negatives, Mentions)}）";
            if (UsualNegatives is { } u)
            {
                zh += u < 0.5 ? "，平时几乎没有" : $"，为平时 {F(u)} 条的 {F(Negatives / Math.Max(u, 1))} 倍";
            }

            if (Negatives > 0)
            {
                var trend = RecentNegatives > EarlierNegatives ? "仍在上升" : RecentNegatives < EarlierNegatives ? "已在放缓" : "持平";
                zh += $"；其中近 {Minutes(Window / 2, chinese)} {RecentNegatives} 条，{trend}；负面触达 {reach}";
            }

            return zh + "。";
        }

        var text = $"{Negatives} negative post{(Negatives == 1 ? "" : "s")} in the last {w} ({Percent(Negatives, Mentions)} of {Mentions})";
        if (UsualNegatives is { } usual)
        {
            text += usual < 0.5 ? ", where there are usually none" : $", {F(Negatives / Math.Max(usual, 1))}x the usual {F(usual)}";
        }

        if (Negatives > 0)
        {
            var trend = RecentNegatives > EarlierNegatives ? "rising" : RecentNegatives < EarlierNegatives ? "slowing" : "steady";
            text += $"; {RecentNegatives} of them in the last {Minutes(Window / 2, chinese)}, {trend}; negative reach {reach}";
        }

        return text + ".";
    }

    /// <summary>The recovery sentence: where things stand now against the peak and the usual.</summary>
    public string DescribeRecovery(int peakNegatives) => DescribeRecovery(peakNegatives, chinese: false);

    public string DescribeRecovery(int peakNegatives, bool chinese) => chinese
        ? $"已恢复正常：近 {Minutes(Window, true)} {Mentions} 条中负面 {Negatives} 条"
            + (UsualNegatives is { } u ? $"（平时 {F(u)} 条）" : "")
            + $"；高峰时 {Minutes(Window, true)}内负面 {peakNegatives} 条。"
        : $"Back to normal: {Negatives} negative of {Mentions} post{(Mentions == 1 ? "" : "s")} in the last {Minutes(Window, false)}"
            + (UsualNegatives is { } usual ? $" (usually {F(usual)})" : "")
            + $"; at its peak there were {peakNegatives} in {Minutes(Window, false)}.";

    private static string Minutes(TimeSpan span, bool chinese) => MessageStyle.Span(span, chinese);

    private static string Percent(int part, int whole) => whole == 0 ? "0%" : (part / (double)whole).ToString("0%", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
