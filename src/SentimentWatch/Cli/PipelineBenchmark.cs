using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.VisualBasic.FileIO;
using Npgsql;
using SentimentWatch.Api;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Indexing.Emulated;
using Spectre.Console;

namespace SentimentWatch.Cli;

/// <summary>
/// <c>bench pipeline</c>: the whole service measured the way a user feeds it. Starts the real
/// host as a child process on a temporary data directory (its own configuration, embedded
/// defaults), then
/// 1. a burst: <c>--count</c> distinct mentions POSTed to /api/intake/mentions by concurrent
///    clients as fast as the service takes them; intake rate, request latency, end-to-end rate
///    (until every mention is processed) and the busy time per stage from the pipeline's own
///    counters (<c>GET /api/pipeline/metrics</c>);
/// 2. a steady load at <c>--rate</c> mentions/s: intake → searchable latency, measured by a client
///    that searches for probe words it planted, and by the pipeline's accepted → searchable histogram;
///    half-way through, five food-safety posts with a word only a bench rule knows (a risk-terms rule
///    added to the service's configuration), timed until an open incident carries that rule's signal.
/// Peak RSS and CPU are the child's, read from /proc; the load average is printed beside every figure.
/// With <c>--postgres</c> the service runs scaled (decision 165): a fresh PostgreSQL database for
/// state, an EMULATED Elasticsearch node inside the bench process for the index (no node can run
/// here; the report says so), and <c>--workers</c> processes — the first with every role, the
/// others <c>api,pipeline</c> — fed round-robin; figures are summed over the workers.
/// </summary>
public static class PipelineBenchmark
{
    private const string Key = "bench-pipeline-admin-key-0123456789";

    public sealed record Settings(
        int Count,
        int Clients,
        int BatchSize,
        int Rate,
        int Seconds,
        string? DataFolder,
        bool Keep,
        IReadOnlyList<string> HostArguments,
        int Workers = 1,
        string? Postgres = null)
    {
        /// <summary>The service's backlog limit: <c>--Pipeline:MaxBacklog=</c> among the host arguments, else its default.</summary>
        public long MaxBacklog => HostArguments
            .Select(a => a.StartsWith("--Pipeline:MaxBacklog=", StringComparison.OrdinalIgnoreCase) && long.TryParse(a["--Pipeline:MaxBacklog=".Length..], CultureInfo.InvariantCulture, out var v) ? v : (long?)null)
            .LastOrDefault(v => v is not null) ?? new SentimentWatch.Pipeline.PipelineOptions().MaxBacklog;
    }

