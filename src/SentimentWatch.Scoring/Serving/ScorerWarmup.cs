using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SentimentWatch.Scoring.Serving;

/// <summary>Loads the models when the host starts, so a corrupt file stops start-up instead of the first batch.</summary>
internal sealed class ScorerWarmup(ModelScorer scorer, ILogger<ScorerWarmup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Scoring models loaded: {ModelVersion}", scorer.ModelVersion);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
