using System.Text.Json;

namespace SentimentWatch.Alerting;

public enum AlertStatus
{
    Firing = 0,
    Acknowledged = 1,
    Resolved = 2,
}

/// <summary>What a notification announces.</summary>
public enum NotificationKind
{
    /// <summary>A new incident.</summary>
    Opened,

    /// <summary>The incident reached a higher severity than was last announced.</summary>
    Escalated,

    /// <summary>Still firing, unacknowledged, after the rule's cool-down.</summary>
    Reminder,

    /// <summary>Over: the condition stayed clear for the hysteresis period, or somebody resolved it.</summary>
    Resolved,

    /// <summary>A staff notice (not about one alert): SLA warnings, overdue response steps.</summary>
    Notice,
}

/// <summary>
/// One incident: a crisis on one watch (and group). Findings of every rule kind that overlap in
/// time join it as <see cref="Signals"/> (risk terms, spike, negative share, influencer, crisis
/// score, …): it opens once, escalates when a stronger signal joins, is re-announced after a
/// cool-down while unacknowledged, and resolves once every signal has stayed clear for its
/// rule's hysteresis period. A finding after that is a new incident.
/// </summary>
public sealed class Alert
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public long Id { get; private set; }

    /// <summary><c>watch</c> or <c>watch/source:weibo</c> (see <see cref="IncidentKeys"/>): at most one open alert per key.</summary>
    public string IncidentKey { get; private set; } = "";

    public string WatchId { get; private set; } = "";

    /// <summary>The lead signal's rule (the strongest, then the first): what the incident is mainly about.</summary>
    public string RuleId { get; private set; } = "";

    public CrisisRuleKind Kind { get; private set; }

    /// <summary>The incident group (<c>source:weibo</c>, <c>topic:refund</c>), empty for the watch-wide incident.</summary>
    public string GroupKey { get; private set; } = "";

    /// <summary>The highest severity of the signals still active.</summary>
    public AlertSeverity Severity { get; private set; }

    /// <summary>The highest severity announced so far; a higher one is an escalation.</summary>
    public AlertSeverity NotifiedSeverity { get; private set; }

    public AlertStatus Status { get; private set; }
    public DateTimeOffset OpenedAt { get; private set; }

    /// <summary>Last time any signal was seen holding.</summary>
    public DateTimeOffset LastFiredAt { get; private set; }

    /// <summary>Since when no signal has held (null while one does).</summary>
    public DateTimeOffset? ClearSince { get; private set; }

    /// <summary>When the incident was last announced, whether or not a channel took it (cool-down, "announced before").</summary>
    public DateTimeOffset? LastNotifiedAt { get; private set; }

    /// <summary>Announcements that went to at least one configured channel (decision 225): one with no channel notified nobody.</summary>
    public int NotificationCount { get; private set; }
    public DateTimeOffset? AcknowledgedAt { get; private set; }
    public string? AcknowledgedBy { get; private set; }
    public DateTimeOffset? ResolvedAt { get; private set; }

    /// <summary>Who resolved it, or <c>auto</c> when every signal cleared.</summary>
    public string? ResolvedBy { get; private set; }

    /// <summary>The lead signal's reading, then the other active signals'.</summary>
    public string Summary { get; private set; } = "";

    /// <summary>The same headline in Chinese (decision 218): the signals' Chinese readings; null on incidents from before it.</summary>
    public string? SummaryZh { get; private set; }
    public double Measured { get; private set; }
    public double PeakMeasured { get; private set; }
    public double Threshold { get; private set; }
    public int EvidenceCount { get; private set; }
    public double? Baseline { get; private set; }
    public DateTimeOffset WindowStart { get; private set; }
    public DateTimeOffset WindowEnd { get; private set; }
    public string TopTermsJson { get; private set; } = "[]";
    public string SamplesJson { get; private set; } = "[]";

    /// <summary>The latest <see cref="WindowReading"/> of the incident's watch (and group), as JSON; null before the first.</summary>
    public string? ReadingJson { get; private set; }

    /// <summary>The most negatives seen in one reading window during the incident.</summary>
    public int PeakNegatives { get; private set; }

    public WindowReading? Reading => ReadingJson is null ? null : JsonSerializer.Deserialize<WindowReading>(ReadingJson, Json);

    /// <summary>
    /// Resolved by a person while a signal still held: the incident is not reopened until the
    /// condition has cleared once (or it escalates past what was announced).
    /// </summary>
    public bool HeldUntilClear { get; private set; }

    /// <summary>Every signal that fired in this incident (cleared ones keep their numbers).</summary>
    public List<AlertSignal> Signals { get; private set; } = [];

    /// <summary>Lines added by this change; the timeline is never loaded through this list.</summary>
    public List<AlertTimelineEntry> Timeline { get; private set; } = [];

    /// <summary>
    /// The highest severity whose playbook was looked up for this incident (null before the first):
    /// a playbook's steps start once, when the incident opens or escalates into its severity.
    /// </summary>
    public AlertSeverity? PlannedSeverity { get; private set; }

    /// <summary>Response steps added by this change; the plan is never loaded through this list.</summary>
    public List<ResponseStep> Steps { get; private set; } = [];

    /// <summary>Open, and at a severity whose playbook has not been looked up yet.</summary>
    public bool NeedsPlan => IsOpen && (PlannedSeverity is null || Severity > PlannedSeverity);

    public void MarkPlanned() => PlannedSeverity = Severity;

    public bool IsOpen => Status != AlertStatus.Resolved;

    /// <summary>
    /// Where things stand, in one sentence: the recovery sentence once every signal cleared by itself, else the current reading,
    /// also after a person resolved an incident whose negatives still come in ("back to normal" would not be true then).
    /// </summary>
    public string? DescribeNow(bool chinese = false) =>
        Reading is not { } reading ? null
        : !IsOpen && ResolvedBy is null or "auto" ? reading.DescribeRecovery(PeakNegatives, chinese)
        : reading.Describe(chinese);

    public IReadOnlyList<string> TopTerms => JsonSerializer.Deserialize<string[]>(TopTermsJson, Json) ?? [];

    public IReadOnlyList<EvidenceSample> Samples => JsonSerializer.Deserialize<EvidenceSample[]>(SamplesJson, Json) ?? [];

    public IEnumerable<AlertSignal> ActiveSignals => Signals.Where(s => s.ClearedAt is null);

    /// <summary>
    /// How people read the incident's name everywhere (list, page, case page, messages; decision 225): the watch's display
    /// name and the signals in plain words, strongest first, e.g. "Lumo Coffee: high-risk complaints, high-reach negative post".
    /// The signals that hold, else (resolved) every signal it had. Rule kinds stay machine fields of the API.
    /// </summary>
    public string Title(string watchName, bool chinese = false)
    {
        var signals = ActiveSignals.Any()
            ? ActiveSignals.OrderByDescending(s => s.Severity).ThenBy(s => s.FirstFiredAt).ThenBy(s => s.Kind)
            : Signals.OrderByDescending(s => s.PeakSeverity).ThenBy(s => s.FirstFiredAt).ThenBy(s => s.Kind);
        var kinds = signals.Select(s => s.Kind).DefaultIfEmpty(Kind);
        var group = GroupKey.Length == 0 ? null : GroupKey[(GroupKey.IndexOf(':', StringComparison.Ordinal) + 1)..];
        return Notifications.NotificationMessage.IncidentTitle(watchName, group, kinds.Select(k => Notifications.NotificationMessage.Describe(k, chinese)), chinese);
    }

    /// <summary>The rule kinds of <see cref="Title"/>'s signals, in the same order (machine field of the API).</summary>
    public IReadOnlyList<string> SignalKinds =>
        (ActiveSignals.Any()
            ? ActiveSignals.OrderByDescending(s => s.Severity).ThenBy(s => s.FirstFiredAt).ThenBy(s => s.Kind)
            : Signals.OrderByDescending(s => s.PeakSeverity).ThenBy(s => s.FirstFiredAt).ThenBy(s => s.Kind))
        .Select(s => CrisisRule.KindToWire(s.Kind)).DefaultIfEmpty(CrisisRule.KindToWire(Kind)).Distinct().ToArray();

    public static Alert Open(string incidentKey, string watchId, string groupKey, IReadOnlyList<Finding> findings, DateTimeOffset now)
    {
        var alert = new Alert
        {
            IncidentKey = incidentKey,
            WatchId = watchId,
            GroupKey = groupKey,
            Status = AlertStatus.Firing,
            OpenedAt = now,
            LastFiredAt = now,
            NotifiedSeverity = findings.Count == 0 ? AlertSeverity.Info : findings.Max(f => f.Severity),
        };
        alert.Note(
            now,
            TimelineKinds.Opened,
            $"incident opened: {string.Join("; ", findings.Select(f => $"{CrisisRule.KindToWire(f.Kind)} ({f.RuleId}): {f.Summary}"))}",
            textZh: $"事件开启：{string.Join("；", findings.Select(f => $"{Notifications.NotificationMessage.Describe(f.Kind, chinese: true)}（{f.RuleId}）：{f.SummaryZh ?? f.Summary}"))}");
        return alert;
    }

    /// <summary>
    /// One evaluation of this incident: <paramref name="findings"/> are the rule findings that hold
    /// now (possibly none). New signals join, held signals take the latest numbers, signals that
    /// stopped holding clear after their rule's ClearFor, and the incident resolves when none is
    /// left. Returns what, if anything, should be announced; the announcement is recorded only by
    /// <see cref="MarkNotified"/>, so a silenced incident is still announced once the silence is over.
    /// </summary>
    public NotificationKind? Observe(IReadOnlyList<Finding> findings, DateTimeOffset now, Func<string, CrisisRule?> rules)
    {
        EnsureOpen();
        var seen = new HashSet<AlertSignal>();
        foreach (var finding in findings)
        {
            var signal = ActiveSignals.FirstOrDefault(s => s.SignalKey == finding.SignalKey);
            if (signal is null)
            {
                signal = new AlertSignal { SignalKey = finding.SignalKey, RuleId = finding.RuleId, Kind = finding.Kind, FirstFiredAt = now };
                Signals.Add(signal);
                if (Signals.Count > 1)
                {
                    Note(
                        now,
                        TimelineKinds.Signal,
                        $"{CrisisRule.KindToWire(finding.Kind)} ({finding.RuleId}) joined at {finding.Severity.ToWire()}: {finding.Summary}",
                        textZh: $"{Notifications.NotificationMessage.Describe(finding.Kind, chinese: true)}（{finding.RuleId}）并入本事件，级别：{RecordChinese.Severity(finding.Severity.ToWire())}；{finding.SummaryZh ?? finding.Summary}");
                }
            }

            signal.Update(finding, now);
            seen.Add(signal);
        }

        foreach (var signal in ActiveSignals.Where(s => !seen.Contains(s)).ToList())
        {
            signal.ClearSince ??= now;
            var clearFor = rules(signal.RuleId)?.ClearFor ?? TimeSpan.Zero; // a rule removed from configuration leaves nothing to wait for
            if (now - signal.ClearSince.Value >= clearFor)
            {
                signal.ClearedAt = now;
                Note(now, TimelineKinds.Signal, $"{CrisisRule.KindToWire(signal.Kind)} ({signal.RuleId}) cleared (clear since {signal.ClearSince.Value:u})");
            }
        }

        if (findings.Count > 0)
        {
            LastFiredAt = now;
            ClearSince = null;
        }
        else
        {
            ClearSince ??= now;
        }

        var active = ActiveSignals.ToList();
        if (active.Count == 0)
        {
            Status = AlertStatus.Resolved;
            ResolvedAt = now;
            ResolvedBy = "auto";
            Note(now, TimelineKinds.Resolved, $"resolved: every signal has been clear since {ClearSince:u}");
            return WasAnnounced ? NotificationKind.Resolved : null;
        }

        Aggregate(active, findings);
        if (findings.Count == 0)
        {
            return null;
        }

        if (!WasAnnounced)
        {
            return NotificationKind.Opened;
        }

        if (Severity > NotifiedSeverity)
        {
            return NotificationKind.Escalated;
        }

        var cooldown = findings.Select(f => rules(f.RuleId)?.Cooldown ?? TimeSpan.FromHours(1)).Min();
        return Status == AlertStatus.Firing && LastNotifiedAt is { } last && now - last >= cooldown ? NotificationKind.Reminder : null;
    }

    /// <summary>Announced (its opening, escalation, reminder or recovery), also when no channel took it.</summary>
    public bool WasAnnounced => LastNotifiedAt is not null;

    /// <summary>Records an announcement; <paramref name="sent"/> is whether any configured channel takes it (counted in <see cref="NotificationCount"/>).</summary>
    public void MarkNotified(NotificationKind kind, DateTimeOffset now, bool sent = true)
    {
        LastNotifiedAt = now;
        if (sent)
        {
            NotificationCount++;
        }

        // The opening records the severity it announced, which may be lower than the one the incident opened at (opened critical
        // under a silence, warning by the time the silence ended): a later critical is then an escalation the critical-only
        // channels hear about (decision 250), not taken as already announced.
        if (kind == NotificationKind.Opened)
        {
            NotifiedSeverity = Severity;
        }
        else if (kind != NotificationKind.Resolved && Severity > NotifiedSeverity)
        {
            NotifiedSeverity = Severity;
        }
    }

    public void Acknowledge(string by, DateTimeOffset now)
    {
        EnsureOpen();
        if (Status == AlertStatus.Acknowledged)
        {
            return;
        }

        Status = AlertStatus.Acknowledged;
        AcknowledgedAt = now;
        AcknowledgedBy = by;
        Note(now, TimelineKinds.Acknowledged, $"acknowledged by {by}", by);
    }

    /// <summary>
    /// Resolves the incident by hand. False, changing nothing, when it is already resolved: a retried
    /// resolution is answered like a repeated acknowledgement, with no second entry or recovery notice.
    /// </summary>
    public bool Resolve(string by, DateTimeOffset now)
    {
        if (Status == AlertStatus.Resolved)
        {
            return false;
        }

        Status = AlertStatus.Resolved;
        ResolvedAt = now;
        ResolvedBy = by;
        HeldUntilClear = ClearSince is null;
        foreach (var signal in ActiveSignals)
        {
            signal.ClearedAt = now;
        }

        Note(now, TimelineKinds.Resolved, HeldUntilClear ? $"resolved by {by} while still firing" : $"resolved by {by}", by);
        return true;
    }

    /// <summary>Takes the current reading of the incident's watch (and group).</summary>
    public void Read(WindowReading reading)
    {
        ReadingJson = JsonSerializer.Serialize(reading, Json);
        if (IsOpen)
        {
            PeakNegatives = Math.Max(PeakNegatives, reading.Negatives);
        }
    }

    /// <summary>The condition of a hand-resolved incident has cleared: a new finding is a new incident.</summary>
    public void Release() => HeldUntilClear = false;

    /// <summary>Adds a line to the incident's timeline (saved with the alert).</summary>
    public void Note(DateTimeOffset at, string kind, string text, string actor = AlertTimelineEntry.SystemActor, string? textZh = null) =>
        Timeline.Add(new AlertTimelineEntry { At = at, Actor = actor, Kind = kind, Text = text, TextZh = textZh });

    /// <summary>
    /// The incident's headline numbers come from its lead signal (highest severity, then the
    /// first); samples and top terms are pooled over every finding that holds now.
    /// </summary>
    private void Aggregate(List<AlertSignal> active, IReadOnlyList<Finding> findings)
    {
        var lead = active.OrderByDescending(s => s.Severity).ThenBy(s => s.FirstFiredAt).ThenBy(s => s.Kind).First();
        Severity = active.Max(s => s.Severity);
        RuleId = lead.RuleId;
        Kind = lead.Kind;
        Measured = lead.Measured;
        PeakMeasured = Math.Max(PeakMeasured, lead.Measured);
        Threshold = lead.Threshold;
        EvidenceCount = lead.Count;
        Baseline = lead.Baseline;
        WindowStart = lead.WindowStart;
        WindowEnd = lead.WindowEnd;
        var firing = active.Where(s => s.ClearSince is null).OrderByDescending(s => s.Severity).ThenBy(s => s.FirstFiredAt).ThenBy(s => s.Kind).ToList();
        Summary = string.Join(" | ", (firing.Count > 0 ? firing : [lead]).Select(s => s.Summary));
        SummaryZh = string.Join(" | ", (firing.Count > 0 ? firing : [lead]).Select(s => s.SummaryZh ?? s.Summary));
        if (findings.Count > 0)
        {
            var ordered = findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Kind).ToList();
            TopTermsJson = JsonSerializer.Serialize(ordered.SelectMany(f => f.TopTerms).Distinct(StringComparer.OrdinalIgnoreCase).Take(8).ToArray(), Json);
            SamplesJson = JsonSerializer.Serialize(PooledSamples(ordered), Json);
        }
    }

    /// <summary>The most influential and the most recent mentions behind the findings, each once.</summary>
    private static EvidenceSample[] PooledSamples(IReadOnlyList<Finding> findings)
    {
        var all = findings.SelectMany(f => f.Samples).DistinctBy(s => s.MentionId).ToList();
        var loudest = all.OrderByDescending(s => s.Reach).ThenByDescending(s => s.At).ThenBy(s => s.MentionId, StringComparer.Ordinal).Take(2);
        var latest = all.OrderByDescending(s => s.At).ThenByDescending(s => s.Reach).ThenBy(s => s.MentionId, StringComparer.Ordinal).Take(3);
        return loudest.Concat(latest).DistinctBy(s => s.MentionId).Take(3).ToArray();
    }

    private void EnsureOpen()
    {
        if (Status == AlertStatus.Resolved)
        {
            throw new InvalidOperationException($"alert {Id} ({IncidentKey}) is already resolved");
        }
    }
}

