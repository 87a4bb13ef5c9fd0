using Quartz;
using SentimentWatch.Crawling.Sources;

namespace SentimentWatch.Crawling.Scheduling;

/// <summary>The Quartz job of one source. Never two runs of one source at once.</summary>
[DisallowConcurrentExecution]
public sealed class CrawlSourceJob(CrawlRunner runner) : IJob
{
    public const string SourceIdKey = "sourceId";
    public const string Group = "crawling";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var sourceId = context.MergedJobDataMap.GetString(SourceIdKey);
        if (!string.IsNullOrEmpty(sourceId))
        {
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
