using Microsoft.Extensions.Logging;
using Quartz;
using SentimentWatch.Crawling.Sources;

namespace SentimentWatch.Crawling.Scheduling;

/// <summary>
/// Keeps the scheduler in step with the source catalog while the service runs: a new or changed
/// source is (re)scheduled at once, a paused one holds its trigger, a deleted one loses its job.
/// Speaks only <see cref="ISchedulerFactory"/> / <see cref="IScheduler"/>, so it works the same on
/// the RAM store and on a persistent, clustered job store.
/// </summary>
public sealed partial class CrawlSchedule(ISchedulerFactory schedulers, ILogger<CrawlSchedule> logger)
{
    /// <summary>Makes the scheduler match the source: job and trigger replaced, paused or removed.</summary>
    public async Task ApplyAsync(CatalogedSource source, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var key = CrawlSourceJob.KeyFor(source.Id);
        if (!source.Definition.Enabled || (source.Definition.Interval is null && string.IsNullOrWhiteSpace(source.Definition.Cron)))
        {
            await scheduler.DeleteJob(key, cancellationToken);
            LogUnscheduled(source.Id);
            return;
        }

        var trigger = CrawlSourceJob.BuildTrigger(source.Definition);
        if (source.Paused)
        {
            // A paused source keeps its (new) timing, held until it is resumed.
            await scheduler.ScheduleJob(CrawlSourceJob.BuildJob(source.Definition), [trigger], new ScheduleJobOptions { Replace = true, Paused = true }, cancellationToken);
            LogPaused(source.Id);
            return;
        }

        var existing = await scheduler.GetTrigger(trigger.Key, cancellationToken);
        if (existing is not null && SameTiming(existing, source.Definition))
        {
            // Only selectors or URLs changed (they are read at every run), or a resume: keep the
            // schedule's rhythm instead of restarting it.
            await scheduler.ResumeJob(key, cancellationToken);
            return;
        }

        await scheduler.ScheduleJob(CrawlSourceJob.BuildJob(source.Definition), [trigger], new ScheduleJobOptions { Replace = true }, cancellationToken);
        LogScheduled(source.Id, source.Definition.Interval?.ToString() ?? source.Definition.Cron);
    }

    /// <summary>Removes the source's job and trigger (the source was deleted).</summary>
    public async Task RemoveAsync(string sourceId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.DeleteJob(CrawlSourceJob.KeyFor(sourceId), cancellationToken);
        LogUnscheduled(sourceId);
    }

    private static bool SameTiming(ITrigger existing, CrawlSource source) => existing switch
    {
        ISimpleTrigger simple => source.Interval is { } interval && simple.RepeatInterval == interval,
        ICronTrigger cron => source.Interval is null && cron.CronExpressionString == source.Cron && cron.TimeZone.Id == source.ResolveTimeZone().Id,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceId} scheduled ({Timing})")]
    private partial void LogScheduled(string sourceId, string? timing);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceId} paused: its trigger holds until resumed")]
    private partial void LogPaused(string sourceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceId} unscheduled")]
    private partial void LogUnscheduled(string sourceId);
}
