using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Indexing.Cli;
using SentimentWatch.Storage;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Cli;

/// <summary>
/// <c>bench ledger</c>: the durable ledger alone, the way the service uses it, on a temporary
/// data directory (SQLite by default; <c>--Storage:Provider=PostgreSql</c> and a connection string
/// measure PostgreSQL). Concurrent clients append requests of 500 (redaction included, as at the
/// intake), the pipeline's reader reads them back in batches, and they are marked processed in
/// the pipeline's commit-sized groups. Each phase runs alone, and the host is built but not
/// started, so the process's CPU time in a phase is the ledger's own.
/// </summary>
public static class LedgerBenchmark
{
    public static Command Command()
    {
        var count = new Option<int>("--count") { Description = "Mentions appended, read and completed.", DefaultValueFactory = _ => 200_000 };
        var clients = new Option<int>("--clients") { Description = "Concurrent appending clients (the intake's requests).", DefaultValueFactory = _ => 4 };
        var request = new Option<int>("--request") { Description = "Mentions per append request.", DefaultValueFactory = _ => 500 };
        var complete = new Option<int>("--complete") { Description = "Mentions per completion (the pipeline completes what one index commit covered).", DefaultValueFactory = _ => 16_000 };
        var command = new Command("bench", "The mention ledger alone: append (concurrent requests, group commit), read pending, complete; µs of wall and CPU per mention for each, on a temporary data directory. Other --Section:Key=value tokens configure the store.")
        {
            count, clients, request, complete,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((ParseResult result, CancellationToken cancellationToken) => RunAsync(
            result.GetValue(count), Math.Max(1, result.GetValue(clients)), Math.Max(1, result.GetValue(request)), Math.Max(1, result.GetValue(complete)),
            [.. result.UnmatchedTokens], cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int count, int clients, int request, int completeSize, string[] extra, CancellationToken cancellationToken)
    {
        var data = Path.Combine(Path.GetTempPath(), "sw-bench-ledger-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var host = CommandLine.BuildHost([.. extra, $"--Storage:DataDirectory={data}", "--Replay:Enabled=false", "--Serilog:MinimumLevel:Default=Warning"]);
            var storage = host.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
            await StateStoreMigrator.PrepareAsync(host.Services.GetServices<IStateSchema>(), storage, cancellationToken);
            var ledger = host.Services.GetRequiredService<MentionLedger>();
            var metrics = host.Services.GetRequiredService<PipelineMetrics>();

            // Real-length mixed Chinese/English texts; ids derived like the intake's (hashes: random order in the id index).
            var generator = new MentionGenerator(7, DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
            var mentions = new Mention[count];
            for (var i = 0; i < count; i++)
            {
                var m = generator.Next();
                mentions[i] = m with { Id = MentionId.For(m.Source, m.ExternalId, m.Url), Sentiment = null, Topic = null, ScoredBy = null, Watches = [] };
            }

            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Ledger: {storage.Provider}, {count:N0} mentions (mean {mentions.Average(m => m.Text.Length):N0} chars), {clients} clients × {request} per request, completed {completeSize:N0} at a time; load average {MachineLoad.Average()}"));

            // Append: each client takes every clients-th request, as concurrent intake requests would.
            await PhaseAsync("append", count, async () =>
            {
                var requests = mentions.Chunk(request).ToArray();
                await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(
                    async () =>
                    {
                        for (var r = c; r < requests.Length; r += clients)
                        {
                            await ledger.AcceptAsync(requests[r], cancellationToken);
                        }
                    },
                    cancellationToken)));
            });

            var read = new List<LedgerEntry>(count);
            await PhaseAsync("read pending", count, async () =>
            {
                long position = 0;
                while (true)
                {
                    var batch = await ledger.ReadPendingAsync(position, 1_000, TimeSpan.FromMinutes(5), cancellationToken);
                    if (batch.Count == 0)
                    {
                        break;
                    }

                    read.AddRange(batch);
                    position = batch[^1].Sequence;
                }
            });

            if (read.Count != count)
            {
                Console.Error.WriteLine($"read {read.Count:N0} pending mentions, expected {count:N0}");
                return 1;
            }

            // What the pipeline learned, as it completes them.
            var scored = read.Select(e => e with
            {
                Mention = e.Mention with
                {
                    Watches = ["brand"],
                    Sentiment = new SentimentScore(SentimentLabel.Negative, 0.7f, 0.2f, 0.1f),
                    Topic = new TopicScore("logistics", 0.6f),
                    ScoredBy = "bench-model",
                },
            }).ToList();
            await PhaseAsync("complete", count, async () =>
            {
                foreach (var chunk in scored.Chunk(completeSize))
                {
                    await ledger.CompleteAsync(chunk, cancellationToken);
                }
            });

            var counts = await ledger.CountAsync(cancellationToken);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"at the end: {counts.Processed:N0} processed, {counts.Pending:N0} pending; state database {Megabytes(storage.StateDatabasePath):N0} MiB (+ WAL {Megabytes(storage.StateDatabasePath + "-wal"):N0} MiB); load average {MachineLoad.Average()}"));
            var stages = metrics.Snapshot().Where(s => s.Items > 0).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Stage} {s.Busy.TotalMilliseconds * 1000 / count:F1}"));
            Console.Out.WriteLine("stage busy µs per mention: " + string.Join(", ", stages));
            return counts.Processed == count && counts.Pending == 0 ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task PhaseAsync(string name, int count, Func<Task> run)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var written = WrittenBytes();
        var clock = Stopwatch.StartNew();
        await run();
        var wall = clock.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var bytes = written is { } before && WrittenBytes() is { } after
            ? string.Create(CultureInfo.InvariantCulture, $", {(after - before) / 1024.0 / count:F1} KiB written per mention")
            : string.Empty;
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {count / wall:N0} mentions/s, {wall * 1e6 / count:F1} µs wall and {cpuSeconds * 1e6 / count:F1} µs CPU per mention ({wall:F1} s, {cpuSeconds:F1} CPU-s){bytes}"));
    }

    /// <summary>
    /// Bytes this process has handed to <c>write</c> so far (Linux <c>/proc/self/io</c>, "wchar"); null elsewhere. The ledger
    /// runs in-process with no network, so this is what SQLite wrote: its log, then the checkpoint's copy into the database.
    /// </summary>
    public static long? WrittenBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/io"))
            {
                if (line.StartsWith("wchar:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private static double Megabytes(string path) => File.Exists(path) ? new FileInfo(path).Length / 1024.0 / 1024.0 : 0;
}
