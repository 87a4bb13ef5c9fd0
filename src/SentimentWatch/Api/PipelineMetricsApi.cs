using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Security;
using SentimentWatch.Pipeline;

namespace SentimentWatch.Api;

/// <summary>
/// <c>GET /api/pipeline/metrics</c>: the pipeline's own counters (mentions accepted and processed
/// since start-up, busy time per stage, accepted → searchable latency buckets). Cheap to read:
/// no database query, so a load test or a dashboard can poll it every second.
/// </summary>
public static class PipelineMetricsApi
{
    public static IEndpointRouteBuilder MapPipelineMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/pipeline/metrics", Read).RequireAuthorization(ApiPolicies.Admin).WithTags("Pipeline");
        return app;
    }

    public sealed record StageView(string Stage, long Calls, long Items, double BusySeconds);

    /// <summary>Latency buckets that hold anything: upper bound in ms and how many fell in it.</summary>
    public sealed record BucketView(int Bucket, double UpToMs, long Count);

    public sealed record MetricsView(
        long Accepted,
        long Processed,
        long Scored,
        long Parked,
        IReadOnlyList<StageView> Stages,
        double? SearchableP50Ms,
        double? SearchableP95Ms,
        IReadOnlyList<BucketView> SearchableBuckets)
    {
        /// <summary>The garbage collector since start-up: what a load costs in allocation and pauses (null from an older service).</summary>
        public CollectorView? Collector { get; init; }
    }

    /// <summary>
    /// The process's garbage collector since start-up, read from the runtime: bytes allocated, collections by generation,
    /// the time the process was paused for them, and the heap bound in force (<c>Host:HeapBoundMiB</c>, 0 when none).
    /// </summary>
    public sealed record CollectorView(long AllocatedBytes, int Gen0, int Gen1, int Gen2, double PausedSeconds, long HeapBoundBytes, long HeapBytes)
    {
        public static CollectorView Read() => new(
            GC.GetTotalAllocatedBytes(precise: false),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalPauseDuration().TotalSeconds,
            Hosting.HeapBound.InForceBytes,
            GC.GetGCMemoryInfo().HeapSizeBytes);
    }

    private static MetricsView Read(PipelineMetrics metrics, PipelineStatus status)
    {
        var buckets = metrics.Searchable.Read();
        return new MetricsView(
            metrics.Accepted,
            status.Processed,
            status.Scored,
            status.Parked,
            [.. metrics.Snapshot().Select(s => new StageView(s.Stage, s.Calls, s.Items, s.Busy.TotalSeconds))],
            LatencyHistogram.Percentile(buckets, 0.50),
            LatencyHistogram.Percentile(buckets, 0.95),
            [.. buckets.Select((count, i) => new BucketView(i, LatencyHistogram.UpperBoundMs(i), count)).Where(b => b.Count > 0)])
        {
            Collector = CollectorView.Read(),
        };
    }
}