/// <summary>One rule's finding within an incident: its latest and peak numbers, and when it fired and cleared.</summary>
public sealed class AlertSignal
{
    public long Id { get; set; }
    public long AlertId { get; set; }

    /// <summary>The rule id (plus the term for emergingTopic).</summary>
    public required string SignalKey { get; set; }

    public required string RuleId { get; set; }
    public CrisisRuleKind Kind { get; set; }
    public AlertSeverity Severity { get; set; }
    public AlertSeverity PeakSeverity { get; set; }
    public double Measured { get; set; }
    public double PeakMeasured { get; set; }
    public double Threshold { get; set; }
    public int Count { get; set; }
    public double? Baseline { get; set; }
    public string Summary { get; set; } = "";

    /// <summary>The same reading in Chinese (decision 218); null on signals recorded before it.</summary>
    public string? SummaryZh { get; set; }
    public DateTimeOffset WindowStart { get; set; }
    public DateTimeOffset WindowEnd { get; set; }
    public DateTimeOffset FirstFiredAt { get; set; }
    public DateTimeOffset LastFiredAt { get; set; }

    /// <summary>Since when it has not held (null while it holds).</summary>
    public DateTimeOffset? ClearSince { get; set; }

    /// <summary>When it stopped counting for the incident (after its rule's ClearFor); null while active.</summary>
    public DateTimeOffset? ClearedAt { get; set; }

