using System.Diagnostics;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Indexing.Lucene;
using Spectre.Console;

namespace SentimentWatch.Indexing.Cli;

/// <summary>
/// Measures the embedded index the way analysts use it: bulk indexing of generated mentions over
/// 90 days, then keyword queries with filters (a page of 20 with snippets) and by-day stats
/// over the whole window (grouped by sentiment, with top terms), each timed after a warm-up.
/// </summary>
public static class IndexBenchmark
{
    /// <param name="AsIndexed">Query the segments indexing left (what the running service searches) instead of merging them to four first.</param>
    public sealed record Settings(string Directory, int Count, int BatchSize, int QueryRuns, bool AsIndexed = false);

    /// <summary>
    /// Wall-clock numbers and, beside them, the process's CPU time: on a shared machine the wall
    /// clock also measures the other tenants, the CPU time measures this code.
    /// </summary>
    public sealed record Report(
        int Count,
        TimeSpan IndexingTime,
        double MentionsPerSecond,
        TimeSpan IndexingCpu,
        Percentiles Keyword,
        Percentiles Stats,
        Percentiles ZoneStats,
        Percentiles Queue,
        long BytesOnDisk,
        int Segments,
        bool AsIndexed,
        long LastKeywordTotal,
        long LastStatsTotal,
        string LoadAverage)
    {
        public double MentionsPerCpuSecond => Count / Math.Max(0.001, IndexingCpu.TotalSeconds);

        public void Write(IAnsiConsole console)
        {
            var table = new Table().AddColumns("measure", "result", "goal");
            table.AddRow("mentions indexed", $"{Count:N0} in {IndexingTime.TotalSeconds:N1} s", string.Empty);
            table.AddRow("indexing throughput", $"{MentionsPerSecond:N0} mentions/s ({MentionsPerCpuSecond:N0} per CPU-second)", "≥ 20,000/s");
            table.AddRow("keyword query + filters", $"p50 {Keyword.P50:N1} ms, p95 {Keyword.P95:N1} ms (CPU {Keyword.MeanCpu:N1} ms/query)", "p95 ≤ 20 ms");
            table.AddRow("stats by day over 90 days", $"p50 {Stats.P50:N1} ms, p95 {Stats.P95:N1} ms (CPU {Stats.MeanCpu:N1} ms/query)", "p95 ≤ 100 ms");
            table.AddRow("the same in America/New_York (decision 259)", $"p50 {ZoneStats.P50:N1} ms, p95 {ZoneStats.P95:N1} ms (CPU {ZoneStats.MeanCpu:N1} ms/query)", "p95 ≤ 100 ms");
            table.AddRow("labelling queue: 2,000 newest of 7 days ranked", $"p50 {Queue.P50:N1} ms, p95 {Queue.P95:N1} ms (CPU {Queue.MeanCpu:N1} ms/query)", "p95 ≤ 300 ms (a console page)");
            table.AddRow("segments queried", AsIndexed ? $"{Segments:N0}, as indexing left them" : $"{Segments:N0}, merged to at most four", string.Empty);
            table.AddRow("index size on disk", $"{BytesOnDisk / 1048576.0:N1} MiB ({(double)BytesOnDisk / Math.Max(1, Count):N0} bytes/mention)", string.Empty);
            table.AddRow("machine load (1/5/15 min)", LoadAverage, string.Empty);
            console.Write(table);
        }
    }

    public sealed record Percentiles(double P50, double P95, double Max, double MeanCpu);

    private static readonly string[] Keywords = ["退款", "客服", "refund", "battery", "物流", "shipping", "\"customer service\"", "退款 OR refund", "发热 OR hot", "crashing"];

