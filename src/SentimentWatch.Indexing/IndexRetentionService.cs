using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Indexing;

/// <summary>Drops mentions older than <c>Index:Retention</c>, once at start-up and then every sweep interval.</summary>
public sealed class IndexRetentionService(
    IMentionIndex index,
    IOptions<IndexOptions> options,
    TimeProvider time,
    ILogger<IndexRetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Retention is not { } retention)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.RetentionSweepInterval, time);
        do
        {
            try
            {
                var cutoff = time.GetUtcNow() - retention;
                var dropped = await index.DeleteOlderThanAsync(cutoff, stoppingToken);
                if (dropped > 0)
                {
                    logger.LogInformation("Retention dropped {MentionCount} mentions published before {Cutoff:O}", dropped, cutoff);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed sweep is retried at the next tick; it must not stop the host.
                logger.LogError(ex, "Retention sweep of the mention index failed; retrying in {SweepInterval}", options.Value.RetentionSweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
