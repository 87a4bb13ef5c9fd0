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

    /// <summary>
    /// What each signal that holds counted when the reading was taken, strongest first (decision 225): the
    /// sentence leads with what fired, and the reading's window is the lead signal's. Empty on readings from before it.
    /// </summary>
    public IReadOnlyList<FiredSignal> Fired { get; init; } = [];

    public const int BaselineWindows = 6;

    public static WindowReading Read(IReadOnlyList<MentionEvidence> evidence, DateTimeOffset now, TimeSpan window, DateTimeOffset? historySince,
        IReadOnlyList<FiredSignal>? fired = null)
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
            Fired = fired ?? [],
        };
    }

    /// <summary>"3 posts with high-risk terms (食物中毒) in 30 min from 3 authors; one negative post with a reach of 300,000. Negative posts in the last 30 min: …"</summary>
    public string Describe() => Describe(chinese: false);

    /// <summary>
    /// The lead sentence in English or in Chinese: what fired, strongest signal first, with its rule's window; then the
    /// watch's negatives in that same window against the usual, and whether they are still growing.
    /// </summary>
    public string Describe(bool chinese)
    {
        var fired = Fired.Where(f => f.Kind != CrisisRuleKind.SourceSilent).ToList();
        if (fired.Count == 0)
        {
            return Context(chinese, lead: true);
        }

        var phrases = new List<string>();
        TimeSpan? previous = null;
        foreach (var signal in fired)
        {
            phrases.Add(signal.Phrase(chinese, withWindow: previous != signal.Window));
            previous = signal.Window;
        }

        var what = string.Join(chinese ? "；" : "; ", phrases);
        return chinese ? $"{what}。{Context(chinese, lead: false)}" : $"{char.ToUpperInvariant(what[0])}{what[1..]}. {Context(chinese, lead: false)}";
    }

    /// <summary>The watch's negatives in the window: against the usual (a multiple only when it is one), the last half, the reach.</summary>
    private string Context(bool chinese, bool lead)
    {
        var w = Minutes(Window, chinese);
        var reach = NegativeReach.ToString("N0", CultureInfo.InvariantCulture);
        var ratio = UsualNegatives is { } usual0 ? Negatives / Math.Max(usual0, 1) : 0;
        if (chinese)
        {
            var zh = lead ? $"近 {w}负面 {Negatives} 条（占 {Mentions} 条的 {Percent(Negatives, Mentions)}）" : $"近 {w}负面帖子共 {Negatives} 条（占 {Mentions} 条的 {Percent(Negatives, Mentions)}）";
            if (UsualNegatives is { } u)
            {
                zh += u < 0.5 ? "，平时几乎没有" : ratio >= RatioWorthSaying ? $"，为平时（{UsualCount(u, Window, true)}）的 {F(ratio)} 倍" : $"，平时{UsualCount(u, Window, true)}";
            }

            if (Negatives > 0)
            {
                var trend = RecentNegatives > EarlierNegatives ? "仍在上升" : RecentNegatives < EarlierNegatives ? "已在放缓" : "持平";
                zh += $"；其中近 {Minutes(Window / 2, chinese)} {RecentNegatives} 条，{trend}；负面触达 {reach}";
            }

            return zh + "。";
        }

        var text = lead
            ? $"{Negatives} negative post{(Negatives == 1 ? "" : "s")} in the last {w} ({Percent(Negatives, Mentions)} of {Mentions})"
            : $"Negative posts in the last {w}: {Negatives} of {Mentions} ({Percent(Negatives, Mentions)})";
        if (UsualNegatives is { } usual)
        {
            text += usual < 0.5 ? ", where there are usually none" : ratio >= RatioWorthSaying ? $", {F(ratio)}x the usual ({UsualCount(usual, Window, false)})" : $", usually {UsualCount(usual, Window, false)}";
        }

        if (Negatives > 0)
        {
            var trend = RecentNegatives > EarlierNegatives ? "rising" : RecentNegatives < EarlierNegatives ? "slowing" : "steady";
            text += $"; {RecentNegatives} of them in the last {Minutes(Window / 2, chinese)}, {trend}; negative reach {reach}";
        }

        return text + ".";
    }

    /// <summary>Below this multiple of the usual, "0.8x the usual" would read as calm: the usual count is given instead.</summary>
    private const double RatioWorthSaying = 1.5;

    /// <summary>The recovery sentence: where things stand now against the peak and the usual.</summary>
    public string DescribeRecovery(int peakNegatives) => DescribeRecovery(peakNegatives, chinese: false);

    public string DescribeRecovery(int peakNegatives, bool chinese) => chinese
        ? $"已恢复正常：近 {Minutes(Window, true)} {Mentions} 条中负面 {Negatives} 条"
            + (UsualNegatives is { } u ? (u < 0.5 ? "（平时几乎没有）" : $"（平时{UsualCount(u, Window, true)}）") : "")
            + $"；高峰时 {Minutes(Window, true)}内负面 {peakNegatives} 条。"
        : $"Back to normal: {Negatives} negative of {Mentions} post{(Mentions == 1 ? "" : "s")} in the last {Minutes(Window, false)}"
            + (UsualNegatives is { } usual ? (usual < 0.5 ? " (usually none)" : $" (usually {UsualCount(usual, Window, false)})") : "")
            + $"; at its peak there were {peakNegatives} in {Minutes(Window, false)}.";

    private static string Minutes(TimeSpan span, bool chinese) => MessageStyle.Span(span, chinese);

    /// <summary>
    /// A usual count as a person says it, with its unit: "about 3 per 30 min" / "每 30 分钟约 3 条" ("3 per 30 min" when it is
    /// whole). The usual is an average over past windows (3.3), but nobody woken at 3 a.m. counts posts in tenths, and
    /// "usually 3.3" did not say per what.
    /// </summary>
    internal static string UsualCount(double usual, TimeSpan window, bool chinese)
    {
        var rounded = Math.Round(usual, MidpointRounding.AwayFromZero);
        var about = Math.Abs(usual - rounded) >= 0.05;
        var count = rounded.ToString("0", CultureInfo.InvariantCulture);
        var w = Minutes(window, chinese);
        return chinese ? $"每 {w}{(about ? "约 " : " ")}{count} 条" : $"{(about ? "about " : "")}{count} per {w}";
    }

    private static string Percent(int part, int whole) => whole == 0 ? "0%" : (part / (double)whole).ToString("0%", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}

