using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SentimentWatch.Core.Hosting;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Pipeline;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Api;

/// <summary>
/// <c>GET /health</c>: the worker's roles, then the state store, the index, the pipeline and the crawl. 200 when healthy or
/// degraded, 503 when unhealthy. Open to load balancers without a key, and then it says only the
/// status of each component by name; the details (paths, URLs, errors, counts, each source's
/// crawl health) need an API key, since they map the installation for an attacker.
/// </summary>
public static class HealthApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<StateStoreHealthCheck>("store")
            .AddCheck<IndexHealthCheck>("index")
            .AddCheck<PipelineHealthCheck>("pipeline")
            .AddCheck<CrawlHealthCheck>("crawl");
        return builder;
    }

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteAsync,
        }).AllowAnonymous();
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";

        // Which roles this worker runs (Worker:Roles): says what its checks speak for.
        var roles = WorkerOptions.Names(context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<WorkerOptions>>().Value.Roles);
        if (context.User.Identity?.IsAuthenticated != true)
        {
            var brief = new
            {
                status = report.Status.ToString().ToLowerInvariant(),
                roles,
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString().ToLowerInvariant() }),
            };
            return JsonSerializer.SerializeAsync(context.Response.Body, brief, Json, context.RequestAborted);
        }

        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            roles,
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new
                {
                    status = e.Value.Status.ToString().ToLowerInvariant(),
                    description = e.Value.Description,
                    error = e.Value.Exception?.Message,
                    data = e.Value.Data,
                }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, Json, context.RequestAborted);
    }
}

internal sealed class StateStoreHealthCheck(MentionLedger ledger, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var counts = await ledger.CountAsync(cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["pending"] = counts.Pending,
            ["processed"] = counts.Processed,
            ["parked"] = counts.Parked,
            ["unscored"] = counts.Unscored,
        };
        if (counts.Pending > 0 && await ledger.OldestPendingAcceptedAtAsync(cancellationToken) is { } oldest)
        {
            // The pipeline's lag: how long the oldest mention not yet searchable has waited.
            data["oldestPendingAgeSeconds"] = Math.Round(Math.Max(0, (clock.GetUtcNow() - oldest).TotalSeconds), 1);
        }
        return counts.Parked > 0
            ? HealthCheckResult.Degraded($"{counts.Parked} mention(s) parked; see GET /api/pipeline/parked", data: data)
            : HealthCheckResult.Healthy("SQLite state store reachable", data);
    }
}

internal sealed class IndexHealthCheck(IMentionIndex index) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = await index.HealthAsync(cancellationToken);
        var data = new Dictionary<string, object> { ["provider"] = health.Provider, ["documents"] = health.DocumentCount };
        return health.Healthy
            ? HealthCheckResult.Healthy(health.Detail ?? $"{health.Provider} index ready", data)
            : HealthCheckResult.Unhealthy(health.Detail ?? $"{health.Provider} index unavailable", data: data);
    }
}

internal sealed class PipelineHealthCheck(PipelineStatus status, MentionLedger ledger, Microsoft.Extensions.Options.IOptions<PipelineOptions> options, Microsoft.Extensions.Options.IOptions<WorkerOptions> worker) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var backlog = await ledger.CountPendingAsync(cancellationToken);
        var limit = options.Value.MaxBacklog;
        var data = new Dictionary<string, object>
        {
            ["processedSinceStart"] = status.Processed,
            ["scoredSinceStart"] = status.Scored,
            ["parkedSinceStart"] = status.Parked,
            ["processedPerSecond"] = Math.Round(status.ProcessedPerSecond, 1),
            ["backlog"] = backlog,
            ["maxBacklog"] = limit,
        };
        if (status.LastProcessedAt is { } last)
        {
            data["lastProcessedAt"] = last;
        }

        // Over the limit the intake pushes back (429): still working, but not keeping up.
        var here = worker.Value.Roles.HasFlag(WorkerRoles.Pipeline) ? "pipeline running" : "pipeline runs on other workers (Worker:Roles)";
        return backlog > limit
            ? HealthCheckResult.Degraded($"{backlog} mentions pending, over Pipeline:MaxBacklog {limit}: intake answers 429 until the pipeline catches up", data: data)
            : HealthCheckResult.Healthy(here, data);
    }
}

/// <summary>
/// Per-source crawl health (what <c>GET /api/sources</c> shows): degraded while any enabled source
/// is failing, so a broken crawler shows on the one page operators watch. Healthy with no crawler.
/// </summary>
internal sealed class CrawlHealthCheck(IEnumerable<SentimentWatch.Core.Crawling.ISourceHealthReader> readers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var sources = new List<SentimentWatch.Core.Crawling.SourceHealth>();
        foreach (var reader in readers)
        {
            sources.AddRange(await reader.ListAsync(cancellationToken));
        }

        var data = new Dictionary<string, object>();
        foreach (var source in sources)
        {
            data[source.SourceId] = new
            {
                source.Enabled,
                source.ConsecutiveFailures,
                source.LastSuccessAt,
                source.LastRunAt,
                source.LastError,
            };
        }

        var failing = sources.Where(s => s.Enabled && s.ConsecutiveFailures > 0).Select(s => s.SourceId).ToList();
        return failing.Count > 0
            ? HealthCheckResult.Degraded($"{failing.Count} source(s) failing: {string.Join(", ", failing)}; see GET /api/sources", data: data)
            : HealthCheckResult.Healthy(sources.Count == 0 ? "no crawled sources" : $"{sources.Count} source(s) crawling", data);
    }
}
