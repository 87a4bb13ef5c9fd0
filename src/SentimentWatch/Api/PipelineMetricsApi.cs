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
        IReadOnlyList<BucketView> SearchableBuckets);

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
            [.. buckets.Select((count, i) => new BucketView(i, LatencyHistogram.UpperBoundMs(i), count)).Where(b => b.Count > 0)]);
    }
}
