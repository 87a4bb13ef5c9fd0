using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace SentimentWatch.Alerting.Notifications;

/// <summary>
/// The Hangfire job that sends one outbox row to its channel. Failures throw, so Hangfire
/// retries with backoff; a failing channel only ever delays its own rows, never evaluation.
/// </summary>
public sealed class NotificationDelivery(
    IDbContextFactory<AlertingDbContext> dbs,
    NotificationChannels channels,
    TimeProvider clock,
    ILogger<NotificationDelivery> logger)
{
    /// <summary>Long enough for any channel's timeout; a crashed worker's claim lapses after it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    [AutomaticRetry(Attempts = 12, DelaysInSeconds = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task DeliverAsync(long outboxId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var leaseUntil = now + Lease;

        // Claim the row: only one job sends it, and never after it was delivered.
        var claimed = await db.Outbox
            .Where(o => o.Id == outboxId && o.DeliveredAt == null && (o.LeaseUntil == null || o.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LeaseUntil, leaseUntil).SetProperty(o => o.Attempts, o => o.Attempts + 1), cancellationToken);
        if (claimed == 0)
        {
            var open = await db.Outbox.AsNoTracking().Where(o => o.Id == outboxId && o.DeliveredAt == null).Select(o => o.LeaseUntil).ToListAsync(cancellationToken);
            if (open.Count == 0)
            {
                logger.LogDebug("Notification {OutboxId} is delivered (or gone); nothing to do", outboxId);
                return;
            }

            // Claimed by another attempt that has not finished: maybe sending now, maybe a process killed mid-send whose claim
            // lapses at the lease's end. Not done: fail this attempt so Hangfire tries again after the lease, instead of
            // reporting success for a notice nobody may ever send.
            throw new NotificationLeasedException(outboxId, open[0]);
        }

        var row = await db.Outbox.AsNoTracking().SingleAsync(o => o.Id == outboxId, cancellationToken);
        var channel = channels.Find(row.Channel);
        if (channel is null)
        {
            await Record(db, outboxId, delivered: null, $"channel '{row.Channel}' is no longer configured", cancellationToken);
            logger.LogWarning("Notification {IdempotencyKey} is for channel {Channel}, which is no longer configured; dropped", row.IdempotencyKey, row.Channel);
            AlertingMeter.DeliveryAttempted(row.Channel, "dropped");
            return;
        }

        var message = JsonSerializer.Deserialize<NotificationMessage>(row.Payload, Alert.Json)
            ?? throw new InvalidOperationException($"outbox row {outboxId} has an empty payload");
        try
        {
            await channel.SendAsync(message, cancellationToken);
        }
        catch (Exception ex)
        {
            await Record(db, outboxId, delivered: null, ex.Message, CancellationToken.None);
            logger.LogWarning("Notification {IdempotencyKey} to {Channel} failed (attempt {Attempt}): {Error}", row.IdempotencyKey, row.Channel, row.Attempts, ex.Message);
            AlertingMeter.DeliveryAttempted(row.Channel, "failed");
            throw;
        }

        await Record(db, outboxId, clock.GetUtcNow(), null, CancellationToken.None);
        logger.LogInformation("Delivered {Kind} notification {IdempotencyKey} for alert {AlertId} to {Channel}", message.Kind, row.IdempotencyKey, row.AlertId, row.Channel);
        AlertingMeter.DeliveryAttempted(row.Channel, "delivered");
    }

    private static Task<int> Record(AlertingDbContext db, long id, DateTimeOffset? delivered, string? error, CancellationToken cancellationToken) =>
        db.Outbox.Where(o => o.Id == id).ExecuteUpdateAsync(
            s => s.SetProperty(o => o.DeliveredAt, delivered).SetProperty(o => o.LastError, error).SetProperty(o => o.LeaseUntil, (DateTimeOffset?)null),
            cancellationToken);
}

/// <summary>Another attempt holds the row's claim: this one retries later (decision 250).</summary>
public sealed class NotificationLeasedException(long outboxId, DateTimeOffset? leaseUntil)
    : Exception($"notification {outboxId} is claimed by another attempt until {leaseUntil:O}; trying again later");
