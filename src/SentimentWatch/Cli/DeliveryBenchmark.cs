using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using SentimentWatch.Alerting;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Storage;

namespace SentimentWatch.Cli;

/// <summary>
/// <c>bench delivery</c>: the number a PR team cares about, from a mention being handed to the
/// incident desk (the pipeline's observer, right after indexing) to its alert's webhook arriving
/// at a receiver on 127.0.0.1, through the SQLite outbox and a Hangfire job. Alerting runs as the
/// host wires it (state store, desk, outbox, Hangfire in-memory storage) on a temporary data
/// directory with one influencer rule, so every mention is a separate incident; the receiver is a
/// Kestrel server in the same process. Latency percentiles, the observer call's own time and the
/// process CPU per incident are printed with the load average.
/// </summary>
public static class DeliveryBenchmark
{
    private const string Channel = "bench-hook";

    public static Command Command()
    {
        var incidents = new Option<int>("--incidents") { Description = "Separate incidents raised, one mention each.", DefaultValueFactory = _ => 200 };
        var gap = new Option<int>("--gap-ms") { Description = "Milliseconds between two incidents.", DefaultValueFactory = _ => 25 };
        var command = new Command("bench", "Evidence → webhook latency: incidents raised through the incident desk, delivered through the outbox and Hangfire to a webhook on 127.0.0.1; p50/p95/max, observer call time and CPU per incident.")
        {
            incidents, gap,
        };
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var count = result.GetValue(incidents);
            var pause = result.GetValue(gap);
            if (count < 1 || pause < 0)
            {
                await Console.Error.WriteLineAsync("--incidents must be 1 or more and --gap-ms 0 or more.");
                return 2;
            }

            foreach (var line in await RunAsync(count, TimeSpan.FromMilliseconds(pause), cancellationToken))
            {
                await Console.Out.WriteLineAsync(line);
            }

            return 0;
        });
        return command;
    }

    /// <summary>Raises <paramref name="incidents"/> incidents and returns the report lines; throws if any is lost or sent twice.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(int incidents, TimeSpan gap, CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory("sw-bench-delivery-");
        try
        {
            await using var receiver = await WebhookSink.StartAsync(cancellationToken);
            using var host = BuildAlertingHost(data.FullName, receiver.Url);
            await host.StartAsync(cancellationToken);
            try
            {
                return await MeasureAsync(host.Services, receiver, incidents, gap, cancellationToken);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    private static IHost BuildAlertingHost(string dataDirectory, string webhookUrl)
    {
        // Only the bench's own settings: the repository's appsettings.json (its watches and rules) stays out.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Benchmark" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Alerting:Rules:0:Id"] = "loud",
            ["Alerting:Rules:0:Kind"] = "influencer",
            ["Alerting:Rules:0:Watch"] = "*",
            ["Alerting:Rules:0:MinReach"] = "100000",
            ["Alerting:Delivery:Webhooks:0:Name"] = Channel,
            ["Alerting:Delivery:Webhooks:0:Url"] = webhookUrl,
            ["Alerting:Delivery:Webhooks:0:Secret"] = "bench-delivery-secret-0123456789",
        });
        builder.Logging.ClearProviders();
        builder.AddStorage();
        builder.AddAlerting();
        return builder.Build();
    }

    private static async Task<IReadOnlyList<string>> MeasureAsync(IServiceProvider services, WebhookSink receiver, int incidents, TimeSpan gap, CancellationToken cancellationToken)
    {
        var desk = services.GetRequiredService<IncidentDesk>();
        var clock = services.GetRequiredService<TimeProvider>();
        var loadBefore = MachineLoad.Average();

        // Warm-up incident (JIT, the first connections) is not measured.
        var warmUp = Mention(0, "warm-up", clock.GetUtcNow());
        await desk.OnIndexedAsync([warmUp], cancellationToken);
        await receiver.ArrivalOfAsync(warmUp.Id, cancellationToken);

        var handedAt = new Dictionary<string, long>(incidents);
        var observe = new List<double>(incidents);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var i = 1; i <= incidents; i++)
        {
            var mention = Mention(i, $"w{i:D4}", clock.GetUtcNow());
            var started = Stopwatch.GetTimestamp();
            handedAt[mention.Id] = started;
            await desk.OnIndexedAsync([mention], cancellationToken);
            observe.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (gap > TimeSpan.Zero)
            {
                await Task.Delay(gap, cancellationToken);
            }
        }

        var latencies = new List<double>(incidents);
        foreach (var (id, started) in handedAt)
        {
            var arrived = await receiver.ArrivalOfAsync(id, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(started, arrived).TotalMilliseconds);
        }

        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        var elapsed = wall.Elapsed;

        // Correctness, so a fast but wrong run is never reported: every incident delivered exactly once.
        await using (var db = await services.GetRequiredService<IDbContextFactory<AlertingDbContext>>().CreateDbContextAsync(cancellationToken))
        {
            var alerts = await db.Alerts.CountAsync(cancellationToken);
            if (alerts != incidents + 1 || receiver.Deliveries != incidents + 1)
            {
                throw new InvalidOperationException($"expected {incidents + 1} alerts each delivered once; found {alerts} alerts and {receiver.Deliveries} deliveries");
            }
        }

        latencies.Sort();
        observe.Sort();
        return
        [
            string.Create(CultureInfo.InvariantCulture, $"{incidents} incidents, one every {gap.TotalMilliseconds:F0} ms, in {elapsed.TotalSeconds:F1} s; load average {loadBefore} before, {MachineLoad.Average()} after"),
            string.Create(CultureInfo.InvariantCulture, $"evidence -> webhook received: p50 {Percentile(latencies, 0.50):F1} ms, p95 {Percentile(latencies, 0.95):F1} ms, max {latencies[^1]:F1} ms"),
            string.Create(CultureInfo.InvariantCulture, $"observer call (evidence + evaluation + outbox commit): p50 {Percentile(observe, 0.50):F1} ms, p95 {Percentile(observe, 0.95):F1} ms"),
            string.Create(CultureInfo.InvariantCulture, $"process CPU {cpuMs / incidents:F2} ms per incident (desk, outbox, Hangfire, HTTP send and the receiver in one process)"),
            $"every incident delivered exactly once ({incidents + 1} alerts with the warm-up, {receiver.Deliveries} webhooks)",
        ];
    }

    private static double Percentile(List<double> sorted, double q) => sorted[(int)Math.Ceiling(q * sorted.Count) - 1];

    /// <summary>A scored negative mention with a reach the influencer rule takes, alone on its watch.</summary>
    private static Mention Mention(int n, string watch, DateTimeOffset at) => new()
    {
        Id = $"bench-delivery-{n:D6}",
        Source = "forum",
        Url = $"https://forum.example.com/t/{n}",
        Author = $"user{n}",
        Text = "terrible service, want a refund",
        PublishedAt = at,
        CollectedAt = at,
        Engagement = new Engagement(Reach: 250_000),
        Watches = [watch],
        Sentiment = new SentimentScore(SentimentLabel.Negative, 0.9f, 0.05f, 0.05f),
        ScoredBy = "bench",
    };

    /// <summary>A webhook receiver on 127.0.0.1 that records when each alert's first sample arrived.</summary>
    private sealed class WebhookSink : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _arrivals = new(StringComparer.Ordinal);
        private int _deliveries;

        private WebhookSink(WebApplication app) => _app = app;

        public string Url => $"{_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()}/hook";

        public int Deliveries => Volatile.Read(ref _deliveries);

        public static async Task<WebhookSink> StartAsync(CancellationToken cancellationToken)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var sink = new WebhookSink(app);
            app.MapPost("/hook", async (HttpContext http) =>
            {
                var arrived = Stopwatch.GetTimestamp();
                using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
                var mentionId = body.RootElement.GetProperty("samples")[0].GetProperty("mentionId").GetString()!;
                Interlocked.Increment(ref sink._deliveries);
                sink.Arrival(mentionId).TrySetResult(arrived);
                return Results.Ok();
            });
            await app.StartAsync(cancellationToken);
            return sink;
        }

        public async Task<long> ArrivalOfAsync(string mentionId, CancellationToken cancellationToken) =>
            await Arrival(mentionId).Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);

        private TaskCompletionSource<long> Arrival(string mentionId) =>
            _arrivals.GetOrAdd(mentionId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