    internal void Update(Finding finding, DateTimeOffset now)
    {
        Severity = finding.Severity;
        PeakSeverity = finding.Severity > PeakSeverity ? finding.Severity : PeakSeverity;
        Measured = finding.Measured;
        PeakMeasured = Math.Max(PeakMeasured, finding.Measured);
        Threshold = finding.Threshold;
        Count = finding.Count;
        Baseline = finding.Baseline;
        Summary = finding.Summary;
        SummaryZh = finding.SummaryZh;
        WindowStart = finding.WindowStart;
        WindowEnd = finding.WindowEnd;
        LastFiredAt = now;
        ClearSince = null;
    }
}

/// <summary>Suppresses notifications for a watch, optionally one rule and one group, until it expires.</summary>
public sealed class AlertSilence
{
    /// <summary>The longest watch or rule id a silence may name: the evidence store keeps watch ids of up to 200 characters.</summary>
    public const int MaxIdLength = 200;

    /// <summary>The longest group (a source or topic, or an incident group such as <c>source:weibo</c>): the evidence history keeps groups of up to 300.</summary>
    public const int MaxGroupLength = 300;

    /// <summary>A sentence or two for the team, not a document: every silence is listed in full.</summary>
    public const int MaxReasonLength = 500;

    public long Id { get; set; }
    public required string WatchId { get; set; }
    public string? RuleId { get; set; }
    public string? GroupKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset Until { get; set; }
    public string? CreatedBy { get; set; }
    public string? Reason { get; set; }

