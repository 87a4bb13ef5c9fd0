namespace SentimentWatch.Alerting;

/// <summary>
/// A rule's condition holding for one watch (and group) at one moment, with the numbers that
/// show why: what was measured against what threshold and baseline, top terms, samples.
/// </summary>
public sealed record Finding
{
    public required string RuleId { get; init; }
    public required CrisisRuleKind Kind { get; init; }
    public required string WatchId { get; init; }

    /// <summary>The group value (source or topic) for grouped rules, else empty.</summary>
    public string GroupKey { get; init; } = "";

    public required AlertSeverity Severity { get; init; }

    /// <summary>The rule's measure: a ratio, a share, a count, a reach or a score.</summary>
    public required double Measured { get; init; }

    public required double Threshold { get; init; }

    /// <summary>Number of mentions in the window that make the case (negatives, risky ones, …).</summary>
    public required int Count { get; init; }

    /// <summary>The same count per window in the baseline before, where the rule has one (a mean over BaselineWindows).</summary>
    public double? Baseline { get; init; }

    public int WindowTotal { get; init; }
    public required DateTimeOffset WindowStart { get; init; }
    public required DateTimeOffset WindowEnd { get; init; }
    public required string Summary { get; init; }

    /// <summary>The same reading in Chinese, for channels that write in zh-CN (decision 218); null for findings from before it.</summary>
    public string? SummaryZh { get; init; }
    public IReadOnlyList<string> TopTerms { get; init; } = [];
    public IReadOnlyList<EvidenceSample> Samples { get; init; } = [];

    /// <summary>Distinct authors of the mentions that make the case.</summary>
    public int Authors { get; init; }

    /// <summary>The largest reach among them.</summary>
    public long TopReach { get; init; }

    /// <summary>The terms that fired it: riskTerms' matched terms, emergingTopic's new term(s).</summary>
    public IReadOnlyList<string> Terms { get; init; } = [];

    /// <summary>Every mention that makes the case (recorded as the incident's evidence).</summary>
    public IReadOnlyList<(string MentionId, DateTimeOffset At)> Mentions { get; init; } = [];

    /// <summary>
    /// The part of the incident key after the watch: empty for watch-wide rules, <c>source:weibo</c>
    /// or <c>topic:refund</c> for grouped rules (one incident per group), <c>source:id</c> for silent sources.
    /// </summary>
    public string IncidentGroup { get; init; } = "";

    /// <summary>Incident identity: one open incident per watch (and group), whatever rules fired in it.</summary>
    public string IncidentKey => IncidentKeys.For(WatchId, IncidentGroup);

    /// <summary>Which signal of the incident this is: the rule id, plus the term for emergingTopic.</summary>
    public string SignalKey => Kind == CrisisRuleKind.EmergingTopic && GroupKey.Length > 0 ? $"{RuleId}/{GroupKey}" : RuleId;
}

/// <summary>A mention quoted in a message; <paramref name="At"/> and <paramref name="Author"/> are absent in alerts stored before they were kept.</summary>
public sealed record EvidenceSample(string MentionId, string? Url, string Source, long Reach, string Excerpt, DateTimeOffset? At = null, string? Author = null);

public static class IncidentKeys
{
    /// <summary><c>watch</c> or <c>watch/source:weibo</c>: findings of every rule kind on one watch (and group) join one incident.</summary>
    public static string For(string watchId, string incidentGroup) =>
        incidentGroup.Length == 0 ? watchId : $"{watchId}/{incidentGroup}";

    public static string GroupFor(EvidenceGrouping grouping, string value) => grouping switch
    {
        EvidenceGrouping.Source => $"source:{value}",
        EvidenceGrouping.Topic => $"topic:{value}",
        _ => "",
    };
}
