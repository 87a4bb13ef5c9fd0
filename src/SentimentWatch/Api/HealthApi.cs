using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Pipeline;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Api;

/// <summary>
/// <c>GET /health</c>: the state store, the index and the pipeline, each with its numbers.
/// 200 when healthy or degraded, 503 when unhealthy. Open to load balancers: no key needed,
/// and it reveals counts, never content.
/// </summary>
public static class HealthApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<StateStoreHealthCheck>("store")
            .AddCheck<IndexHealthCheck>("index")
            .AddCheck<PipelineHealthCheck>("pipeline");
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
        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
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

internal sealed class PipelineHealthCheck(PipelineStatus status, MentionLedger ledger, Microsoft.Extensions.Options.IOptions<PipelineOptions> options) : IHealthCheck
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
        return backlog > limit
            ? HealthCheckResult.Degraded($"{backlog} mentions pending, over Pipeline:MaxBacklog {limit}: intake answers 429 until the pipeline catches up", data: data)
            : HealthCheckResult.Healthy("pipeline running", data);
    }
}
