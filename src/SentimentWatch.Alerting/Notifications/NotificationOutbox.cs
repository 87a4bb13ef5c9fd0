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
    /// Hands over undelivered rows: every one of them after a restart with in-memory job storage
    /// (<paramref name="includeEnqueued"/>), else only those never handed over.
    /// </summary>
    public async Task<int> HandOverUnfinishedAsync(bool includeEnqueued, CancellationToken cancellationToken)
    {
        List<long> ids;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            ids = await db.Outbox
                .Where(o => o.DeliveredAt == null && (includeEnqueued || o.EnqueuedAt == null))
                .OrderBy(o => o.Id)
                .Select(o => o.Id)
                .ToListAsync(cancellationToken);
        }

        await HandOverAsync(ids, cancellationToken);
        return ids.Count;
    }
}
