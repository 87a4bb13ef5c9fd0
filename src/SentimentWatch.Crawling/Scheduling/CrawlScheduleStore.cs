using Quartz;
using SentimentWatch.Storage;

namespace SentimentWatch.Crawling.Scheduling;

/// <summary>
/// Where the crawl schedules live (decision 145). On the embedded SQLite state store: Quartz's RAM
/// store, as before. On PostgreSQL: Quartz's ADO.NET store on the state database, clustered, so
/// every worker with the <c>crawl</c> role shares one schedule, each fire of a source runs on exactly
/// one of them, and a worker that stops checking in has its triggers (and the crawls it was running,
/// which request recovery) taken over by another after <see cref="CrawlingOptions.ClusterCheckinInterval"/>
/// plus the same again as grace. The tables come from Quartz's own PostgreSQL script, embedded in the
/// Quartz package: <c>ProvisionSchema()</c> creates whatever is missing at start-up and never alters or
/// drops, and workers starting together find the tables the first one made.
/// </summary>
public static class CrawlScheduleStore
{
    /// <summary>One name for the whole cluster: Quartz's rows are keyed by it (<c>sched_name</c>).</summary>
    public const string SchedulerName = "sentimentwatch";

    public static void UseCrawlScheduleStore(this IQuartzBuilder quartz, StorageOptions storage, TimeSpan clusterCheckinInterval)
    {
        if (storage.Provider != StateStoreProvider.PostgreSql)
        {
            return;
        }

        quartz.ConfigureScheduler(scheduler => scheduler.InstanceName = SchedulerName);
        quartz.UsePersistentStore(store =>
        {
            store.UsePostgres(storage.ConnectionString!);
            store.UseSystemTextJsonSerializer();
            store.UseClustering(cluster =>
            {
                cluster.CheckinInterval = clusterCheckinInterval;
                cluster.CheckinMisfireThreshold = clusterCheckinInterval;
            });
            store.ProvisionSchema();
        });
    }
}
