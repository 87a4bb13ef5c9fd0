namespace SentimentWatch.Alerting;

/// <summary>
/// One line of an incident's record: a signal joined or cleared, a notification went out,
/// somebody acknowledged, resolved or ticked a response step, a complaint case was linked.
/// Together they are the post-incident record (exportable).
/// </summary>
public sealed class AlertTimelineEntry
{
    public long Id { get; set; }
    public long AlertId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>Who did it: a person's name, or <c>system</c>.</summary>
    public string Actor { get; set; } = SystemActor;

    /// <summary>What kind of line it is (<see cref="TimelineKinds"/>).</summary>
    public string Kind { get; set; } = TimelineKinds.Note;

    public string Text { get; set; } = "";

    /// <summary>
    /// The line in Chinese when it carries a sentence the rules wrote in both languages (a signal's numbers); null for
    /// lines the record's templates translate (<see cref="RecordChinese"/>) and for lines written before it existed.
    /// </summary>
    public string? TextZh { get; set; }

    public const string SystemActor = "system";
}

public static class TimelineKinds
{
    public const string Opened = "opened";
    public const string Signal = "signal";
    public const string Notification = "notification";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
    public const string Step = "step";
    public const string Note = "note";
}

/// <summary>A mention that is evidence of an incident (what IAlertDirectory and the pr role read).</summary>
public sealed class AlertMention
{
    public long AlertId { get; set; }
    public required string MentionId { get; set; }

    /// <summary>When the mention was said (its evidence time).</summary>
    public DateTimeOffset At { get; set; }
}
