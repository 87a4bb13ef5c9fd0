using Microsoft.Extensions.Hosting;
using SentimentWatch.Crawling.Sources;

namespace SentimentWatch.Crawling.Scheduling;

/// <summary>
/// At start-up, schedules the sources managed over the API and holds the paused ones (configured
/// sources are scheduled by the Quartz builder). Runs after the state store is migrated
/// (the migrator works in <c>StartingAsync</c>).
/// </summary>
public sealed class ManagedSourcesStartup(SourceCatalog catalog, CrawlSchedule schedule) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var source in await catalog.ListAsync(cancellationToken))
        {
            if (source.Origin == SourceOrigin.Api || source.Paused)
            {
                await schedule.ApplyAsync(source, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