    public static async Task<Report> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var end = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var span = TimeSpan.FromDays(90);
        var generator = new MentionGenerator(seed: 42, end, span);
        using var index = new LuceneMentionIndex(settings.Directory);

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var indexing = Stopwatch.StartNew();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Indexing mentions", maxValue: settings.Count);
                // Generate the next batch while the index analyses this one: both are CPU work, on different cores.
                var next = Task.Run(() => generator.Next(Math.Min(settings.BatchSize, settings.Count)), cancellationToken);
                for (var done = 0; done < settings.Count;)
                {
                    var batch = await next;
                    done += batch.Count;
                    var remaining = settings.Count - done;
                    next = remaining > 0 ? Task.Run(() => generator.Next(Math.Min(settings.BatchSize, remaining)), cancellationToken) : Task.FromResult<IReadOnlyList<Core.Mentions.Mention>>([]);
                    await index.UpsertAsync(batch, cancellationToken);
                    task.Value = done;
                }
            });
        indexing.Stop();
        var indexingCpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        if (!settings.AsIndexed)
        {
            AnsiConsole.MarkupLine("Merging segments…");
            index.Optimize(maxSegments: 4);
        }

        var segments = index.SegmentCount;
        var size = index.SizeOnDisk();

        var random = new Random(7);
        var sentiments = new SentimentLabel?[] { SentimentLabel.Negative, null, SentimentLabel.Positive };
        string[] sources = ["weibo", "reddit", "forum"];
        long keywordTotal = 0;
        var keyword = await TimeAsync("Keyword queries", settings.QueryRuns, async i =>
        {
            var result = await index.SearchAsync(
                new MentionSearch
                {
                    Filter = new MentionFilter
                    {
                        Query = Keywords[random.Next(Keywords.Length)],
                        From = end - TimeSpan.FromDays(random.Next(7, 60)),
                        To = end,
                        Sentiment = sentiments[i % sentiments.Length],
                        Source = i % 4 == 0 ? sources[random.Next(sources.Length)] : null,
                    },
                    Sort = i % 2 == 0 ? MentionSort.Relevance : MentionSort.Newest,
                    Size = 20,
                },
                cancellationToken);
            keywordTotal = result.Total;
        });

        long statsTotal = 0;
        var stats = await TimeAsync("Stats queries", Math.Max(20, settings.QueryRuns / 4), i => StatsAsync(i, null));

        // The same queries with days cut in a zone with daylight saving: the offset looked up per mention (decision 259).
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var zoneStats = await TimeAsync("Stats queries in a zone", Math.Max(20, settings.QueryRuns / 4), i => StatsAsync(i, newYork));

        async Task StatsAsync(int i, TimeZoneInfo? zone)
        {
            var result = await index.StatsAsync(
                new MentionStatsRequest
                {
                    Filter = new MentionFilter
                    {
                        From = end - span,
                        To = end,
                        Source = i % 3 == 1 ? sources[random.Next(sources.Length)] : null,
                        Query = i % 3 == 2 ? Keywords[random.Next(Keywords.Length)] : null,
                    },
                    Interval = StatsInterval.Day,
                    GroupBy = MentionGroupBy.Sentiment,
                    TopN = 10,
                    TimeZone = zone,
                },
                cancellationToken);
            statsTotal = result.Total;
        }

        // The labelling queue (decision 212): the newest 2,000 of the last 7 days, read in pages of 500, ranked least certain first.
        var queue = await TimeAsync("Labelling queue", Math.Max(10, settings.QueryRuns / 10), async i =>
        {
            var filter = new MentionFilter { From = end - TimeSpan.FromDays(7), To = end, Source = i % 2 == 1 ? sources[random.Next(sources.Length)] : null };
            await LabellingQueue.ReadAsync(index, filter, i % 3 == 2 ? LabellingQueueKind.Topic : LabellingQueueKind.Sentiment, 25, LabellingQueue.DefaultWindow, cancellationToken);
        });

        return new Report(settings.Count, indexing.Elapsed, settings.Count / indexing.Elapsed.TotalSeconds, indexingCpu, keyword, stats, zoneStats, queue, size, segments, settings.AsIndexed, keywordTotal, statsTotal, LoadAverage());
    }

    private static async Task<Percentiles> TimeAsync(string name, int runs, Func<int, Task> run)
    {
        // Warm-up: JIT (tiered compilation re-optimises a method after 30 calls), OS file cache and
        // Lucene's per-segment caches, as in a service that has been answering queries for a while.
        for (var i = 0; i < Math.Min(100, runs); i++)
        {
            await run(i);
        }

        var times = new double[runs];
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        await AnsiConsole.Status().StartAsync(name + "…", async _ =>
        {
            for (var i = 0; i < runs; i++)
            {
                var stopwatch = Stopwatch.StartNew();
                await run(i);
                times[i] = stopwatch.Elapsed.TotalMilliseconds;
            }
        });
        var meanCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / runs;
        Array.Sort(times);
        return new Percentiles(Percentile(times, 0.50), Percentile(times, 0.95), times[^1], meanCpu);
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + $" on {Environment.ProcessorCount} cores" : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