/// <summary>What one signal counted when it held: the lead sentence's words for it ("3 posts with high-risk terms (食物中毒) in 30 min from 3 authors").</summary>
public sealed record FiredSignal(CrisisRuleKind Kind, int Count, int Authors, long TopReach, double Measured, double Threshold, double? Baseline, TimeSpan Window, int Total,
    IReadOnlyList<string> Terms)
{
    public static FiredSignal From(Finding f) =>
        new(f.Kind, f.Count, f.Authors, f.TopReach, f.Measured, f.Threshold, f.Baseline, f.WindowEnd - f.WindowStart, f.WindowTotal, f.Terms);

    public string Phrase(bool chinese, bool withWindow)
    {
        var w = MessageStyle.Span(Window, chinese);
        var reach = TopReach.ToString("N0", CultureInfo.InvariantCulture);
        if (chinese)
        {
            var terms = string.Join("、", Terms);
            // "10 分钟内 3 条…" but "10 分钟内负面帖子 12 条": a space between a word and a number, none between words.
            var within = withWindow ? $"{w}内" : "";
            var withinNumber = withWindow ? $"{w}内 " : "";
            return Kind switch
            {
                CrisisRuleKind.RiskTerms => $"{withinNumber}{Count} 条帖子含高风险词（{terms}），来自 {Authors} 位作者",
                CrisisRuleKind.Influencer => Count == 1
                    ? $"{withinNumber}1 条负面帖子触达 {reach}"
                    : $"{withinNumber}{Count} 条负面帖子触达不低于 {N(Threshold)}（最大 {reach}）",
                CrisisRuleKind.NegativeSpike => $"{within}负面帖子 {Count} 条" + (Baseline is { } b ? b < 0.5 ? "，平时几乎没有" : $"，为平时（{WindowReading.UsualCount(b, Window, true)}）的 {F(Count / Math.Max(b, 1))} 倍" : ""),
                CrisisRuleKind.NegativeShare => $"{withinNumber}{Total} 条帖子中负面占 {P(Measured)}",
                CrisisRuleKind.EmergingTopic => $"新词 {terms}：{withinNumber}{Count} 条帖子，来自 {Authors} 位作者",
                _ => $"危机评分 {F(Measured)}（{within}负面帖子 {Count} 条）",
            };
        }

        var termsEn = string.Join(", ", Terms);
        var inWindow = withWindow ? $" in {w}" : "";
        return Kind switch
        {
            CrisisRuleKind.RiskTerms => $"{Posts(Count)} with high-risk terms ({termsEn}){inWindow} from {Counted(Authors, "author")}",
            CrisisRuleKind.Influencer => Count == 1
                ? $"one negative post with a reach of {reach}{inWindow}"
                : $"{Count} negative posts with a reach of at least {N(Threshold)}{inWindow} (largest {reach})",
            CrisisRuleKind.NegativeSpike => $"{Posts(Count, "negative")}{inWindow}" + (Baseline is { } b ? b < 0.5 ? ", where there are usually none" : $", {F(Count / Math.Max(b, 1))}x the usual ({WindowReading.UsualCount(b, Window, false)})" : ""),
            CrisisRuleKind.NegativeShare => $"{P(Measured)} of {Posts(Total)}{inWindow} negative",
            CrisisRuleKind.EmergingTopic => $"new term{(Terms.Count == 1 ? "" : "s")} {termsEn} in {Posts(Count)} from {Counted(Authors, "author")}{inWindow}",
            _ => $"crisis score {F(Measured)} on {Posts(Count, "negative")}{inWindow}",
        };
    }

    private static string Posts(int count, string adjective = "") => Counted(count, adjective.Length == 0 ? "post" : $"{adjective} post");

    /// <summary>"1 author", "3 authors".</summary>
    private static string Counted(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string P(double share) => share.ToString("0%", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
