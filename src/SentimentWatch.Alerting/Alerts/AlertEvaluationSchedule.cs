using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Alerting.Notifications;

namespace SentimentWatch.Alerting;

/// <summary>
/// Re-evaluates every watch on a short schedule, so windowed rules notice quiet periods
/// (resolution, recovery notices) without waiting for new mentions. At start-up it first hands
/// unfinished notifications from the outbox back to Hangfire.
/// </summary>
public sealed class AlertEvaluationSchedule(
    IncidentDesk desk,
    NotificationOutbox outbox,
    IOptions<AlertingOptions> options,
    IOptions<SentimentWatch.Storage.StorageOptions> storage,
    TimeProvider clock,
    ILogger<AlertEvaluationSchedule> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // In-memory job storage (beside SQLite, decision 146) starts empty after a restart: every
        // undelivered row goes back. On PostgreSQL the queued jobs survived with the database.
        var inMemory = storage.Value.Provider == SentimentWatch.Storage.StateStoreProvider.Sqlite;
        var handed = await outbox.HandOverUnfinishedAsync(includeEnqueued: inMemory, cancellationToken);
        if (handed > 0)
        {
            logger.LogInformation("Handed {Count} unfinished notifications from the outbox back to Hangfire", handed);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.EvaluationInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await desk.EvaluateAllAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Scheduled alert evaluation failed; trying again in {Interval}", options.Value.EvaluationInterval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
