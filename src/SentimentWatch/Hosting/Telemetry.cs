using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SentimentWatch.Core.Crawling;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Hosting;

/// <summary>Metrics and traces: the <c>Telemetry</c> section of appsettings.json.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>The OpenTelemetry collector (OTLP), e.g. <c>http://otel-collector:4317</c>; unset exports nothing.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (port 4317) or <c>http/protobuf</c> (port 4318).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>The <c>service.name</c> resource attribute; give each worker of a deployment the same one.</summary>
    public string ServiceName { get; set; } = "sentimentwatch";

    /// <summary>How often the store-backed gauges (pipeline lag, crawl counts per source) are read.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Reports every bad telemetry setting at once, by its configuration key.</summary>
public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        const string section = TelemetryOptions.SectionName;
        if (options.OtlpEndpoint is { } endpoint && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
        {
            failures.Add($"{section}:OtlpEndpoint '{endpoint}' is not an http(s) address such as 'http://otel-collector:4317'.");
        }

        if (options.OtlpProtocol is not ("grpc" or "http/protobuf"))
        {
            failures.Add($"{section}:OtlpProtocol is '{options.OtlpProtocol}'; use 'grpc' or 'http/protobuf'.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            failures.Add($"{section}:ServiceName is empty; name the service as the collector should show it.");
        }

        if (options.SampleInterval < TimeSpan.FromMilliseconds(100) || options.SampleInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{section}:SampleInterval is {options.SampleInterval}; use between 00:00:00.100 and 00:10:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class TelemetryExtensions
{
    /// <summary>The service's meter and activity source name (alerting counts on it too).</summary>
    public const string ServiceMeter = "SentimentWatch";

    /// <summary>
    /// OpenTelemetry metrics and traces: the service's own instruments (<see cref="ServiceInstruments"/>),
    /// ASP.NET Core's request duration and spans, the Elasticsearch client's spans; exported over
    /// OTLP when <c>Telemetry:OtlpEndpoint</c> is set.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        builder.Services.AddSingleton<ServiceInstruments>();
        builder.Services.AddHostedService<TelemetrySampler>();

        var options = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(string.IsNullOrWhiteSpace(options.ServiceName) ? "sentimentwatch" : options.ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(ServiceMeter)
                // http.server.request.duration (request latency by route and status), emitted by ASP.NET Core itself.
                .AddMeter("Microsoft.AspNetCore.Hosting"))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddSource(ServiceMeter)
                // The official Elasticsearch client's spans (one per request, with the endpoint and node).
                .AddSource("Elastic.Transport"));
        if (options.OtlpEndpoint is { IsAbsoluteUri: true } endpoint)
        {
            telemetry.UseOtlpExporter(options.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc, endpoint);
        }

        return builder;
    }
}

/// <summary>
/// The service's observable instruments. Pipeline counts are read from <see cref="PipelineMetrics"/>
/// (decision 110) when a collector asks, never counted a second time; store-backed numbers (lag,
/// crawl health) come from <see cref="TelemetrySampler"/>'s last reading, so a scrape never waits
/// on the database.
/// </summary>
public sealed class ServiceInstruments : IDisposable
{
    private readonly Meter meter = new(TelemetryExtensions.ServiceMeter);
    private volatile StoreReading reading = StoreReading.None;

    public ServiceInstruments(PipelineMetrics pipeline)
    {
        meter.CreateObservableCounter("sentimentwatch.pipeline.accepted", () => pipeline.Accepted, "{mention}", "Mentions newly taken into the ledger since start-up.");
        meter.CreateObservableCounter(
            "sentimentwatch.pipeline.stage.items",
            () => pipeline.Snapshot().Select(s => new Measurement<long>(s.Items, new KeyValuePair<string, object?>("stage", s.Stage))),
            "{mention}",
            "Mentions handled by each pipeline stage since start-up.");
        meter.CreateObservableCounter(
            "sentimentwatch.pipeline.stage.busy",
            () => pipeline.Snapshot().Select(s => new Measurement<double>(s.Busy.TotalSeconds, new KeyValuePair<string, object?>("stage", s.Stage))),
            "s",
            "Time each pipeline stage spent working since start-up.");
        meter.CreateObservableGauge("sentimentwatch.pipeline.pending", () => reading.Pending, "{mention}", "Mentions accepted but not yet processed.");
        meter.CreateObservableGauge("sentimentwatch.pipeline.lag", () => reading.LagSeconds, "s", "Age of the oldest unprocessed mention (0 when none is pending).");
        meter.CreateObservableGauge("sentimentwatch.heap.bound", () => HeapBound.InForceBytes, "By", "The managed heap's bound in force: the service's (Host:HeapBoundMiB, raised as the data grows), else the runtime's own (DOTNET_GCHeapHardLimit, a container limit); 0 when there is none.");
        meter.CreateObservableCounter(
            "sentimentwatch.crawl.pages",
            () => reading.Sources.Select(s => new Measurement<long>(s.PagesFetched, Source(s))),
            "{page}",
            "Pages fetched per crawl source.");
        meter.CreateObservableCounter(
            "sentimentwatch.crawl.mentions_found",
            () => reading.Sources.Select(s => new Measurement<long>(s.TotalItemsFound, Source(s))),
            "{mention}",
            "New mentions found per crawl source.");
        meter.CreateObservableCounter(
            "sentimentwatch.crawl.errors",
            () => reading.Sources.SelectMany(s => s.ErrorsByKind.Select(e => new Measurement<long>(e.Value, Source(s), new KeyValuePair<string, object?>("error.kind", e.Key)))),
            "{error}",
            "Crawl errors per source and kind (timeout, http_429, http_5xx, parse, robots, …).");
    }

    /// <summary>When the store was last read; null before the first reading.</summary>
    public DateTimeOffset? LastReadAt => reading.At;

    public void Update(StoreReading next) => reading = next;

    public void Dispose() => meter.Dispose();

    private static KeyValuePair<string, object?> Source(SourceHealth source) => new("source", source.SourceId);
}

/// <summary>What the sampler last read from the state store.</summary>
public sealed record StoreReading(DateTimeOffset? At, long Pending, double LagSeconds, IReadOnlyList<SourceHealth> Sources)
{
    public static StoreReading None { get; } = new(null, 0, 0, []);
}

/// <summary>Reads the store-backed numbers every <see cref="TelemetryOptions.SampleInterval"/>; a failed read is logged and retried next time.</summary>
public sealed class TelemetrySampler(
    ServiceInstruments instruments,
    MentionLedger ledger,
    IServiceProvider services,
    TimeProvider clock,
    IOptions<TelemetryOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<TelemetrySampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not before the service has started: the state store is migrated by a later start-up step,
        // and a start that fails (port in use, bad settings) must stay the one line it is.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        // Crawling is optional in a host: without it there are simply no per-source numbers.
        var sources = services.GetService<ISourceHealthReader>();
        using var timer = new PeriodicTimer(options.Value.SampleInterval, clock);
        do
        {
            try
            {
                var pending = await ledger.CountPendingAsync(stoppingToken);
                var now = clock.GetUtcNow();
                var lag = pending > 0 && await ledger.OldestPendingAcceptedAtAsync(stoppingToken) is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0;
                var health = sources is null ? [] : await sources.ListAsync(stoppingToken);
                instruments.Update(new StoreReading(now, pending, lag, health));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Telemetry could not read the store; the lag and crawl gauges keep their last values");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
