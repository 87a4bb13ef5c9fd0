using SentimentWatch.Cases.Sla;

namespace SentimentWatch.Cases.Domain;

public enum CaseStatus
{
    New = 0,
    Assigned = 1,
    InProgress = 2,
    WaitingOnCustomer = 3,
    Resolved = 4,
    Closed = 5,
}

public static class CaseStatuses
{
    public static string ToWire(CaseStatus status) => status switch
    {
        CaseStatus.New => "new",
        CaseStatus.Assigned => "assigned",
        CaseStatus.InProgress => "in_progress",
        CaseStatus.WaitingOnCustomer => "waiting_on_customer",
        CaseStatus.Resolved => "resolved",
        CaseStatus.Closed => "closed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? value, out CaseStatus status)
    {
        foreach (var candidate in Enum.GetValues<CaseStatus>())
        {
            if (string.Equals(ToWire(candidate), value?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }

    public static bool IsOpen(CaseStatus status) => status < CaseStatus.Resolved;

    public static readonly string Wire = string.Join(", ", Enum.GetValues<CaseStatus>().Select(ToWire));
}

/// <summary>
/// One complaint (投诉档案): who complained where, what about, how urgent, who owns it, where it
/// stands, its SLA clocks and how it ended. Every change goes through <see cref="CaseDesk"/> (or the
/// SLA watch), which writes an audit entry and <see cref="Touch"/>es the case.
/// </summary>
public sealed class Case
{
    public long Id { get; set; }
    public required string WatchId { get; set; }
    public required string Title { get; set; }
    public required string Category { get; set; }

    /// <summary>1 (most urgent) to 4.</summary>
    public int Priority { get; set; }

    public CaseStatus Status { get; set; }

    /// <summary>Kept in step with <see cref="Status"/> for the queue's index: open and not merged.</summary>
    public bool IsOpen { get; set; }

    public string? Team { get; set; }
    public string? Owner { get; set; }

    /// <summary>The complainant's handle as posted: personal data, shown masked to roles without the right.</summary>
    public string? Author { get; set; }

    /// <summary><c>source</c> + handle, lower case: the key the same customer is recognised by.</summary>
    public string? AuthorKey { get; set; }

    public required string Source { get; set; }

    /// <summary>Came in through a channel that is a complaint by definition (e-mail, hotline, app feedback).</summary>
    public bool DirectComplaint { get; set; }

    public float Negative { get; set; }
    public long Reach { get; set; }

    /// <summary>Risk terms found, tab separated.</summary>
    public string RiskTerms { get; set; } = string.Empty;

    public DateTimeOffset OpenedAt { get; set; }

    /// <summary>When the customer posted, but no earlier than <c>SlaMaxBackdate</c> before <see cref="OpenedAt"/> (decision 226): the SLA clocks start here.</summary>
    public DateTimeOffset ClockStartedAt { get; set; }

    public DateTimeOffset LastMentionAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    // SLA: targets are working time on the policy's calendar, fixed when the priority is set.
    public string Calendar { get; set; } = CasesOptions.AlwaysCalendar;
    public TimeSpan FirstResponseTarget { get; set; }
    public TimeSpan ResolutionTarget { get; set; }
    public DateTimeOffset? FirstResponseDueAt { get; set; }
    public DateTimeOffset? ResolutionDueAt { get; set; }
    public DateTimeOffset? PausedAt { get; set; }

    /// <summary>Working time spent waiting on the customer (and resolved before a reopen): not counted against the clocks.</summary>
    public TimeSpan PausedWorking { get; set; }

    /// <summary>
    /// The ended pauses behind <see cref="PausedWorking"/> as UTC ticks, <c>start,end</c> pairs joined by <c>;</c>, at most
    /// <see cref="MaxPauseSpans"/>: what is re-measured when the calendar changes (decision 255). Empty for cases paused
    /// before the spans were kept.
    /// </summary>
    public string PauseSpans { get; set; } = string.Empty;

    /// <summary>Keeps the column small; a case paused more often than this is re-measured for its latest pauses only.</summary>
    public const int MaxPauseSpans = 20;

    public DateTimeOffset? FirstResponseAt { get; set; }
    public TimeSpan? FirstResponseWorking { get; set; }
    public bool FirstResponseBreached { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public TimeSpan? ResolutionWorking { get; set; }
    public bool ResolutionBreached { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Earliest due instant of a running clock in ticks, <see cref="long.MaxValue"/> when none runs: the queue's second sort key.</summary>
    public long DueKey { get; set; } = long.MaxValue;

    public string? ResolutionSummary { get; set; }
    public string? RootCause { get; set; }

    /// <summary>Set when this case was merged: the survivor that now carries its mentions.</summary>
    public long? MergedIntoId { get; set; }

    public int ReopenCount { get; set; }
    public int? Satisfaction { get; set; }
    public string? SatisfactionComment { get; set; }

    /// <summary>The first crisis alert its mentions were evidence of, when the alerting capability knows one.</summary>
    public long? AlertId { get; set; }

    /// <summary>
    /// The revision people work against: the ETag, the <c>version</c> of the API's and the console's views, and what a
    /// command's If-Match (or a form's expected version) is checked against. It moves when something a person decides on
    /// changes (status, owner, team, priority, category, due times, resolution, merge; notes and replies too), not when
    /// the pipeline only adds evidence (another mention, an alert link) or the SLA watch only marks a clock breached
    /// (decision 258).
    /// </summary>
    public int Version { get; set; }

    /// <summary>
    /// The database's optimistic concurrency token: moves on every write of the row, <see cref="Version"/> or not, so two
    /// writers (workers, the SLA watch, intake) never overwrite each other's row (decision 258).
    /// </summary>
    public int RowVersion { get; set; }

    public string ETag => $"\"{Id}-{Version}\"";

    /// <summary>
    /// Records a write of the case: <see cref="RowVersion"/> and <see cref="UpdatedAt"/> always move; <see cref="Version"/>
    /// (the ETag) only when <paramref name="revised"/>, that is when the write changed something a person decides on. An
    /// attachment that leaves the case as it was for the agent must not make their If-Match stale (decision 258).
    /// </summary>
    public void Touch(DateTimeOffset now, bool revised)
    {
        UpdatedAt = now;
        RowVersion++;
        if (revised)
        {
            Version++;
        }
    }

    public bool IsPaused => PausedAt is not null;

    public void SetStatus(CaseStatus status)
    {
        Status = status;
        IsOpen = CaseStatuses.IsOpen(status) && MergedIntoId is null;
    }

    /// <summary>
    /// Sets the SLA targets of a policy and recomputes the due times. <paramref name="current"/> is the calendar the
    /// case is on until now: on a change of calendar the recorded pauses are measured again on the new one, or working
    /// hours paused would be added as round-the-clock hours (and the reverse).
    /// </summary>
    public void ApplyPolicy(SlaPolicy policy, BusinessCalendar current)
    {
        if (!string.Equals(policy.Calendar.Id, Calendar, StringComparison.Ordinal))
        {
            RemeasurePaused(current, policy.Calendar);
        }

        Calendar = policy.Calendar.Id;
        FirstResponseTarget = policy.FirstResponse;
        ResolutionTarget = policy.Resolution;
        RecomputeDue(policy.Calendar);
    }

    /// <summary>Due times of the running clocks from the clock start, the targets and the paused time; none while paused.</summary>
    public void RecomputeDue(BusinessCalendar calendar)
    {
        if (IsPaused)
        {
            if (FirstResponseAt is null)
            {
                FirstResponseDueAt = null;
            }

            if (ResolvedAt is null)
            {
                ResolutionDueAt = null;
            }
        }
        else
        {
            if (FirstResponseAt is null)
            {
                FirstResponseDueAt = calendar.Add(ClockStartedAt, FirstResponseTarget + PausedWorking);
            }

            if (ResolvedAt is null)
            {
                ResolutionDueAt = calendar.Add(ClockStartedAt, ResolutionTarget + PausedWorking);
            }
        }

        UpdateDueKey();
    }

    public void UpdateDueKey() => DueKey = NextDeadline() is { } next ? next.DueAt.UtcTicks : long.MaxValue;

    /// <summary>
    /// The running clock that falls due first (first response on a tie), null when none runs: what the
    /// queue sorts by (<see cref="DueKey"/>) and what every list of cases shows as the case's deadline.
    /// </summary>
    public SlaDeadline? NextDeadline()
    {
        if (!IsOpen || IsPaused)
        {
            return null;
        }

        SlaDeadline? first = FirstResponseAt is null && FirstResponseDueAt is { } fr ? new SlaDeadline(SlaDeadline.FirstResponse, fr) : null;
        SlaDeadline? resolution = ResolvedAt is null && ResolutionDueAt is { } rd ? new SlaDeadline(SlaDeadline.Resolution, rd) : null;
        return first is null ? resolution : resolution is null || first.DueAt <= resolution.DueAt ? first : resolution;
    }

    public void Pause(DateTimeOffset now, BusinessCalendar calendar)
    {
        if (IsPaused)
        {
            return;
        }

        PausedAt = now;
        RecomputeDue(calendar);
    }

    public void Resume(DateTimeOffset now, BusinessCalendar calendar)
    {
        if (PausedAt is not { } since)
        {
            return;
        }

        RecordPause(since, now, calendar);
        PausedAt = null;
        RecomputeDue(calendar);
    }

    /// <summary>Adds a pause that has ended (waiting on the customer, or resolved until a reopen) to the paused time and its spans.</summary>
    public void RecordPause(DateTimeOffset start, DateTimeOffset end, BusinessCalendar calendar)
    {
        if (end <= start)
        {
            return;
        }

        PausedWorking += calendar.Between(start, end);
        var spans = PauseSpan.Parse(PauseSpans);
        if (spans.Count > 0 && start.UtcTicks <= spans[^1].End.UtcTicks)
        {
            // Touching or overlapping the last one: one span, so no instant is counted twice when re-measured.
            var last = spans[^1];
            spans[^1] = last with { End = end > last.End ? end.ToUniversalTime() : last.End };
        }
        else
        {
            spans.Add(new PauseSpan(start.ToUniversalTime(), end.ToUniversalTime()));
        }

        // The oldest spans beyond the cap are forgotten, not their time: it stays in PausedWorking as measured so far.
        PauseSpans = PauseSpan.Format(spans.Count > MaxPauseSpans ? spans[^MaxPauseSpans..] : spans);
    }

    /// <summary>
    /// Paused time on <paramref name="to"/> instead of <paramref name="from"/>: the recorded spans are measured again;
    /// paused time without spans (cases paused before they were kept, spans past the cap) stays as it was measured.
    /// </summary>
    private void RemeasurePaused(BusinessCalendar from, BusinessCalendar to)
    {
        var spans = PauseSpan.Parse(PauseSpans);
        if (spans.Count == 0)
        {
            return;
        }

        var unspanned = PausedWorking - PauseSpan.Working(spans, from);
        PausedWorking = (unspanned > TimeSpan.Zero ? unspanned : TimeSpan.Zero) + PauseSpan.Working(spans, to);
    }

    /// <summary>Working time counted against the clocks from the start until <paramref name="at"/>.</summary>
    public TimeSpan ElapsedWorking(DateTimeOffset at, BusinessCalendar calendar)
    {
        var end = PausedAt is { } paused && paused < at ? paused : at;
        var elapsed = calendar.Between(ClockStartedAt, end) - PausedWorking;
        return elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed;
    }
}

/// <summary>One ended pause of a case's SLA clocks, in UTC; stored in <see cref="Case.PauseSpans"/>.</summary>
public readonly record struct PauseSpan(DateTimeOffset Start, DateTimeOffset End)
{
    public static List<PauseSpan> Parse(string text)
    {
        var spans = new List<PauseSpan>();
        foreach (var pair in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            // Written only by RecordPause; a pair anything else left unreadable is skipped (its time stays in PausedWorking),
            // never a failure of every later resume, reopen or override of the case.
            var comma = pair.IndexOf(',', StringComparison.Ordinal);
            if (comma > 0
                && long.TryParse(pair.AsSpan(0, comma), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var start)
                && long.TryParse(pair.AsSpan(comma + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var end)
                && start <= end && end <= DateTimeOffset.MaxValue.UtcTicks)
            {
                spans.Add(new PauseSpan(new DateTimeOffset(start, TimeSpan.Zero), new DateTimeOffset(end, TimeSpan.Zero)));
            }
        }

        return spans;
    }

    public static string Format(IEnumerable<PauseSpan> spans) =>
        string.Join(';', spans.Select(s => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.Start.UtcTicks},{s.End.UtcTicks}")));

    public static TimeSpan Working(IEnumerable<PauseSpan> spans, BusinessCalendar calendar) =>
        spans.Aggregate(TimeSpan.Zero, (sum, s) => sum + calendar.Between(s.Start, s.End));
}

/// <summary>A mention on a case, with why it was put there. A mention is on at most one case (unique index).</summary>
public sealed class CaseMention
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public required string MentionId { get; set; }
    public required string WatchId { get; set; }
    public required string Source { get; set; }

    /// <summary><c>source</c> + thread id: later replies in the thread attach.</summary>
    public string? ThreadKey { get; set; }

    public string? Author { get; set; }
    public string? Url { get; set; }
    public string? Title { get; set; }

    /// <summary>The mention's text as stored (redacted at the intake door).</summary>
    public string Excerpt { get; set; } = string.Empty;

    public string? Topic { get; set; }
    public float Negative { get; set; }
    public long Fingerprint { get; set; }
    public int Band0 { get; set; }
    public int Band1 { get; set; }
    public int Band2 { get; set; }
    public int Band3 { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
    public DateTimeOffset AttachedAt { get; set; }

    /// <summary><c>opened</c>, <c>thread</c>, <c>author</c>, <c>near_duplicate</c>, <c>repost</c>, <c>manual</c>, <c>reopened</c>, <c>merged</c>.</summary>
    public required string Reason { get; set; }

    public static (int, int, int, int) Bands(ulong fingerprint) =>
        ((int)(fingerprint & 0xFFFF), (int)((fingerprint >> 16) & 0xFFFF), (int)((fingerprint >> 32) & 0xFFFF), (int)(fingerprint >> 48));
}

/// <summary>An internal note: for colleagues, never shown to the customer.</summary>
public sealed class CaseNote
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public required string By { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Text { get; set; }
}

/// <summary>What was said to the customer, where (public reply or private message) and when.</summary>
public sealed class CustomerReply
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public required string By { get; set; }
    public DateTimeOffset At { get; set; }
    public DateTimeOffset RecordedAt { get; set; }

    /// <summary><c>public</c> or <c>private</c>.</summary>
    public required string Channel { get; set; }

    public required string Text { get; set; }
}

/// <summary>One append-only line of the case's record: who did what when, with the value before and after.</summary>
public sealed class CaseAuditEntry
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Who { get; set; }
    public required string What { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    public string? Reason { get; set; }
}

/// <summary>The follow-up visit (回访) after resolution: due after a delay, done when satisfaction is recorded.</summary>
public sealed class CaseFollowUp
{
    public long Id { get; set; }
    public long CaseId { get; set; }

    /// <summary>The case's reopen count when it was resolved: one follow-up per resolution.</summary>
    public int Cycle { get; set; }

    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
    public string? DoneBy { get; set; }
    public int? Satisfaction { get; set; }
    public string? Comment { get; set; }

    /// <summary>When the owner was told the follow-up is due (once).</summary>
    public DateTimeOffset? RemindedAt { get; set; }
}

/// <summary>
/// A warning or breach the SLA watch acted on. The unique key (case, clock, kind, cycle) makes
/// each action happen once per breach, also across restarts; <see cref="NotifiedAt"/> records
/// that the notice was handed to the notifier, so a crash in between re-sends it (deduplicated
/// downstream by the same key).
/// </summary>
public sealed class CaseSlaSignal
{
    public long Id { get; set; }
    public long CaseId { get; set; }

    /// <summary><c>first_response</c>, <c>resolution</c> or <c>follow_up</c>.</summary>
    public required string Clock { get; set; }

    /// <summary><c>warning</c>, <c>breach</c> or <c>due</c>.</summary>
    public required string Kind { get; set; }

    public int Cycle { get; set; }
    public DateTimeOffset At { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public required string DedupKey { get; set; }
    public required string Title { get; set; }
    public required string Text { get; set; }

    /// <summary>A breach that raised the case's priority: from and to (<c>P3</c>, <c>P2</c>), so the notice can be written again
    /// for a channel in another language (decision 218); null otherwise.</summary>
    public string? RaisedFrom { get; set; }
    public string? RaisedTo { get; set; }

    /// <summary>Recipients, tab separated.</summary>
    public string Recipients { get; set; } = string.Empty;

    public DateTimeOffset? NotifiedAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>A crisis alert a case's mentions are evidence of.</summary>
public sealed class CaseAlertLink
{
    public long CaseId { get; set; }
    public long AlertId { get; set; }
    public DateTimeOffset LinkedAt { get; set; }
}

/// <summary>Where each team's round-robin stands, so it continues fairly across restarts.</summary>
public sealed class AssignmentCursor
{
    public required string Team { get; set; }
    public string? LastAgent { get; set; }
}
