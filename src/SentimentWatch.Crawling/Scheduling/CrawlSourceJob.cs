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

    public static JobKey KeyFor(string sourceId) => new(sourceId, Group);

    public static TriggerKey TriggerKeyFor(string sourceId) => new(sourceId + "-trigger", Group);

    /// <summary>Adds the job and trigger of one configured source at start-up.</summary>
    public static void Schedule(IQuartzBuilder quartz, CrawlSource source)
    {
        var jobKey = KeyFor(source.Id);
        // Recovery: on a clustered store, a crawl cut short by its worker's death runs again on another.
        quartz.AddJob<CrawlSourceJob>(job => job.WithIdentity(jobKey).UsingJobData(SourceIdKey, source.Id).RequestRecovery().WithDescription(Description(source)));
        quartz.AddTrigger(trigger => trigger.ForJob(jobKey).WithIdentity(TriggerKeyFor(source.Id)).StartNow().WithSchedule(ScheduleOf(source)));
    }

    /// <summary>The job of one source, for a scheduler that is already running (sources managed over the API).</summary>
    public static IJobDetail BuildJob(CrawlSource source) =>
        JobBuilder.Create<CrawlSourceJob>().WithIdentity(KeyFor(source.Id)).UsingJobData(SourceIdKey, source.Id).RequestRecovery().WithDescription(Description(source)).Build();

    public static ITrigger BuildTrigger(CrawlSource source) =>
        TriggerBuilder.Create().ForJob(KeyFor(source.Id)).WithIdentity(TriggerKeyFor(source.Id)).StartNow().WithSchedule(ScheduleOf(source)).Build();

    private static string Description(CrawlSource source) => $"crawl {source.Kind} source '{source.Id}'";

    /// <summary>
    /// Every Interval or on the cron, from now. Misfires (the service was down when a run was due)
    /// fire once now and then resume the schedule, never a burst of catch-up runs.
    /// </summary>
    private static IScheduleBuilder ScheduleOf(CrawlSource source) =>
        source.Interval is { } interval
            ? SimpleScheduleBuilder.Create().WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount)
            : CronScheduleBuilder.Create(source.Cron!).InTimeZone(source.ResolveTimeZone()).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed);
}
