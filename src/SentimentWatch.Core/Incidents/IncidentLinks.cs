namespace SentimentWatch.Core.Incidents;

// The seams between complaint cases and crisis alerts. Cases and Alerting never reference each
// other's projects: each implements one of these ports and consumes the other, so a case can
// show the crisis it belongs to and an alert can show the complaints it produced. A host without
// one of the capabilities registers no implementation and the other side shows nothing.

/// <summary>An alert (incident) as other capabilities see it.</summary>
public sealed record AlertLink(
    long Id,
    string WatchId,
    string Title,
    string Severity,
    string Status,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt,
    string? TitleZh = null);

/// <summary>Implemented by Alerting: which incidents a set of mentions is evidence of.</summary>
public interface IAlertDirectory
{
    /// <summary>Open (firing or acknowledged) alerts whose evidence includes any of the mentions.</summary>
    Task<IReadOnlyList<AlertLink>> OpenAlertsForMentionsAsync(IReadOnlyCollection<string> mentionIds, CancellationToken cancellationToken);

    /// <summary>
    /// For each mention that is evidence of an open alert, those alerts' ids in ascending order
    /// (mentions in none are left out). The default asks <see cref="OpenAlertsForMentionsAsync"/>
    /// once per mention; an implementation that can answer in one query should.
    /// </summary>
    async Task<IReadOnlyDictionary<string, long[]>> OpenAlertIdsByMentionAsync(IReadOnlyCollection<string> mentionIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var id in mentionIds.Distinct(StringComparer.Ordinal))
        {
            var alerts = await OpenAlertsForMentionsAsync([id], cancellationToken);
            if (alerts.Count > 0)
            {
                result[id] = alerts.Select(a => a.Id).ToArray();
            }
        }

        return result;
    }

    Task<AlertLink?> FindAsync(long alertId, CancellationToken cancellationToken);

    /// <summary>
    /// The risk terms that make the mention count toward a crisis: the scorer's, and the terms of its watches' alert rules
    /// found in its title and text, matched as the rules match them (decision 236). The default knows only the scorer's.
    /// </summary>
    IReadOnlyList<string> RiskTermsIn(Mentions.Mention mention) => mention.RiskTerms;

    /// <summary>Records a line on the alert's timeline (e.g. "the last complaint case of this incident was resolved").</summary>
    Task RecordOnTimelineAsync(long alertId, string actor, string text, CancellationToken cancellationToken);
}

/// <summary>A complaint case as other capabilities see it.</summary>
public sealed record CaseLink(
    long Id,
    string Title,
    string Status,
    string Priority,
    string? Owner,
    bool Breached,
    DateTimeOffset? ResolutionDueAt)
{
    /// <summary>The running SLA clock that falls due first, as the support queue shows it: <c>first_response</c> or <c>resolution</c>; null when none runs.</summary>
    public string? DueClock { get; init; }

    /// <summary>When <see cref="DueClock"/> falls due.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The clocks are paused (waiting on the customer).</summary>
    public bool Paused { get; init; }

    /// <summary>The owner as people know them ("Zhao Min", Cases:Agents), for what is read outside the console; else <see cref="Owner"/>.</summary>
    public string? OwnerName { get; init; }
}

/// <summary>Implemented by Cases: the complaint cases an incident produced, and the case a mention is on.</summary>
public interface ICaseDirectory
{
    Task<IReadOnlyList<CaseLink>> CasesForAlertAsync(long alertId, CancellationToken cancellationToken);

    /// <summary>The case the mention is on (at most one; a merged case answers with the case it was merged into).</summary>
    Task<IReadOnlyList<CaseLink>> CasesForMentionAsync(string mentionId, CancellationToken cancellationToken);
}

/// <summary>
/// A message for people on the team (not a crisis alert): SLA warnings, breach escalations, overdue playbook steps.
/// <see cref="Title"/> and <see cref="Text"/> are the English / UTC version (the record); <paramref name="WriteFor"/>, when
/// given, writes the same notice for a channel whose readers read another language or time zone (decision 218).
/// <paramref name="AboutCase"/>: a per-case notice (SLA warning or breach, follow-up due), which only channels that take
/// case notices receive; alert channels do not by default, so an SLA wave does not bury a crisis alert (decision 225).
/// </summary>
public sealed record StaffNotice(
    string DedupKey,
    string Title,
    string Text,
    string? Link,
    IReadOnlyList<string> Recipients,
    Func<MessageStyle, (string Title, string Text)>? WriteFor = null,
    bool AboutCase = false);

/// <summary>
/// Implemented by Alerting: sends a notice through the configured notification channels, durably
/// (outbox) and at most once per <see cref="StaffNotice.DedupKey"/>, so a caller that retries after a
/// crash never notifies twice.
/// </summary>
public interface IStaffNotifier
{
    Task NotifyAsync(StaffNotice notice, CancellationToken cancellationToken);
}
