using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SentimentWatch.Alerting;

/// <summary>
/// Loads the alerts' word segmenter in the background as the service starts (decision 191). It
/// used to load on the first indexed batch: the first post of a crisis after a restart waited about
/// a second longer for its alert, and a burst paid for it inside the pipeline.
/// </summary>
internal sealed class TopTermsWarmUp(IncidentDesk desk, ILogger<TopTermsWarmUp> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(() =>
        {
            try
            {
                desk.PrepareTopTerms();
            }
            catch (Exception ex)
            {
                // The desk tries again on its first batch; alerts still go out with character-pair top terms meanwhile.
                logger.LogWarning(ex, "Could not load the word segmenter for top terms at start-up");
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
