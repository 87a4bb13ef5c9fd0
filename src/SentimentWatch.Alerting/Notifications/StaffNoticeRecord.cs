namespace SentimentWatch.Alerting.Notifications;

/// <summary>
/// A staff notice as accepted (SLA warning, overdue response step, …). The unique
/// <see cref="DedupKey"/> is what makes <see cref="StaffNotifier"/> send each notice once,
/// across retries and restarts; the outbox rows it caused carry the delivery.
/// </summary>
public sealed class StaffNoticeRecord
{
    public long Id { get; set; }
    public required string DedupKey { get; set; }
    public required string Title { get; set; }
    public required string Text { get; set; }
    public string? Link { get; set; }

    /// <summary>Free-form names joined by <c>|</c>; e-mail addresses among them are mailed too.</summary>
    public string Recipients { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The incident a notice is about (overdue response steps), so it lands on its record; null for others.</summary>
    public long? AlertId { get; set; }

    public string? WatchId { get; set; }

    public IReadOnlyList<string> RecipientList => Recipients.Split('|', StringSplitOptions.RemoveEmptyEntries);
}
