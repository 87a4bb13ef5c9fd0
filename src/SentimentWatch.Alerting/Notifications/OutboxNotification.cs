namespace SentimentWatch.Alerting.Notifications;

/// <summary>
/// One notification to one channel, written in the same transaction as the alert change that
/// caused it and only then handed to Hangfire. The row, not the Hangfire job, is the record
/// of truth: unfinished rows are handed over again at start-up, and a delivered row is never
/// sent again. <see cref="IdempotencyKey"/> travels with the message so a receiver can drop
/// the rare repeat (crash between sending and recording it).
/// </summary>
public sealed class OutboxNotification
{
    public long Id { get; set; }

    /// <summary><c>alert-{alertId}-{n}-{channel}</c>; unique.</summary>
    public required string IdempotencyKey { get; set; }

    public long AlertId { get; set; }
    public required string Channel { get; set; }
    public NotificationKind Kind { get; set; }

    /// <summary>The <see cref="NotificationMessage"/> as JSON, fixed when the alert changed.</summary>
    public required string Payload { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was last handed to Hangfire; null if that has not happened yet.</summary>
    public DateTimeOffset? EnqueuedAt { get; set; }

    /// <summary>A worker holds it until then, so two jobs for one row never send concurrently.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}
