using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;
using SentimentWatch.Core.Crawling;
using SentimentWatch.Core.Hosting;
using SentimentWatch.Crawling.Fetching;
using SentimentWatch.Crawling.Scheduling;
using SentimentWatch.Crawling.State;
using SentimentWatch.Storage;

namespace SentimentWatch.Crawling;

public static class CrawlingRegistration
{
    /// <summary>
    /// The crawling capability: options (validated at start), the polite fetcher on one named
    /// HttpClient, cursors and health in the state store, and one Quartz job per enabled
    /// source. Needs <c>AddStorage()</c> (state store and <c>IMentionIntake</c>).
    /// </summary>
    public static IHostApplicationBuilder AddCrawling(this IHostApplicationBuilder builder)
    {
        CharsetDetector.EnsureCodePages();
        var services = builder.Services;
        services.AddOptions<CrawlingOptions>()
            .BindConfiguration(CrawlingOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CrawlingOptions>, CrawlingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.AddHttpClient(PageFetcher.HttpClientName, (sp, client) =>
            {
                // Timeouts are per attempt in the resilience pipeline, not on the client.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", sp.GetRequiredService<IOptionsMonitor<CrawlingOptions>>().CurrentValue.UserAgent);
                client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.9,*/*;q=0.8");
                client.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8");
            })
            // Sources may carry credentials (SourceAuth): header values never reach the logs.
            .RedactLoggedHeaders(_ => true)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.All,
                // Redirects are followed by PageFetcher, so every target is checked against its robots.txt.
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });

        services.AddSingleton<HostGate>();
        services.AddSingleton<RobotsCache>();
        services.AddSingleton<PageFetcher>();
        services.AddSingleton<PageRenderer>();
        services.AddSingleton<SourceCrawler>();
        services.AddStateDbContext<CrawlStateDbContext>();
        services.AddSingleton<CrawlStateStore>();
        services.AddSingleton<ISourceHealthReader>(sp => sp.GetRequiredService<CrawlStateStore>());
        services.AddSingleton<CrawlRunner>();
        services.AddSingleton<Sources.SourceCatalog>();
        services.AddSingleton<CrawlSchedule>();
        services.AddSingleton<Revisits.HotPostRevisits>();

        // Configured sources are scheduled here; sources managed over the API (and pauses) by
        // ManagedSourcesStartup, and re-scheduled at once when the API changes them (decision 155).
        var configured = builder.Configuration.GetSection(CrawlingOptions.SectionName).Get<CrawlingOptions>() ?? new CrawlingOptions();
        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        services.AddQuartz(quartz =>
        {
            // RAM on SQLite; clustered on the PostgreSQL state database (decision 145).
            quartz.UseCrawlScheduleStore(storage, configured.ClusterCheckinInterval);
            foreach (var source in configured.Sources.Where(s => s.Enabled && !string.IsNullOrWhiteSpace(s.Id) && (s.Interval is not null || CronExpression.TryParse(s.Cron ?? string.Empty, out _))))
            {
                CrawlSourceJob.Schedule(quartz, source);
            }
        });

        // The scheduler (and the schedules of sources added over the API) runs on crawl workers
        // only (Worker:Roles); the others still read crawl health and manage sources.
        if (builder.Runs(WorkerRoles.Crawl))
        {
            services.AddQuartzHostedService(quartz => quartz.WaitForJobsToComplete = true);
            services.AddHostedService<ManagedSourcesStartup>();
        }

        return builder;
    }
}
