using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace SentimentWatch.Alerting.Notifications;

/// <summary>
/// Hands committed outbox rows to Hangfire, one delivery job per row, and hands unfinished
/// rows over again after a restart (Hangfire's in-memory storage forgets its jobs).
/// </summary>
public sealed class NotificationOutbox(
    IBackgroundJobClient jobs,
    IDbContextFactory<AlertingDbContext> dbs,
    NotificationChannels channels,
    TimeProvider clock,
    ILogger<NotificationOutbox> logger)
{
    public async Task HandOverAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var handed = new List<long>(ids.Count);
        foreach (var id in ids)
        {
            try
            {
                jobs.Enqueue<NotificationDelivery>(delivery => delivery.DeliverAsync(id, CancellationToken.None));
                handed.Add(id);
            }
            catch (Exception ex)
            {
                // The row stays un-enqueued; the evaluation tick hands it over again.
                logger.LogError(ex, "Could not hand notification {OutboxId} to Hangfire; it stays in the outbox", id);
            }
        }

        var now = clock.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        await db.Outbox.Where(o => handed.Contains(o.Id)).ExecuteUpdateAsync(s => s.SetProperty(o => o.EnqueuedAt, now), cancellationToken);
    }

    /// <summary>
    /// How long after its hand-over an undelivered row is handed over again: longer than a delivery job's retries take (12
    /// attempts, about 2 h 9 min), so a row whose job gave up (a channel down overnight) or was lost (a process killed while it
    /// held the row's claim) is tried again, and a row still in its retries is not handed twice.
    /// </summary>
    public static readonly TimeSpan HandAgainAfter = TimeSpan.FromHours(3);

    /// <summary>
    /// Hands over undelivered rows: every one of them after a restart with in-memory job storage
    /// (<paramref name="includeEnqueued"/>), else those never handed over and those handed over more than
    /// <see cref="HandAgainAfter"/> ago and not claimed now, for a channel still configured.
    /// </summary>
    public async Task<int> HandOverUnfinishedAsync(bool includeEnqueued, CancellationToken cancellationToken)
    {
        List<long> ids;
        var now = clock.GetUtcNow();
        var handedBefore = now - HandAgainAfter;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            var rows = await db.Outbox
                .Where(o => o.DeliveredAt == null && (includeEnqueued || o.EnqueuedAt == null
                    || (o.EnqueuedAt < handedBefore && (o.LeaseUntil == null || o.LeaseUntil < now))))
                .OrderBy(o => o.Id)
                .Select(o => new { o.Id, o.Channel, o.EnqueuedAt })
                .ToListAsync(cancellationToken);
            // A row for a channel no longer configured is not handed again and again (its job records why it was dropped).
            ids = rows.Where(r => r.EnqueuedAt is null || includeEnqueued || channels.Find(r.Channel) is not null).Select(r => r.Id).ToList();
        }

        await HandOverAsync(ids, cancellationToken);
        return ids.Count;
    }
}
