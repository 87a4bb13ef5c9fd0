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
/// One incident: a rule firing for a watch (and group). While it is open, further findings
/// of the same incident update it (latest numbers and evidence) instead of opening new
/// alerts; it is announced when opened, on escalation and after a cool-down, and resolves
/// itself once the condition has stayed clear for the rule's hysteresis period.
/// </summary>
public sealed class Alert
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public long Id { get; private set; }

    /// <summary><c>watch/rule[/group]</c>: at most one alert per key is open at a time.</summary>
    public string IncidentKey { get; private set; } = "";

    public string WatchId { get; private set; } = "";
    public string RuleId { get; private set; } = "";
    public CrisisRuleKind Kind { get; private set; }
    public string GroupKey { get; private set; } = "";
    public AlertSeverity Severity { get; private set; }

    /// <summary>The highest severity announced so far; a higher finding is an escalation.</summary>
    public AlertSeverity NotifiedSeverity { get; private set; }

    public AlertStatus Status { get; private set; }
    public DateTimeOffset OpenedAt { get; private set; }

    /// <summary>Last time the condition was seen holding.</summary>
    public DateTimeOffset LastFiredAt { get; private set; }

    /// <summary>Since when the condition has been clear (null while it holds).</summary>
    public DateTimeOffset? ClearSince { get; private set; }

    public DateTimeOffset? LastNotifiedAt { get; private set; }
    public int NotificationCount { get; private set; }
    public DateTimeOffset? AcknowledgedAt { get; private set; }
    public string? AcknowledgedBy { get; private set; }
    public DateTimeOffset? ResolvedAt { get; private set; }

    /// <summary>Who resolved it, or <c>auto</c> when the condition cleared.</summary>
    public string? ResolvedBy { get; private set; }

    public string Summary { get; private set; } = "";
    public double Measured { get; private set; }
    public double PeakMeasured { get; private set; }
    public double Threshold { get; private set; }
    public int EvidenceCount { get; private set; }
    public double? Baseline { get; private set; }
    public DateTimeOffset WindowStart { get; private set; }
    public DateTimeOffset WindowEnd { get; private set; }
    public string TopTermsJson { get; private set; } = "[]";
    public string SamplesJson { get; private set; } = "[]";

    /// <summary>
    /// Resolved by a person while the condition still held: the incident is not reopened until
    /// the condition has cleared once (or it escalates past what was announced).
    /// </summary>
    public bool HeldUntilClear { get; private set; }

    public bool IsOpen => Status != AlertStatus.Resolved;

    /// <summary>How other capabilities and messages name the incident, e.g. "Lumo Coffee: riskTerms (critical)".</summary>
    public string Title(string watchName) =>
        $"{watchName}: {CrisisRule.KindToWire(Kind)}{(GroupKey.Length == 0 ? "" : $" [{GroupKey}]")} ({Severity.ToWire()})";

    public IReadOnlyList<string> TopTerms => JsonSerializer.Deserialize<string[]>(TopTermsJson, Json) ?? [];

    public IReadOnlyList<EvidenceSample> Samples => JsonSerializer.Deserialize<EvidenceSample[]>(SamplesJson, Json) ?? [];

    public static Alert Open(Finding finding, DateTimeOffset now)
    {
        var alert = new Alert
        {
            IncidentKey = finding.IncidentKey,
            WatchId = finding.WatchId,
            RuleId = finding.RuleId,
            Kind = finding.Kind,
            GroupKey = finding.GroupKey,
            Status = AlertStatus.Firing,
            OpenedAt = now,
            NotifiedSeverity = finding.Severity,
        };
        alert.Update(finding, now);
        return alert;
    }

    /// <summary>
    /// The condition holds again: take the latest numbers and say what, if anything, should be
    /// announced. The announcement is recorded only by <see cref="MarkNotified"/>, so a silenced
    /// incident is still announced once the silence is over.
    /// </summary>
    public NotificationKind? Observe(Finding finding, DateTimeOffset now, TimeSpan cooldown)
    {
        EnsureOpen();
        Update(finding, now);
        if (NotificationCount == 0)
        {
            return NotificationKind.Opened;
        }

        if (finding.Severity > NotifiedSeverity)
        {
            return NotificationKind.Escalated;
        }

        return Status == AlertStatus.Firing && LastNotifiedAt is { } last && now - last >= cooldown ? NotificationKind.Reminder : null;
    }

    /// <summary>
    /// The condition does not hold now. After it has stayed clear for <paramref name="clearFor"/>
    /// the alert resolves itself; returns true when it did.
    /// </summary>
    public bool ObserveClear(DateTimeOffset now, TimeSpan clearFor)
    {
        EnsureOpen();
        ClearSince ??= now;
        if (now - ClearSince.Value < clearFor)
        {
            return false;
        }

        Status = AlertStatus.Resolved;
        ResolvedAt = now;
        ResolvedBy = "auto";
        return true;
    }

    public void MarkNotified(NotificationKind kind, DateTimeOffset now)
    {
        LastNotifiedAt = now;
        NotificationCount++;
        if (kind != NotificationKind.Resolved && Severity > NotifiedSeverity)
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
    }

    public void Resolve(string by, DateTimeOffset now)
    {
        EnsureOpen();
        Status = AlertStatus.Resolved;
        ResolvedAt = now;
        ResolvedBy = by;
        HeldUntilClear = ClearSince is null;
    }

    /// <summary>The condition of a hand-resolved incident has cleared: a new finding is a new incident.</summary>
    public void Release() => HeldUntilClear = false;

    private void Update(Finding finding, DateTimeOffset now)
    {
        Severity = finding.Severity;
        LastFiredAt = now;
        ClearSince = null;
        Summary = finding.Summary;
        Measured = finding.Measured;
        PeakMeasured = Math.Max(PeakMeasured, finding.Measured);
        Threshold = finding.Threshold;
        EvidenceCount = finding.Count;
        Baseline = finding.Baseline;
        WindowStart = finding.WindowStart;
        WindowEnd = finding.WindowEnd;
        TopTermsJson = JsonSerializer.Serialize(finding.TopTerms, Json);
        SamplesJson = JsonSerializer.Serialize(finding.Samples, Json);
    }

    private void EnsureOpen()
    {
        if (Status == AlertStatus.Resolved)
        {
            throw new InvalidOperationException($"alert {Id} ({IncidentKey}) is already resolved");
        }
    }
}

/// <summary>Suppresses notifications for a watch, optionally one rule and one group, until it expires.</summary>
public sealed class AlertSilence
{
    public long Id { get; set; }
    public required string WatchId { get; set; }
    public string? RuleId { get; set; }
    public string? GroupKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset Until { get; set; }
    public string? CreatedBy { get; set; }
    public string? Reason { get; set; }

    public bool Covers(Alert alert, DateTimeOffset now) =>
        now < Until
        && (WatchId == CrisisRule.AnyWatch || string.Equals(WatchId, alert.WatchId, StringComparison.OrdinalIgnoreCase))
        && (RuleId is null || string.Equals(RuleId, alert.RuleId, StringComparison.OrdinalIgnoreCase))
        && (GroupKey is null || string.Equals(GroupKey, alert.GroupKey, StringComparison.OrdinalIgnoreCase));
}
