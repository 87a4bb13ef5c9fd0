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
    public IReadOnlyList<string> TopTerms { get; init; } = [];
    public IReadOnlyList<EvidenceSample> Samples { get; init; } = [];

    /// <summary>Every mention that makes the case (recorded as the incident's evidence).</summary>
    public IReadOnlyList<(string MentionId, DateTimeOffset At)> Mentions { get; init; } = [];

    /// <summary>Incident identity: one open alert per watch, rule and group.</summary>
    public string IncidentKey => IncidentKeys.For(WatchId, RuleId, GroupKey);
}

public sealed record EvidenceSample(string MentionId, string? Url, string Source, long Reach, string Excerpt);

public static class IncidentKeys
{
    public static string For(string watchId, string ruleId, string groupKey) =>
        groupKey.Length == 0 ? $"{watchId}/{ruleId}" : $"{watchId}/{ruleId}/{groupKey}";
}
