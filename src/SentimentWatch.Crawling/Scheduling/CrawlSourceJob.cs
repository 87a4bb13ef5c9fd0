using Microsoft.Extensions.Logging;
using Quartz;
using SentimentWatch.Crawling.Sources;

namespace SentimentWatch.Crawling.Scheduling;

/// <summary>The Quartz job of one source. Never two runs of one source at once.</summary>
[DisallowConcurrentExecution]
public sealed class CrawlSourceJob(CrawlRunner runner, ILogger<CrawlSourceJob> logger) : IJob
{
    public const string SourceIdKey = "sourceId";
    public const string Group = "crawling";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var sourceId = context.MergedJobDataMap.GetString(SourceIdKey);
        if (!string.IsNullOrEmpty(sourceId))
        {
            if (context.Recovering)
            {
                // Clustered store (decision 145): the worker that was running this crawl stopped checking in.
                logger.LogWarning("Recovering the crawl of {SourceId} (a fire of {Trigger}) left unfinished by a worker that stopped checking in", sourceId, context.RecoveringTriggerKey?.ToString() ?? "(unknown)");
            }

            await runner.RunAsync(sourceId, cancellationToken);
        }
    }

    /// <summary>
    /// Adds the job and trigger of one source. Misfires (the service was down when a run was
    /// due) fire once now and then resume the schedule, never a burst of catch-up runs.
    /// </summary>
    public static void Schedule(IQuartzBuilder quartz, CrawlSource source)
    {
        var jobKey = new JobKey(source.Id, Group);
        // Recovery: on a clustered store, a crawl cut short by its worker's death runs again on another.
        quartz.AddJob<CrawlSourceJob>(job => job.WithIdentity(jobKey).UsingJobData(SourceIdKey, source.Id).RequestRecovery().WithDescription($"crawl {source.Kind} source '{source.Id}'"));
        quartz.AddTrigger(trigger =>
        {
            trigger.ForJob(jobKey).WithIdentity(source.Id + "-trigger", Group).StartNow();
            if (source.Interval is { } interval)
            {
                trigger.WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount));
            }
            else
            {
                trigger.WithCronSchedule(source.Cron!, s => s.InTimeZone(source.ResolveTimeZone()).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed));
            }
        });
    }
}
