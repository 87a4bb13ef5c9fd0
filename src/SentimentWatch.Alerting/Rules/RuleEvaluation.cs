using System.Globalization;
using System.Text;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Text;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Alerting;

/// <summary>
/// Decides, from the evidence of one watch, whether a rule's condition holds now. Pure: the
/// same evidence and clock give the same findings, which is what makes re-delivery harmless
/// and backtests possible.
/// </summary>
public static class RuleEvaluation
{
    /// <summary>Documented crisisScore weights (they sum to 1).</summary>
    public const double VelocityWeight = 0.30, NegativeShareWeight = 0.25, ReachWeight = 0.15, AuthorsWeight = 0.15, RiskWeight = 0.15;

    /// <param name="historySince">
    /// When the evidence history of an incident group (<c>""</c> for the watch, <c>source:x</c>, …)
    /// begins; rules that compare with a baseline stay quiet until it spans their configured
    /// history (cold start). Null means the history is complete (tests, replays of full history).
    /// </param>
    public static IReadOnlyList<Finding> Evaluate(CrisisRule rule, string watchId, IReadOnlyList<MentionEvidence> evidence, DateTimeOffset now,
        Func<string, DateTimeOffset?>? historySince = null)
    {
        var windowStart = now - rule.Window;
        var baselineStart = now - rule.Lookback;
        var current = evidence.Where(e => e.At > windowStart && e.At <= now).ToList();
        var baseline = evidence.Where(e => e.At > baselineStart && e.At <= windowStart).ToList();

        if (rule.Kind == CrisisRuleKind.SourceSilent)
        {
            return [];
        }

        if (rule.Kind == CrisisRuleKind.EmergingTopic)
        {
            return historySince is null || rule.IsBaselineReady(historySince(""), now) ? EmergingTerms(rule, watchId, current, baseline, windowStart, now) : [];
        }

        var findings = new List<Finding>();
        foreach (var group in Groups(rule.GroupBy, current))
        {
            if (historySince is not null && !rule.IsBaselineReady(historySince(IncidentKeys.GroupFor(rule.GroupBy, group.Key)), now))
            {
                continue;
            }

            var groupBaseline = rule.GroupBy == EvidenceGrouping.None ? baseline : baseline.Where(e => KeyOf(rule.GroupBy, e) == group.Key).ToList();
            var finding = EvaluateGroup(rule, watchId, group.Key, group.Value, groupBaseline, windowStart, now);
            if (finding is not null)
            {
                findings.Add(finding);
            }
        }

        return findings;
    }

    /// <summary>Most new terms reported per evaluation, so a flood of new vocabulary is not a storm.</summary>
    public const int MaxEmergingTerms = 3;

    /// <summary>
    /// emergingTopic: terms (words, Chinese bigrams, risk terms, topics) that never occur in the
    /// baseline windows and now occur in mentions of at least MinCount distinct authors. Terms
    /// carried by exactly the same mentions (overlapping bigrams of one phrase) are one finding.
    /// </summary>
    private static List<Finding> EmergingTerms(CrisisRule rule, string watchId, List<MentionEvidence> current, List<MentionEvidence> baseline, DateTimeOffset windowStart, DateTimeOffset now)
    {
        var known = new HashSet<string>(baseline.SelectMany(TermsOf), StringComparer.OrdinalIgnoreCase);
        var byTerm = new Dictionary<string, List<MentionEvidence>>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in current)
        {
            foreach (var term in TermsOf(e).Distinct(StringComparer.OrdinalIgnoreCase).Where(t => !known.Contains(t)))
            {
                (byTerm.TryGetValue(term, out var list) ? list : byTerm[term] = []).Add(e);
            }
        }