    /// <summary>
    /// The alert it was created from (<c>POST /api/alerts/{id}/silence</c>), which silences that
    /// incident's key (watch and group, every rule) for the duration, recurrences included.
    /// </summary>
    public long? AlertId { get; set; }

    /// <summary>
    /// Whether this silence keeps the incident quiet. A rule silence covers an incident only while
    /// every signal in it is from that rule, so a new kind of evidence joining is still announced.
    /// A null group covers every group of the watch; an empty one only the watch-wide incident.
    /// </summary>
    public bool Covers(Alert alert, DateTimeOffset now)
    {
        if (now >= Until)
        {
            return false;
        }

        var signals = alert.ActiveSignals.Any() ? alert.ActiveSignals : alert.Signals;
        var rules = signals.Select(s => s.RuleId).DefaultIfEmpty(alert.RuleId);
        return (WatchId == CrisisRule.AnyWatch || string.Equals(WatchId, alert.WatchId, StringComparison.OrdinalIgnoreCase))
            && (RuleId is null || rules.All(r => string.Equals(RuleId, r, StringComparison.OrdinalIgnoreCase)))
            && (GroupKey is null || string.Equals(GroupKey, alert.GroupKey, StringComparison.OrdinalIgnoreCase)
                || string.Equals(GroupKey, alert.GroupKey[(alert.GroupKey.IndexOf(':', StringComparison.Ordinal) + 1)..], StringComparison.OrdinalIgnoreCase));
    }
}