    public static Command Command()
    {
        var count = new Option<int>("--count") { Description = "Mentions offered in the burst.", DefaultValueFactory = _ => 200_000 };
        var clients = new Option<int>("--clients") { Description = "Concurrent HTTP clients in the burst.", DefaultValueFactory = _ => 4 };
        var batch = new Option<int>("--batch-size") { Description = "Mentions per intake request.", DefaultValueFactory = _ => 500 };
        var rate = new Option<int>("--rate") { Description = "Offered mentions/s in the latency phase.", DefaultValueFactory = _ => 1_000 };
        var seconds = new Option<int>("--seconds") { Description = "Length of the latency phase (0 skips it).", DefaultValueFactory = _ => 30 };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Training data folder whose Weibo and tweet texts become the mentions (default ../shared/data when present, else generated text)." };
        var keep = new Option<bool>("--keep") { Description = "Keep the temporary data directory (and the PostgreSQL database) afterwards." };
        var workers = new Option<int>("--workers") { Description = "Worker processes (needs --postgres when more than one): the first runs every role, the others api,pipeline.", DefaultValueFactory = _ => 1 };
        var postgres = new Option<string?>("--postgres") { Description = "Run scaled: a connection string whose role may create databases; the bench makes a fresh one, drops it afterwards, and indexes into an EMULATED Elasticsearch node." };
        var command = new Command("bench", "Start the service on a temporary data directory, feed it through the intake API with concurrent clients, and report intake and end-to-end mentions/s, intake → searchable latency, time per pipeline stage and peak RSS. Other --Section:Key=value tokens configure the service.")
        {
            count, clients, batch, rate, seconds, data, keep, workers, postgres,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var settings = new Settings(
                result.GetValue(count),
                result.GetValue(clients),
                result.GetValue(batch),
                result.GetValue(rate),
                result.GetValue(seconds),
                result.GetValue(data)?.FullName ?? (Directory.Exists("../shared/data") ? Path.GetFullPath("../shared/data") : null),
                result.GetValue(keep),
                [.. result.UnmatchedTokens],
                result.GetValue(workers),
                result.GetValue(postgres));
            if (settings.Count <= 0 || settings.Clients <= 0 || settings.BatchSize is <= 0 or > IntakeApi.MaxMentionsPerRequest || settings.Rate <= 0 || settings.Seconds < 0)
            {
                AnsiConsole.MarkupLine($"[red]--count, --clients and --rate must be positive, --batch-size between 1 and {IntakeApi.MaxMentionsPerRequest}, --seconds 0 or more.[/]");
                return 2;
            }

            if (settings.Workers is < 1 or > 16 || (settings.Workers > 1 && string.IsNullOrWhiteSpace(settings.Postgres)))
            {
                AnsiConsole.MarkupLine("[red]--workers must be between 1 and 16; more than one needs --postgres (SQLite and Lucene are one process's files).[/]");
                return 2;
            }

            try
            {
                var report = await RunAsync(settings, cancellationToken);
                report.Write(AnsiConsole.Console);
                return 0;
            }
            catch (BenchmarkFailedException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{ex.Message}[/]");
                return 1;
            }
        });
        return command;
    }

    public static async Task<Report> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), "sentimentwatch-bench-pipeline-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var texts = MentionTexts.Load(settings.DataFolder);
        AnsiConsole.MarkupLineInterpolated($"Texts: {texts.Description}. Data directory: {root}");
        await using var scaled = settings.Postgres is { Length: > 0 } postgres ? await ScaledStores.StartAsync(postgres, settings.Keep, cancellationToken) : null;
        var deployment = scaled is null
            ? "embedded: one process, SQLite + Lucene"
            : $"scaled: {settings.Workers} worker(s) (worker 0 every role, the others api,pipeline) on PostgreSQL database {scaled.Database}; index: EMULATED Elasticsearch node in the bench process at {scaled.NodeUrl} (Lucene in memory, not Elasticsearch)";
        AnsiConsole.MarkupLineInterpolated($"Deployment: {deployment}");
        var services = new List<ServiceUnderTest>();
        var clients = new List<HttpClient>();
        try
        {
            for (var w = 0; w < settings.Workers; w++)
            {
                var folder = Path.Combine(root, $"worker-{w}");
                Directory.CreateDirectory(folder);
                IReadOnlyList<string> arguments = scaled is null
                    ? settings.HostArguments
                    : [.. scaled.Arguments, $"--Worker:Roles={(w == 0 ? "api,pipeline,crawl,alerting" : "api,pipeline")}", .. settings.HostArguments];
                var service = ServiceUnderTest.Start(folder, arguments);
                services.Add(service);
                var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
                {
                    BaseAddress = new Uri(service.BaseUrl),
                    Timeout = TimeSpan.FromMinutes(2),
                };
                client.DefaultRequestHeaders.Add("X-Api-Key", Key);
                clients.Add(client);

                // The first worker migrates the fresh database; the others start on it afterwards.
                await service.WaitHealthyAsync(client, cancellationToken);
            }

            var run = Guid.NewGuid().ToString("N")[..6];
            var feed = new MentionFeed(texts, run);
            var benchCpuBefore = OwnCpu();
            var burst = await BurstAsync(clients, services, feed, settings, cancellationToken);
            var benchCpu = OwnCpu() - benchCpuBefore;
            LatencyPhase? latency = null;
            if (settings.Seconds > 0)
            {
                latency = await SteadyAsync(clients, feed, settings, cancellationToken);
            }

            var health = await clients[0].GetFromJsonAsync<JsonElement>("/health", cancellationToken);
            var documents = health.GetProperty("checks").GetProperty("index").GetProperty("data").GetProperty("documents").GetInt64();
            var store = health.GetProperty("checks").GetProperty("store").GetProperty("data");
            var peak = services.Sum(s => s.PeakResidentBytes());
            var current = services.Sum(s => s.ResidentBytes());
            var peakAnonymous = services.Sum(s => s.PeakAnonymousBytes);
            var peakFile = services.Sum(s => s.PeakFileBytes);
            var peakShared = services.Sum(s => s.PeakSharedBytes);
            foreach (var service in services)
            {
                await service.StopAsync();
            }

            return new Report(settings, texts.Description, burst, latency, documents, store.GetProperty("pending").GetInt64(), store.GetProperty("parked").GetInt64(), peak, current, services.Sum(s => s.LogWarnings))
            {
                Deployment = deployment,
                BenchCpu = scaled is null ? null : benchCpu,
                PeakAnonymousBytes = peakAnonymous,
                PeakFileBytes = peakFile,
                PeakSharedBytes = peakShared,
                TopWarnings = [.. services.SelectMany(s => s.Warnings).GroupBy(w => w.Key, w => w.Value).Select(g => (g.Key, g.Sum())).OrderByDescending(w => w.Item2).Take(3)],
            };
        }
        catch (Exception ex) when (ex is not BenchmarkFailedException && !cancellationToken.IsCancellationRequested)
        {
            throw new BenchmarkFailedException($"bench pipeline failed: {ex.Message}{Environment.NewLine}Last service output:{Environment.NewLine}{string.Join(Environment.NewLine, services.Select((s, i) => $"--- worker {i}{Environment.NewLine}{s.Tail()}"))}", ex);
        }
        finally
        {
            foreach (var service in services)
            {
                service.Dispose();
            }

            foreach (var client in clients)
            {
                client.Dispose();
            }

            if (!settings.Keep)
            {
                TryDelete(root);
            }
        }
    }

    private static async Task<BurstPhase> BurstAsync(IReadOnlyList<HttpClient> clients, IReadOnlyList<ServiceUnderTest> services, MentionFeed feed, Settings settings, CancellationToken cancellationToken)
    {
        var before = await MetricsAsync(clients, cancellationToken);
        var cpuBefore = services.Sum(s => s.CpuTime().Ticks);
        var load = MachineLoad.Average();
        var latencies = new ConcurrentBag<double>();
        long offered = 0, accepted = 0, pushedBack = 0;
        long firstPushBackTicks = 0, acceptedBeforePushBack = -1;
        var clock = Stopwatch.StartNew();
        TimeSpan intakeDone = default, processedDone = default;

        // The door's own rate, with the pipeline working beside it: mentions accepted before the backlog limit first answered 429.
        void PushedBack()
        {
            if (Interlocked.CompareExchange(ref firstPushBackTicks, Math.Max(1, clock.Elapsed.Ticks), 0) == 0)
            {
                Interlocked.Exchange(ref acceptedBeforePushBack, Interlocked.Read(ref accepted));
            }
        }

        MetricsSnapshot after = before;

        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var intakeTask = context.AddTask("accepted (intake)", maxValue: settings.Count);
                var processedTask = context.AddTask("processed (indexed + observed)", maxValue: settings.Count);
                var senders = Enumerable.Range(0, settings.Clients).Select(c => Task.Run(async () =>
                {
                    // Intake spread over the workers' API ports, as a load balancer would.
                    var client = clients[c % clients.Count];
                    while (true)
                    {
                        var start = Interlocked.Add(ref offered, settings.BatchSize) - settings.BatchSize;
                        if (start >= settings.Count)
                        {
                            return;
                        }

                        var body = feed.Batch(start, (int)Math.Min(settings.BatchSize, settings.Count - start), probe: null);
                        var (ms, retries) = await PostAsync(client, body, cancellationToken, PushedBack);
                        latencies.Add(ms);
                        Interlocked.Add(ref pushedBack, retries);
                        Interlocked.Add(ref accepted, body.Count);
                    }
                }, cancellationToken)).ToArray();

                var intake = Task.WhenAll(senders);
                var lastProgress = clock.Elapsed;
                long lastProcessed = -1;
                while (true)
                {
                    await Task.WhenAny(intake, Task.Delay(500, cancellationToken));
                    if (intake.IsFaulted)
                    {
                        await intake;
                    }

                    if (intake.IsCompleted && intakeDone == default)
                    {
                        intakeDone = clock.Elapsed;
                    }

                    after = await MetricsAsync(clients, cancellationToken);
                    var processed = after.Processed + after.Parked - before.Processed - before.Parked;
                    intakeTask.Value = Interlocked.Read(ref accepted);
                    processedTask.Value = Math.Min(processed, settings.Count);
                    if (intake.IsCompleted && processed >= settings.Count)
                    {
                        processedDone = clock.Elapsed;
                        return;
                    }

                    if (processed != lastProcessed)
                    {
                        lastProcessed = processed;
                        lastProgress = clock.Elapsed;
                    }
                    else if (clock.Elapsed - lastProgress > TimeSpan.FromMinutes(2))
                    {
                        throw new BenchmarkFailedException($"the pipeline made no progress for 2 minutes ({processed:N0} of {settings.Count:N0} processed)");
                    }
                }
            });

        var cpu = TimeSpan.FromTicks(services.Sum(s => s.CpuTime().Ticks) - cpuBefore);
        var sorted = latencies.Order().ToArray();
        return new BurstPhase(
            settings.Count,
            intakeDone,
            processedDone,
            Percentile(sorted, 0.50),
            Percentile(sorted, 0.95),
            pushedBack,
            cpu,
            Stages(before, after),
            load,
            MachineLoad.Average())
        {
            FirstPushBack = firstPushBackTicks > 0 ? (Interlocked.Read(ref acceptedBeforePushBack), TimeSpan.FromTicks(firstPushBackTicks)) : null,
            Collector = CollectorDuring(before, after),
        };
    }

    private static async Task<LatencyPhase> SteadyAsync(IReadOnlyList<HttpClient> clients, MentionFeed feed, Settings settings, CancellationToken cancellationToken)
    {
        var client = clients[0];
        // Ten requests a second: the offered rate arrives spread over the second, as crawlers and webhooks deliver it.
        const int RequestsPerSecond = 10;
        var perRequest = Math.Max(1, settings.Rate / RequestsPerSecond);
        var before = await MetricsAsync(clients, cancellationToken);
        var load = MachineLoad.Average();
        var requestLatencies = new ConcurrentBag<double>();
        var probeLatencies = new ConcurrentBag<double>();
        var probes = new ConcurrentDictionary<string, long>();
        var inFlight = new List<Task>();
        long pushedBack = 0;
        var clock = Stopwatch.StartNew();
        var baseIndex = (long)settings.Count;
        using var probing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var poller = Task.Run(() => PollProbesAsync(client, probes, probeLatencies, probing.Token), CancellationToken.None);
        var crisisSentAt = 0L;
        Task<double?>? crisisAlert = null;

        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"steady load, {perRequest * RequestsPerSecond:N0} mentions/s", maxValue: settings.Seconds * RequestsPerSecond);
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / RequestsPerSecond));
                for (var request = 0; request < settings.Seconds * RequestsPerSecond; request++)
                {
                    await timer.WaitForNextTickAsync(cancellationToken);
                    // Every fifth request plants a word no other mention has; the poller searches for it.
                    var probe = request % 5 == 0 ? $"zqprobe{feed.Run}n{request}" : null;
                    var body = feed.Batch(baseIndex + ((long)request * perRequest), perRequest, probe);
                    if (request == settings.Seconds * RequestsPerSecond / 2)
                    {
                        // Half-way, a food-safety crisis inside the load: five posts with the rule's word; the alert is timed from the first.
                        var crisis = feed.Crisis(CrisisTerm, 5);
                        crisisSentAt = Stopwatch.GetTimestamp();
                        crisisAlert = Task.Run(() => WaitForCrisisAlertAsync(client, crisisSentAt, probing.Token), CancellationToken.None);
                        inFlight.Add(Task.Run(() => PostAsync(clients[0], crisis, cancellationToken), cancellationToken));
                    }

                    var sender = clients[request % clients.Count];
                    inFlight.Add(Task.Run(async () =>
                    {
                        var sent = Stopwatch.GetTimestamp();
                        if (probe is not null)
                        {
                            probes[probe] = sent;
                        }

                        var (ms, retries) = await PostAsync(sender, body, cancellationToken);
                        requestLatencies.Add(ms);
                        Interlocked.Add(ref pushedBack, retries);
                    }, cancellationToken));
                    task.Value = request + 1;
                }

                await Task.WhenAll(inFlight);
            });

        // Let the last probes be found, then stop the poller.
        var deadline = Stopwatch.StartNew();
        while (!probes.IsEmpty && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100, cancellationToken);
        }

        var lost = probes.Count;
        double? crisisMs = null;
        if (crisisAlert is not null)
        {
            // The alert has had at least the rest of the phase; give it up to a minute after the posts were sent.
            var left = TimeSpan.FromSeconds(60) - Stopwatch.GetElapsedTime(crisisSentAt);
            crisisMs = await crisisAlert.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);
        }

        await probing.CancelAsync();
        await poller;
        var elapsed = clock.Elapsed;
        var after = await MetricsAsync(clients, cancellationToken);
        var offered = (long)settings.Seconds * RequestsPerSecond * perRequest;
        var requests = requestLatencies.Order().ToArray();
        var found = probeLatencies.Order().ToArray();
        var serverBuckets = after.SearchableBuckets.Zip(before.SearchableBuckets, (a, b) => a - b).ToArray();
        return new LatencyPhase(
            perRequest * RequestsPerSecond,
            offered,
            elapsed,
            Percentile(requests, 0.50),
            Percentile(requests, 0.95),
            found.Length,
            lost,
            Percentile(found, 0.50),
            Percentile(found, 0.95),
            LatencyHistogram.Percentile(serverBuckets, 0.50),
            LatencyHistogram.Percentile(serverBuckets, 0.95),
            pushedBack,
            crisisMs,
            load,
            MachineLoad.Average());
    }

    private const string CrisisRuleId = "bench-crisis";
    private const string CrisisTerm = "zqcrisisprobe";

    /// <summary>Polls the open incidents until one carries the planted crisis rule's signal; the time since the posts were sent, or null when stopped first.</summary>
    private static async Task<double?> WaitForCrisisAlertAsync(HttpClient client, long sentAt, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var page = await client.GetFromJsonAsync<JsonElement>("/api/alerts?status=open&watch=lumo&pageSize=50", cancellationToken);
                foreach (var alert in page.GetProperty("items").EnumerateArray())
                {
                    if (alert.GetProperty("signals").EnumerateArray().Any(signal => signal.GetProperty("rule").GetString() == CrisisRuleId))
                    {
                        return Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds;
                    }
                }

                await Task.Delay(100, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task PollProbesAsync(HttpClient client, ConcurrentDictionary<string, long> probes, ConcurrentBag<double> found, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var (word, sent) in probes.ToArray())
                {
                    var page = await client.GetFromJsonAsync<JsonElement>($"/api/mentions?q={word}&pageSize=1", cancellationToken);
                    if (page.GetProperty("total").GetInt64() > 0 && probes.TryRemove(word, out _))
                    {
                        found.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    }
                }

                await Task.Delay(25, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the phase.
        }
    }

    /// <summary>Posts one batch; on 429/503 waits as Retry-After says and sends it again. Returns the total time and how often it was pushed back.</summary>
    private static async Task<(double Ms, int Retries)> PostAsync(HttpClient client, MentionBatch batch, CancellationToken cancellationToken, Action? pushedBack = null)
    {
        var started = Stopwatch.GetTimestamp();
        var retries = 0;
        while (true)
        {
            using var content = new ByteArrayContent(batch.Body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync("/api/intake/mentions", content, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, retries);
            }

            if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
            {
                retries++;
                pushedBack?.Invoke();
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                await Task.Delay(wait, cancellationToken);
                continue;
            }

            throw new BenchmarkFailedException($"intake answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>The pipeline's own counters, summed over the workers (each counts what it processed).</summary>
    private static async Task<MetricsSnapshot> MetricsAsync(IReadOnlyList<HttpClient> clients, CancellationToken cancellationToken)
    {
        var buckets = new long[LatencyHistogram.Buckets];
        long accepted = 0, processed = 0, parked = 0;
        var stages = new List<PipelineMetricsApi.StageView>();
        PipelineMetricsApi.CollectorView? collector = null;
        foreach (var client in clients)
        {
            var view = await client.GetFromJsonAsync<PipelineMetricsApi.MetricsView>("/api/pipeline/metrics", new JsonSerializerOptions(JsonSerializerDefaults.Web), cancellationToken)
                ?? throw new BenchmarkFailedException("GET /api/pipeline/metrics returned nothing");
            foreach (var bucket in view.SearchableBuckets)
            {
                buckets[bucket.Bucket] += bucket.Count;
            }

            accepted += view.Accepted;
            processed += view.Processed;
            parked += view.Parked;
            stages.AddRange(view.Stages);
            if (view.Collector is { } c)
            {
                collector = collector is null ? c : collector with
                {
                    AllocatedBytes = collector.AllocatedBytes + c.AllocatedBytes,
                    Gen0 = collector.Gen0 + c.Gen0,
                    Gen1 = collector.Gen1 + c.Gen1,
                    Gen2 = collector.Gen2 + c.Gen2,
                    PausedSeconds = collector.PausedSeconds + c.PausedSeconds,
                    HeapBoundBytes = collector.HeapBoundBytes + c.HeapBoundBytes,
                    HeapBytes = collector.HeapBytes + c.HeapBytes,
                };
            }
        }

        IReadOnlyList<PipelineMetricsApi.StageView> summed = [.. stages.GroupBy(s => s.Stage, StringComparer.Ordinal)
            .Select(g => new PipelineMetricsApi.StageView(g.Key, g.Sum(s => s.Calls), g.Sum(s => s.Items), g.Sum(s => s.BusySeconds)))];
        return new MetricsSnapshot(accepted, processed, parked, summed, buckets, collector);
    }

    private static IReadOnlyList<StageShare> Stages(MetricsSnapshot before, MetricsSnapshot after) =>
        [.. after.Stages.Select(s =>
        {
            var earlier = before.Stages.FirstOrDefault(b => b.Stage == s.Stage);
            return new StageShare(s.Stage, s.Calls - (earlier?.Calls ?? 0), s.Items - (earlier?.Items ?? 0), TimeSpan.FromSeconds(s.BusySeconds - (earlier?.BusySeconds ?? 0)));
        })];

    private static TimeSpan OwnCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]Could not delete {directory}; remove it by hand.[/]");
        }
    }

    private sealed record MetricsSnapshot(long Accepted, long Processed, long Parked, IReadOnlyList<PipelineMetricsApi.StageView> Stages, long[] SearchableBuckets, PipelineMetricsApi.CollectorView? Collector);

    /// <summary>What the collector did between two readings; the bound and the heap size are the later reading's.</summary>
    private static PipelineMetricsApi.CollectorView? CollectorDuring(MetricsSnapshot before, MetricsSnapshot after) =>
        before.Collector is { } b && after.Collector is { } a
            ? new(a.AllocatedBytes - b.AllocatedBytes, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.PausedSeconds - b.PausedSeconds, a.HeapBoundBytes, a.HeapBytes)
            : null;

    public sealed record StageShare(string Stage, long Calls, long Items, TimeSpan Busy);

    public sealed record BurstPhase(
        int Count,
        TimeSpan IntakeTime,
        TimeSpan EndToEndTime,
        double RequestP50Ms,
        double RequestP95Ms,
        long PushedBack,
        TimeSpan ServiceCpu,
        IReadOnlyList<StageShare> Stages,
        string LoadBefore,
        string LoadAfter)
    {
        public double IntakeRate => Count / Math.Max(0.001, IntakeTime.TotalSeconds);

        /// <summary>Mentions accepted and the time when the backlog limit first answered 429; null when it never did.</summary>
        public (long Accepted, TimeSpan At)? FirstPushBack { get; init; }

        /// <summary>The service's garbage collector over the burst (summed over workers); null when the service does not report it.</summary>
        public PipelineMetricsApi.CollectorView? Collector { get; init; }

        public double EndToEndRate => Count / Math.Max(0.001, EndToEndTime.TotalSeconds);
    }

    public sealed record LatencyPhase(
        int Rate,
        long Offered,
        TimeSpan Elapsed,
        double RequestP50Ms,
        double RequestP95Ms,
        int Probes,
        int ProbesNotFound,
        double SearchableP50Ms,
        double SearchableP95Ms,
        double? ServerP50Ms,
        double? ServerP95Ms,
        long PushedBack,
        double? CrisisAlertMs,
        string LoadBefore,
        string LoadAfter);

    public sealed record Report(
        Settings Settings,
        string Texts,
        BurstPhase Burst,
        LatencyPhase? Latency,
        long Documents,
        long Pending,
        long Parked,
        long PeakResidentBytes,
        long ResidentBytes,
        int ServiceWarnings)
    {
        public string Deployment { get; init; } = "embedded: one process, SQLite + Lucene";

        /// <summary>The bench process's CPU in the burst when it hosts the emulated node (node + HTTP clients).</summary>
        public TimeSpan? BenchCpu { get; init; }

        /// <summary>The most anonymous resident memory sampled (every 250 ms): the managed heap and native allocations.</summary>
        public long PeakAnonymousBytes { get; init; }

        /// <summary>The most file-backed resident memory sampled: memory-mapped index files and the runtime's libraries, which the kernel may drop.</summary>
        public long PeakFileBytes { get; init; }

        /// <summary>The most shared resident memory sampled: the JIT's double-mapped code.</summary>
        public long PeakSharedBytes { get; init; }

        /// <summary>The most frequent warning/error lines of the services, digits folded, most frequent first (at most three).</summary>
        public IReadOnlyList<(string Line, int Count)> TopWarnings { get; init; } = [];

        public void Write(IAnsiConsole console)
        {
            var b = Burst;
            var table = new Table().AddColumns("measure", "result", "goal");
            table.AddRow("deployment", Markup.Escape(Deployment), string.Empty);
            table.AddRow("burst", Markup.Escape($"{b.Count:N0} mentions, {Settings.Clients} clients × {Settings.BatchSize} per request; {Texts}"), string.Empty);
            table.AddRow("intake", Markup.Escape($"{b.IntakeRate:N0} mentions/s ({b.IntakeTime.TotalSeconds:N1} s); request p50 {b.RequestP50Ms:N0} ms, p95 {b.RequestP95Ms:N0} ms; pushed back {b.PushedBack:N0}×"), "≥ 10,000/s");
            if (b.FirstPushBack is { } first)
            {
                // Past the first 429 the intake cannot run ahead of the pipeline by more than the backlog limit.
                var limit = Math.Min(Settings.MaxBacklog, b.Count - 1);
                table.AddRow("intake before the first push-back", Markup.Escape($"{first.Accepted / Math.Max(0.001, first.At.TotalSeconds):N0} mentions/s ({first.Accepted:N0} accepted in {first.At.TotalSeconds:N1} s, the pipeline working beside it); after it the backlog limit (Pipeline:MaxBacklog {Settings.MaxBacklog:N0}) holds the whole burst's intake near end to end × {b.Count:N0} / ({b.Count:N0} − {limit:N0}) = {b.EndToEndRate * b.Count / (b.Count - limit):N0}/s"), string.Empty);
            }

            table.AddRow("end to end", Markup.Escape($"{b.EndToEndRate:N0} mentions/s ({b.EndToEndTime.TotalSeconds:N1} s until pending = 0)"), "≥ 5,000/s");
            table.AddRow("service CPU", Markup.Escape($"{b.ServiceCpu.TotalSeconds:N1} CPU-s = {b.ServiceCpu.TotalMilliseconds * 1000 / b.Count:N0} µs per mention ({b.Count / Math.Max(0.001, b.ServiceCpu.TotalSeconds):N0} mentions per CPU-second)"), string.Empty);
            if (BenchCpu is { } bench)
            {
                table.AddRow("bench process CPU", Markup.Escape($"{bench.TotalSeconds:N1} CPU-s = {bench.TotalMilliseconds * 1000 / b.Count:N0} µs per mention (the emulated node and the HTTP clients; PostgreSQL's own CPU is in neither figure)"), string.Empty);
            }

            if (b.Collector is { } gc)
            {
                table.AddRow("collector (burst)", Markup.Escape(
                    $"{gc.AllocatedBytes / 1073741824.0:N1} GiB allocated = {gc.AllocatedBytes / 1024.0 / b.Count:N1} KiB per mention; collections gen 0 {gc.Gen0:N0}, gen 1 {gc.Gen1:N0}, gen 2 {gc.Gen2:N0}; "
                    + $"paused {gc.PausedSeconds:N1} s = {gc.PausedSeconds / Settings.Workers / Math.Max(0.001, b.EndToEndTime.TotalSeconds):P0} of the wall time{(Settings.Workers > 1 ? " per worker" : "")}; "
                    + $"heap {gc.HeapBytes / 1048576.0:N0} MiB at the end, bound {(gc.HeapBoundBytes > 0 ? $"{gc.HeapBoundBytes / 1048576.0:N0} MiB" : "none")}"
                    + (Settings.Workers > 1 ? $" (counts, heaps and bounds summed over {Settings.Workers} workers)" : string.Empty)), string.Empty);
            }

            table.AddRow("load average (1/5/15 min)", Markup.Escape($"{b.LoadBefore} before, {b.LoadAfter} after, {Environment.ProcessorCount} cores"), string.Empty);
            if (Latency is { } l)
            {
                table.AddRow("steady load", Markup.Escape($"{l.Rate:N0} mentions/s offered for {l.Offered / Math.Max(1, l.Rate):N0} s ({l.Offered:N0}); request p50 {l.RequestP50Ms:N0} ms, p95 {l.RequestP95Ms:N0} ms; pushed back {l.PushedBack:N0}×"), string.Empty);
                table.AddRow("intake → searchable (client probes)", Markup.Escape($"p50 {l.SearchableP50Ms:N0} ms, p95 {l.SearchableP95Ms:N0} ms ({l.Probes} probes{(l.ProbesNotFound > 0 ? $", {l.ProbesNotFound} never found" : "")})"), "p95 ≤ 2 s");
                table.AddRow("crisis inside the load → open incident", Markup.Escape(l.CrisisAlertMs is { } crisisMs
                    ? $"{crisisMs:N0} ms (5 food-safety posts half-way through, risk-terms rule {CrisisRuleId}; polled every 100 ms)"
                    : "no incident within 60 s"), "≤ 5 s");
                table.AddRow("accepted → searchable (pipeline)", Markup.Escape($"p50 {l.ServerP50Ms:N0} ms, p95 {l.ServerP95Ms:N0} ms (every mention, 5 % buckets)"), string.Empty);
                table.AddRow("load average (1/5/15 min)", Markup.Escape($"{l.LoadBefore} before, {l.LoadAfter} after"), string.Empty);
            }

            table.AddRow("peak RSS", Markup.Escape($"{PeakResidentBytes / 1048576.0:N0} MiB (at the end {ResidentBytes / 1048576.0:N0} MiB){(Settings.Workers > 1 ? $", summed over {Settings.Workers} workers" : "")}; sampled every 250 ms: anonymous (heap, native) at most {PeakAnonymousBytes / 1048576.0:N0} MiB, file-backed (mapped index files, libraries) at most {PeakFileBytes / 1048576.0:N0} MiB, shared (the JIT's code) at most {PeakSharedBytes / 1048576.0:N0} MiB"), "< 1 GB at 1M");
            table.AddRow("at the end", Markup.Escape($"{Documents:N0} indexed, {Pending:N0} pending, {Parked:N0} parked; {ServiceWarnings} warning/error log lines"), string.Empty);
            foreach (var (warning, count) in TopWarnings)
            {
                table.AddRow("  warning/error lines like", Markup.Escape($"{count:N0}× {warning}"), string.Empty);
            }

            console.Write(table);

            var stages = new Table().AddColumns("stage (burst)", "calls", "mentions", "busy s", "µs per mention", "share");
            var total = b.Stages.Sum(s => s.Busy.TotalSeconds);
            foreach (var s in b.Stages.Where(s => s.Calls > 0))
            {
                stages.AddRow(
                    Markup.Escape(s.Stage),
                    s.Calls.ToString("N0", CultureInfo.InvariantCulture),
                    s.Items.ToString("N0", CultureInfo.InvariantCulture),
                    s.Busy.TotalSeconds.ToString("N2", CultureInfo.InvariantCulture),
                    (s.Busy.TotalMilliseconds * 1000 / b.Count).ToString("N1", CultureInfo.InvariantCulture),
                    (s.Busy.TotalSeconds / Math.Max(1e-9, total)).ToString("P0", CultureInfo.InvariantCulture));
            }

            console.Write(stages);
            console.MarkupLine("[grey]Busy time is wall time inside each stage; stages run side by side, so shares (not sums) show which one holds the others back. µs per mention is over all burst mentions.[/]");
        }
    }

    private sealed class BenchmarkFailedException(string message, Exception? inner = null) : Exception(message, inner);

    /// <summary>Texts for the mentions: real Weibo posts and tweets when the training data is at hand.</summary>
    private sealed record MentionTexts(IReadOnlyList<string> Chinese, IReadOnlyList<string> English, string Description)
    {
        public static MentionTexts Load(string? dataFolder)
        {
            var weibo = dataFolder is null ? null : Path.Combine(dataFolder, "sentiment-zh-weibo", "smp2020_ewect_weibo.csv");
            var tweets = dataFolder is null ? null : Path.Combine(dataFolder, "sentiment-en-tweets", "semeval2017_task4a_en.csv");
            if (weibo is not null && tweets is not null && File.Exists(weibo) && File.Exists(tweets))
            {
                var zh = Column(weibo, "text");
                var en = Column(tweets, "text");
                return new MentionTexts(zh, en, $"{zh.Count:N0} Weibo posts (SMP2020) + {en.Count:N0} tweets (SemEval), mean {zh.Concat(en).Average(t => t.Length):N0} chars");
            }

            var generator = new Indexing.Cli.MentionGenerator(1, DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
            var generated = generator.Next(20_000).Select(m => m.Text).ToList();
            return new MentionTexts(
                [.. generated.Where(t => t.Any(c => c > 0x2E80))],
                [.. generated.Where(t => t.All(c => c < 0x2E80))],
                "generated phrase combinations (no training data folder found: pass --data)");
        }

        private static List<string> Column(string path, string name)
        {
            using var parser = new TextFieldParser(path, Encoding.UTF8) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
            parser.SetDelimiters(",");
            var header = parser.ReadFields() ?? [];
            var column = Array.IndexOf(header, name);
            var texts = new List<string>();
            while (!parser.EndOfData)
            {
                var fields = parser.ReadFields();
                if (fields is not null && column < fields.Length && fields[column].Trim() is { Length: >= 4 } text)
                {
                    texts.Add(text);
                }
            }

            return texts;
        }
    }

    private sealed record MentionBatch(byte[] Body, int Count);

    /// <summary>
    /// Distinct mentions (ids from the run and a counter) over the real texts, half Chinese, half
    /// English; once a corpus is used up two posts are joined, so texts stay distinct. Every fifth
    /// mention names the configured brand (绿莫 / Lumo), so watches match and alerting sees evidence.
    /// </summary>
    private sealed class MentionFeed(MentionTexts texts, string run)
    {
        private static readonly string[] Sources = ["weibo", "tieba", "zhihu", "reddit", "twitter", "forum", "app-feedback", "email"];

        public string Run { get; } = run;

        public MentionBatch Batch(long first, int count, string? probe)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(count * 400);
            using (var json = new Utf8JsonWriter(buffer))
            {
                var now = DateTimeOffset.UtcNow;
                json.WriteStartArray();
                for (var i = 0; i < count; i++)
                {
                    var n = first + i;
                    var text = Text(n);
                    if (i == 0 && probe is not null)
                    {
                        text += " " + probe;
                    }

                    json.WriteStartObject();
                    json.WriteString("source", Sources[n % Sources.Length]);
                    json.WriteString("externalId", $"bench-{Run}-{n}");
                    json.WriteString("url", $"https://example.test/{Run}/post/{n}");
                    json.WriteString("author", $"user{(n * 7919) % 50_000}");
                    json.WriteString("text", text);
                    json.WriteString("publishedAt", now.AddSeconds(-(n % 3_600)));
                    json.WriteNumber("reach", (long)Math.Exp((n * 2654435761L % 1000) / 1000.0 * 12));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            return new MentionBatch(buffer.WrittenSpan.ToArray(), count);
        }

        /// <summary>Posts of a food-safety crisis naming the brand and <paramref name="term"/>, published now.</summary>
        public MentionBatch Crisis(string term, int count)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(count * 400);
            using (var json = new Utf8JsonWriter(buffer))
            {
                var now = DateTimeOffset.UtcNow;
                json.WriteStartArray();
                for (var i = 0; i < count; i++)
                {
                    json.WriteStartObject();
                    json.WriteString("source", "weibo");
                    json.WriteString("externalId", $"bench-{Run}-crisis-{i}");
                    json.WriteString("url", $"https://example.test/{Run}/crisis/{i}");
                    json.WriteString("author", $"crisis{i}");
                    json.WriteString("text", $"绿莫咖啡 {term} 喝完食物中毒，上吐下泻进了医院，太恶心了，必须投诉曝光！({i})");
                    json.WriteString("publishedAt", now);
                    json.WriteNumber("reach", 1_000 * (i + 1));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            return new MentionBatch(buffer.WrittenSpan.ToArray(), count);
        }

        private string Text(long n)
        {
            var corpus = n % 2 == 0 ? texts.Chinese : texts.English;
            var position = n / 2;
            var text = corpus[(int)(position % corpus.Count)];
            if (position >= corpus.Count)
            {
                text += (n % 2 == 0 ? "，" : " ") + corpus[(int)((position * 7919 + 13) % corpus.Count)];
            }

            if (n % 5 == 0)
            {
                text = (n % 2 == 0 ? "绿莫咖啡 " : "Lumo coffee: ") + text;
            }

            return text;
        }
    }

    /// <summary>
    /// The scaled stores of one run: a fresh PostgreSQL database (dropped afterwards unless --keep)
    /// and the emulated Elasticsearch node (decision 165), served from this process.
    /// </summary>
    private sealed class ScaledStores : IAsyncDisposable
    {
        private readonly string _admin;
        private readonly EmulatedElasticsearch _node;
        private readonly bool _keep;

        private ScaledStores(string admin, string database, string connectionString, EmulatedElasticsearch node, bool keep)
        {
            _admin = admin;
            Database = database;
            ConnectionString = connectionString;
            _node = node;
            _keep = keep;
        }

        public string Database { get; }

        public string ConnectionString { get; }

        public Uri NodeUrl => _node.Url;

        public IReadOnlyList<string> Arguments =>
        [
            "--Storage:Provider=postgresql",
            $"--Storage:ConnectionString={ConnectionString}",
            "--Index:Provider=elasticsearch",
            $"--Index:Elasticsearch:Url={NodeUrl}",
        ];

        public static async Task<ScaledStores> StartAsync(string admin, bool keep, CancellationToken cancellationToken)
        {
            var database = "sentimentwatch_bench_" + Guid.NewGuid().ToString("N")[..8];
            try
            {
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync(cancellationToken);
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or ArgumentException)
            {
                throw new BenchmarkFailedException($"--postgres: could not create a database for the run ({ex.Message}); the role needs CREATEDB", ex);
            }

            var node = await EmulatedElasticsearch.StartAsync(recordRequests: false);
            return new ScaledStores(admin, database, new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString, node, keep);
        }

        public async ValueTask DisposeAsync()
        {
            await _node.DisposeAsync();
            if (_keep)
            {
                AnsiConsole.MarkupLineInterpolated($"Kept PostgreSQL database {Database}.");
                return;
            }

            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The built service as a child process, so its RSS and CPU are its own and it is fed over real HTTP.</summary>
    private sealed class ServiceUnderTest : IDisposable
    {
        private readonly Process _process;
        private readonly Queue<string> _tail = new();
        private static readonly System.Text.RegularExpressions.Regex DigitRuns = new("[0-9]+", System.Text.RegularExpressions.RegexOptions.Compiled);
        private readonly Dictionary<string, int> _warningKinds = new(StringComparer.Ordinal);
        private readonly Timer _memorySampler;
        private readonly int _pid;
        private int _warnings;
        private long _peakAnonymousKilobytes;
        private long _peakFileKilobytes;
        private long _peakSharedKilobytes;

        private ServiceUnderTest(Process process, string baseUrl)
        {
            _process = process;
            _pid = process.Id;
            BaseUrl = baseUrl;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _memorySampler = new Timer(SampleMemory, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
        }

        public string BaseUrl { get; }

        public int LogWarnings => Volatile.Read(ref _warnings);

        public static ServiceUnderTest Start(string root, IReadOnlyList<string> hostArguments)
        {
            var port = FreePort();
            var baseUrl = $"http://127.0.0.1:{port}";
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = root,
            };
            start.ArgumentList.Add(typeof(PipelineBenchmark).Assembly.Location);
            start.ArgumentList.Add("run");
            foreach (var argument in new[]
            {
                $"--Urls={baseUrl}",
                $"--Storage:DataDirectory={Path.Combine(root, "data")}",
                "--Replay:Enabled=false",
                $"--Auth:ApiKeys:0:Key={Key}",
                "--Auth:ApiKeys:0:Role=admin",
                "--Auth:ApiKeys:0:Name=bench",
                // The crisis planted in the steady load: a risk-terms rule on a word no real post holds (issue 16's alert goal).
                $"--Alerting:Rules:99:Id={CrisisRuleId}",
                "--Alerting:Rules:99:Watch=lumo",
                "--Alerting:Rules:99:Kind=riskTerms",
                "--Alerting:Rules:99:Severity=critical",
                "--Alerting:Rules:99:MinCount=3",
                $"--Alerting:Rules:99:Terms:0={CrisisTerm}",
            }.Concat(hostArguments))
            {
                start.ArgumentList.Add(argument);
            }

            return new ServiceUnderTest(Process.Start(start) ?? throw new BenchmarkFailedException("could not start the service"), baseUrl);
        }

        public async Task WaitHealthyAsync(HttpClient client, CancellationToken cancellationToken)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(90))
            {
                if (_process.HasExited)
                {
                    throw new BenchmarkFailedException($"the service exited with {_process.ExitCode} while starting:{Environment.NewLine}{Tail()}");
                }

                try
                {
                    if ((await client.GetAsync("/health", cancellationToken)).IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(200, cancellationToken);
            }

            throw new BenchmarkFailedException($"the service did not become healthy in 90 s:{Environment.NewLine}{Tail()}");
        }

        public TimeSpan CpuTime()
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }

        /// <summary>VmHWM: the most resident memory the process ever had.</summary>
        public long PeakResidentBytes() => StatusKilobytes("VmHWM:") * 1024;

        /// <summary>The most anonymous resident memory (managed heap, native allocations) seen by the sampler.</summary>
        public long PeakAnonymousBytes => Interlocked.Read(ref _peakAnonymousKilobytes) * 1024;

        /// <summary>The most file-backed resident memory (memory-mapped index files, the runtime's libraries) seen by the sampler.</summary>
        public long PeakFileBytes => Interlocked.Read(ref _peakFileKilobytes) * 1024;

        /// <summary>The most shared resident memory seen by the sampler: the JIT maps its code twice (writable and executable).</summary>
        public long PeakSharedBytes => Interlocked.Read(ref _peakSharedKilobytes) * 1024;

        /// <summary>
        /// Samples what the resident memory is made of every 250 ms: the kernel's VmHWM gives only the total peak, and
        /// Lucene's memory-mapped files count in it though the kernel may drop them whenever it needs the memory.
        /// </summary>
        private void SampleMemory(object? state)
        {
            var (anonymous, file, shared) = ResidentParts();
            InterlockedMax(ref _peakAnonymousKilobytes, anonymous);
            InterlockedMax(ref _peakFileKilobytes, file);
            InterlockedMax(ref _peakSharedKilobytes, shared);

            static void InterlockedMax(ref long target, long value)
            {
                var seen = Interlocked.Read(ref target);
                while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var previous && previous != seen)
                {
                    seen = previous;
                }
            }
        }

        public long ResidentBytes() => StatusKilobytes("VmRSS:") * 1024;

        /// <summary>Stops it as a service manager would (SIGTERM) and waits for the drain.</summary>
        public async Task StopAsync()
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _process.WaitForExitAsync(timeout.Token);
        }

        public string Tail()
        {
            lock (_tail)
            {
                return string.Join(Environment.NewLine, _tail);
            }
        }

        public void Dispose()
        {
            _memorySampler.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }

            _process.Dispose();
        }

        /// <summary>RssAnon, RssFile and RssShmem in kB, from one read of the process's status.</summary>
        private (long Anonymous, long File, long Shared) ResidentParts()
        {
            try
            {
                long anonymous = 0, file = 0, shared = 0;
                foreach (var line in File.ReadLines($"/proc/{_pid}/status"))
                {
                    switch (line[..Math.Max(0, line.IndexOf(':'))])
                    {
                        case "RssAnon":
                            anonymous = Kilobytes(line);
                            break;
                        case "RssFile":
                            file = Kilobytes(line);
                            break;
                        case "RssShmem":
                            shared = Kilobytes(line);
                            break;
                    }
                }

                return (anonymous, file, shared);
            }
            catch (IOException)
            {
                return default;
            }
        }

        private static long Kilobytes(string statusLine) =>
            long.Parse(statusLine[(statusLine.IndexOf(':') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

        private long StatusKilobytes(string field)
        {
            try
            {
                var line = File.ReadLines($"/proc/{_pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
                return line is null ? 0 : Kilobytes(line);
            }
            catch (IOException)
            {
                return 0;
            }
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            if (line.Contains(" WRN]", StringComparison.Ordinal) || line.Contains(" ERR]", StringComparison.Ordinal) || line.Contains(" FTL]", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _warnings);
                var key = WarningKey(line);
                lock (_warningKinds)
                {
                    _warningKinds[key] = _warningKinds.GetValueOrDefault(key) + 1;
                }
            }

            lock (_tail)
            {
                _tail.Enqueue(line);
                while (_tail.Count > 60)
                {
                    _tail.Dequeue();
                }
            }
        }

        /// <summary>The warning/error lines by kind: the "[HH:mm:ss" stamp dropped, digit runs folded to #, at most 160 characters.</summary>
        public IReadOnlyDictionary<string, int> Warnings
        {
            get
            {
                lock (_warningKinds)
                {
                    return new Dictionary<string, int>(_warningKinds);
                }
            }
        }

        internal static string WarningKey(string line)
        {
            var start = line.IndexOf(' ', StringComparison.Ordinal) is var space and >= 0 && line.StartsWith('[') ? space + 1 : 0;
            var folded = DigitRuns.Replace(line[start..], "#");
            return folded.Length <= 160 ? folded : folded[..160] + "…";
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