        var window = Describe(rule.Window);
        return byTerm
            .Select(kv => (Term: kv.Key, Mentions: kv.Value, Authors: kv.Value.Select(e => e.Author ?? e.MentionId).Distinct(StringComparer.Ordinal).Count()))
            .Where(t => t.Authors >= rule.MinCount)
            .GroupBy(t => string.Join(',', t.Mentions.Select(e => e.MentionId).Order(StringComparer.Ordinal)))
            .Select(g => g.OrderBy(t => t.Term, StringComparer.Ordinal).ToList())
            .OrderByDescending(g => g[0].Authors).ThenBy(g => g[0].Term, StringComparer.Ordinal)
            .Take(MaxEmergingTerms)
            .Select(g =>
            {
                var (term, mentions, authors) = g[0];
                var terms = string.Join(", ", g.Select(t => t.Term));
                var finding = Build(rule, watchId, term, authors, rule.MinCount, mentions, 0, current.Count, windowStart, now,
                    $"new term{(g.Count == 1 ? "" : "s")} {terms} in {Mentions(mentions.Count)} by {authors} distinct author{(authors == 1 ? "" : "s")} in the last {window}; absent from the {Describe(rule.Window * rule.BaselineWindows)} before",
                    $"新词 {terms}：近 {Zh(rule.Window)}有 {mentions.Count} 条提及，来自 {authors} 位作者；此前 {Zh(rule.Window * rule.BaselineWindows)}从未出现",
                    g.Select(t => t.Term).ToArray());
                return finding;
            })
            .ToList();
    }

    private static IEnumerable<string> TermsOf(MentionEvidence e) =>
        Tokens(e.Excerpt).Concat(e.RiskTermList).Concat(e.Topic is null ? [] : [e.Topic]);

    private static IEnumerable<KeyValuePair<string, List<MentionEvidence>>> Groups(EvidenceGrouping grouping, List<MentionEvidence> current) =>
        grouping == EvidenceGrouping.None
            ? [new(string.Empty, current)]
            : current.GroupBy(e => KeyOf(grouping, e)).Select(g => new KeyValuePair<string, List<MentionEvidence>>(g.Key, g.ToList()));

    private static string KeyOf(EvidenceGrouping grouping, MentionEvidence e) => grouping switch
    {
        EvidenceGrouping.Source => e.Source,
        EvidenceGrouping.Topic => e.Topic ?? "none",
        _ => string.Empty,
    };

    private static Finding? EvaluateGroup(CrisisRule rule, string watchId, string group, List<MentionEvidence> current, List<MentionEvidence> baseline, DateTimeOffset windowStart, DateTimeOffset now)
    {
        var negatives = current.Where(e => e.IsNegative).ToList();
        var baselineNegatives = baseline.Count(e => e.IsNegative) / (double)rule.BaselineWindows;
        var baselineTotal = baseline.Count / (double)rule.BaselineWindows;
        var window = Describe(rule.Window);
        switch (rule.Kind)
        {
            case CrisisRuleKind.NegativeSpike when rule.IsHourOfWeek:
                return HourOfWeekSpike(rule, watchId, group, negatives, baseline, current.Count, windowStart, now);

            case CrisisRuleKind.NegativeSpike:
            {
                var ratio = negatives.Count / Math.Max(baselineNegatives, 1);
                var z = (negatives.Count - baselineNegatives) / Math.Sqrt(Math.Max(baselineNegatives, 1));
                if (negatives.Count < rule.MinCount || ratio < rule.Ratio || z < rule.MinZ)
                {
                    return null;
                }

                return Build(rule, watchId, group, ratio, rule.Ratio, negatives, baselineNegatives, current.Count, windowStart, now,
                    $"{Mentions(negatives.Count, "negative")} in the last {window} vs {F(baselineNegatives)} per {window} in the {Describe(rule.Window * rule.BaselineWindows)} before ({F(ratio)}x, threshold {F(rule.Ratio)}x; z {F(z)})",
                    $"近 {Zh(rule.Window)}负面 {negatives.Count} 条，此前 {Zh(rule.Window * rule.BaselineWindows)}平均每 {Zh(rule.Window)} {F(baselineNegatives)} 条（{F(ratio)} 倍，阈值 {F(rule.Ratio)} 倍；z {F(z)}）");
            }

            case CrisisRuleKind.NegativeShare:
            {
                var share = current.Count == 0 ? 0 : negatives.Count / (double)current.Count;
                if (current.Count < rule.MinCount || share < rule.Threshold)
                {
                    return null;
                }

                var baselineShare = baselineTotal == 0 ? 0 : baselineNegatives / baselineTotal;
                return Build(rule, watchId, group, share, rule.Threshold, negatives, baselineNegatives, current.Count, windowStart, now,
                    $"{P(share)} of {Mentions(current.Count)} in the last {window} are negative (threshold {P(rule.Threshold)}; {P(baselineShare)} in the {Describe(rule.Window * rule.BaselineWindows)} before)",
                    $"近 {Zh(rule.Window)} {current.Count} 条提及中负面占 {P(share)}（阈值 {P(rule.Threshold)}；此前 {Zh(rule.Window * rule.BaselineWindows)}为 {P(baselineShare)}）");
            }

            case CrisisRuleKind.RiskTerms:
            {
                var risky = negatives.Where(e => MatchedTerms(rule, e).Any()).ToList();
                if (risky.Count < rule.MinCount)
                {
                    return null;
                }

                var terms = risky.SelectMany(e => MatchedTerms(rule, e)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
                return Build(rule, watchId, group, risky.Count, rule.MinCount, risky, null, current.Count, windowStart, now,
                    $"{Mentions(risky.Count, "negative")} with high-risk terms ({string.Join(", ", terms)}) in the last {window} (threshold {rule.MinCount})",
                    $"近 {Zh(rule.Window)}含高风险词（{string.Join("、", terms)}）的负面提及 {risky.Count} 条（阈值 {rule.MinCount}）", terms);
            }

            case CrisisRuleKind.Influencer:
            {
                var loud = negatives.Where(e => e.Reach >= rule.MinReach).ToList();
                if (loud.Count < rule.MinCount)
                {
                    return null;
                }

                var top = loud.Max(e => e.Reach);
                return Build(rule, watchId, group, top, rule.MinReach, loud, null, current.Count, windowStart, now,
                    $"{Mentions(loud.Count, "negative")} with reach of at least {rule.MinReach:N0} in the last {window} (largest {top:N0})",
                    $"近 {Zh(rule.Window)}触达不低于 {N(rule.MinReach)} 的负面提及 {loud.Count} 条（最大 {N(top)}）");
            }

            default:
            {
                var score = CrisisScore(rule, negatives, baselineNegatives, current.Count, out var parts, out var partsZh);
                if (negatives.Count < rule.MinCount || score < rule.Threshold)
                {
                    return null;
                }

                return Build(rule, watchId, group, score, rule.Threshold, negatives, baselineNegatives, current.Count, windowStart, now,
                    $"crisis score {F(score)} (threshold {F(rule.Threshold)}): {parts}",
                    $"危机评分 {F(score)}（阈值 {F(rule.Threshold)}）：{partsZh}");
            }
        }
    }

    /// <summary>
    /// negativeSpike against the same window at the same time of week in each of the
    /// BaselineWeeks weeks before: z = (n - mean) / sigma, where sigma is the larger of the
    /// Poisson deviation sqrt(mean) (at least 1) and the empirical deviation of the weekly
    /// counts, so a surge that recurs every week at that hour is expected and an irregular one
    /// needs more to stand out.
    /// </summary>
    private static Finding? HourOfWeekSpike(CrisisRule rule, string watchId, string group, List<MentionEvidence> negatives, List<MentionEvidence> baseline,
        int total, DateTimeOffset windowStart, DateTimeOffset now)
    {
        var weekly = new double[rule.BaselineWeeks];
        for (var week = 1; week <= rule.BaselineWeeks; week++)
        {
            var end = rule.WeeksBefore(now, week);
            var start = end - rule.Window;
            weekly[week - 1] = baseline.Count(e => e.IsNegative && e.At > start && e.At <= end);
        }

        var mean = weekly.Average();
        var empirical = weekly.Length < 2 ? 0 : Math.Sqrt(weekly.Sum(c => (c - mean) * (c - mean)) / (weekly.Length - 1));
        var sigma = Math.Max(Math.Sqrt(Math.Max(mean, 1)), empirical);
        var z = (negatives.Count - mean) / sigma;
        if (negatives.Count < rule.MinCount || z < rule.MinZ)
        {
            return null;
        }

        var window = Describe(rule.Window);
        return Build(rule, watchId, group, z, rule.MinZ, negatives, mean, total, windowStart, now,
            $"{Mentions(negatives.Count, "negative")} in the last {window} vs {F(mean)} (std {F(sigma)}) in the same {window} of the week over the {rule.BaselineWeeks} weeks before (z {F(z)}, threshold {F(rule.MinZ)})",
            $"近 {Zh(rule.Window)}负面 {negatives.Count} 条，此前 {rule.BaselineWeeks} 周每周同一时段平均 {F(mean)} 条（标准差 {F(sigma)}；z {F(z)}，阈值 {F(rule.MinZ)}）");
    }

    /// <summary>
    /// Weighted 0..1 score for the slow burn: velocity (negatives vs baseline, saturating at the
    /// rule's ratio), negative share, reach (log scale, saturating at MinReach), distinct
    /// negative authors (saturating at MinCount) and risk-term mentions (saturating at 3); its parts in English and in Chinese.
    /// </summary>
    public static double CrisisScore(CrisisRule rule, IReadOnlyList<MentionEvidence> negatives, double baselineNegatives, int total, out string parts, out string partsZh)
    {
        var velocity = Math.Min(1, negatives.Count / Math.Max(baselineNegatives, 1) / rule.Ratio);
        var share = total == 0 ? 0 : negatives.Count / (double)total;
        // In double: 1 + a sum at long.MaxValue would wrap to a negative logarithm (NaN).
        var reachSum = (double)Math.Max(0, SaturatingReach.Sum(negatives.Select(e => e.Reach)));
        var reach = Math.Min(1, Math.Log10(1 + reachSum) / Math.Log10(1 + (double)Math.Max(rule.MinReach, 1)));
        var authors = Math.Min(1, negatives.Select(e => e.Author ?? e.MentionId).Distinct(StringComparer.Ordinal).Count() / (double)Math.Max(rule.MinCount, 1));
        var risk = Math.Min(1, negatives.Count(e => MatchedTerms(rule, e).Any()) / 3.0);
        parts = $"velocity {F(velocity)}, negative share {F(share)}, reach {F(reach)}, authors {F(authors)}, risk terms {F(risk)}";
        partsZh = $"增速 {F(velocity)}，负面占比 {F(share)}，触达 {F(reach)}，作者数 {F(authors)}，风险词 {F(risk)}";
        return (VelocityWeight * velocity) + (NegativeShareWeight * share) + (ReachWeight * reach) + (AuthorsWeight * authors) + (RiskWeight * risk);
    }

    private static IEnumerable<string> MatchedTerms(CrisisRule rule, MentionEvidence e) =>
        rule.Terms.Count == 0 ? e.RiskTermList : e.RiskTermList.Where(t => rule.Terms.Any(r => SameTerm(r, t)));

    // 投訴 and 投诉 are one term; ToSimplified allocates only for text that holds Traditional characters.
    private static bool SameTerm(string a, string b) =>
        string.Equals(ChineseScript.ToSimplified(a), ChineseScript.ToSimplified(b), StringComparison.OrdinalIgnoreCase);

    private static Finding Build(CrisisRule rule, string watchId, string group, double measured, double threshold, List<MentionEvidence> cause,
        double? baseline, int total, DateTimeOffset windowStart, DateTimeOffset now, string summary, string summaryZh, IReadOnlyList<string>? terms = null)
    {
        var severity = measured >= threshold * rule.EscalateAt ? rule.Severity.OneUp() : rule.Severity;
        return new Finding
        {
            RuleId = rule.Id,
            Kind = rule.Kind,
            WatchId = watchId,
            GroupKey = group,
            IncidentGroup = rule.Kind == CrisisRuleKind.EmergingTopic ? "" : IncidentKeys.GroupFor(rule.GroupBy, group),
            Severity = severity,
            Measured = measured,
            Threshold = threshold,
            Count = cause.Count,
            Baseline = baseline,
            WindowTotal = total,
            WindowStart = windowStart,
            WindowEnd = now,
            Summary = group.Length == 0 ? summary : $"[{group}] {summary}",
            SummaryZh = group.Length == 0 ? summaryZh : $"[{group}] {summaryZh}",
            TopTerms = TopTerms(cause, 12),
            Mentions = cause.Select(e => (e.MentionId, e.At)).ToArray(),
            Samples = SamplesOf(cause),
            Authors = cause.Select(e => e.Author ?? e.MentionId).Distinct(StringComparer.Ordinal).Count(),
            TopReach = cause.Count == 0 ? 0 : cause.Max(e => e.Reach),
            Terms = terms ?? [],
        };
    }

    /// <summary>The most influential mentions and the most recent ones, each once.</summary>
    public static EvidenceSample[] SamplesOf(IReadOnlyCollection<MentionEvidence> cause)
    {
        var loudest = cause.OrderByDescending(e => e.Reach).ThenByDescending(e => e.At).ThenBy(e => e.MentionId, StringComparer.Ordinal).Take(3);
        var latest = cause.OrderByDescending(e => e.At).ThenByDescending(e => e.Reach).ThenBy(e => e.MentionId, StringComparer.Ordinal).Take(2);
        return loudest.Concat(latest).DistinctBy(e => e.MentionId)
            .Select(e => new EvidenceSample(e.MentionId, e.Url, e.Source, e.Reach, e.Excerpt, e.At, e.Author)).ToArray();
    }

    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "for", "with", "this", "that", "was", "are", "not", "but", "you", "your", "have", "has", "had", "they",
        "their", "from", "all", "our", "out", "just", "very", "what", "when", "will", "would", "there", "about", "been", "were",
        "http", "https", "www", "com",
    };

    /// <summary>
    /// Most frequent risk terms and words of the mentions behind a finding: Chinese by word
    /// (jieba), English by word, stop words dropped; the watch's own terms are dropped where the
    /// message is written (<see cref="WatchNames.TermsOf"/>).
    /// </summary>
    public static IReadOnlyList<string> TopTerms(IEnumerable<MentionEvidence> cause, int count)
    {
        var weights = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        void Add(string term, int weight) => weights[term] = weights.GetValueOrDefault(term) + weight;
        foreach (var e in cause)
        {
            foreach (var term in e.RiskTermList)
            {
                Add(term, 3);
            }

            foreach (var word in Words(e.Excerpt).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                Add(word, 1);
            }
        }

        var ranked = weights.Where(kv => kv.Value > 1).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key).ToList();
        return WithoutContained(ranked).Take(count).ToArray();
    }

    /// <summary>
    /// The terms without any that another listed term contains ("poisoning" beside "food poisoning", case-insensitive):
    /// the longer one says it, and a list that repeats itself reads as padding. Order is kept.
    /// </summary>
    public static IReadOnlyList<string> WithoutContained(IReadOnlyList<string> terms) =>
        terms.Where(t => !terms.Any(other => other.Length > t.Length && other.Contains(t, StringComparison.OrdinalIgnoreCase)))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    /// <summary>Words as people read them (<see cref="MentionWords"/>): Chinese cut by jieba, Latin words of 3+ letters.</summary>
    public static IEnumerable<string> Words(string text) => MentionWords.Words(text);

    // Traditional characters are folded to Simplified, so 投訴 and 投诉 count as one term.
    private static IEnumerable<string> Tokens(string text)
    {
        var latin = new StringBuilder();
        char? previousCjk = null;
        foreach (var c in ChineseScript.ToSimplified(text))
        {
            if (IsCjk(c))
            {
                if (previousCjk is { } p)
                {
                    yield return string.Concat(p, c);
                }

                previousCjk = c;
            }
            else
            {
                previousCjk = null;
            }

            if (char.IsLetterOrDigit(c) && !IsCjk(c))
            {
                latin.Append(char.ToLowerInvariant(c));
                continue;
            }

            if (latin.Length >= 3 && !StopWords.Contains(latin.ToString()))
            {
                yield return latin.ToString();
            }

            latin.Clear();
        }

        if (latin.Length >= 3 && !StopWords.Contains(latin.ToString()))
        {
            yield return latin.ToString();
        }
    }

    private static bool IsCjk(char c) => c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf';

    /// <summary>"1 negative mention", "3 negative mentions".</summary>
    private static string Mentions(int count, string adjective = "") =>
        $"{count} {(adjective.Length == 0 ? "" : adjective + " ")}mention{(count == 1 ? "" : "s")}";

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string P(double share) => share.ToString("0%", CultureInfo.InvariantCulture);

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Zh(TimeSpan window) => MessageStyle.Span(window, chinese: true);

    private static string Describe(TimeSpan window) =>
        window.TotalHours >= 1 && window.Minutes == 0 ? $"{window.TotalHours:0} h" : $"{window.TotalMinutes:0} min";
}
