namespace SentimentWatch.Alerting;

/// <summary>
/// Since when evidence has been recorded for a watch (scope <c>""</c>) and for each of its
/// sources and topics (<c>source:weibo</c>, <c>topic:refund</c>): the earliest evidence time seen,
/// kept when the evidence itself is pruned. Baseline rules wait until it spans their history.
/// </summary>
public sealed class EvidenceHistory
{
    public required string WatchId { get; set; }
    public required string Scope { get; set; }
    public DateTimeOffset Since { get; set; }

    public static IEnumerable<string> ScopesOf(MentionEvidence e) =>
        ["", IncidentKeys.GroupFor(EvidenceGrouping.Source, e.Source), IncidentKeys.GroupFor(EvidenceGrouping.Topic, e.Topic ?? "none")];
}
