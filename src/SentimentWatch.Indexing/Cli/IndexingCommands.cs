using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Storage.Mentions;
using Spectre.Console;

namespace SentimentWatch.Indexing.Cli;

/// <summary>The index verbs: <c>bench</c> (measure the embedded index) and <c>reindex</c> (rebuild it).</summary>
public static class IndexingCommands
{
    public static IEnumerable<Command> Commands(Func<string[], IHost> buildHost)
    {
        yield return Bench();
        yield return Reindex(buildHost);
    }

    private static Command Bench()
    {
        var count = new Option<int>("--count") { Description = "How many mentions to generate and index.", DefaultValueFactory = _ => 1_000_000 };
        var directory = new Option<DirectoryInfo?>("--dir") { Description = "Index folder (default: a new temp folder, deleted afterwards)." };
        var batch = new Option<int>("--batch-size") { Description = "Mentions per upsert (one commit each).", DefaultValueFactory = _ => 20_000 };
        var queries = new Option<int>("--queries") { Description = "Timed runs of each query kind.", DefaultValueFactory = _ => 200 };
        var keep = new Option<bool>("--keep") { Description = "Keep the index folder afterwards." };
        var analysis = new Option<bool>("--analysis") { Description = "Measure text analysis alone instead: CPU µs per mention of --count generated mentions through the shipped chain, without the Traditional fold and with Lucene's MappingCharFilter, median of --rounds interleaved rounds." };
        var rounds = new Option<int>("--rounds") { Description = "Interleaved rounds for --analysis.", DefaultValueFactory = _ => 10 };
        var asIndexed = new Option<bool>("--as-indexed") { Description = "Query the segments indexing left, as the running service does (a small --batch-size commits many), instead of merging them to four first." };
        var command = new Command("bench", "Generate mixed Chinese/English mentions over 90 days into a Lucene index; report indexing throughput, query and stats latency, and size on disk (or, with --analysis, the CPU cost of text analysis per mention).")
        {
            count, directory, batch, queries, keep, analysis, rounds, asIndexed,
        };
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var n = result.GetValue(count);
            var size = result.GetValue(batch);
            var runs = result.GetValue(queries);
            if (n <= 0 || size <= 0 || runs <= 0 || result.GetValue(rounds) <= 0)
            {
                AnsiConsole.MarkupLine("[red]--count, --batch-size, --queries and --rounds must be positive.[/]");
                return 2;
            }

            if (result.GetValue(analysis))
            {
                foreach (var line in AnalysisBenchmark.Run(n, result.GetValue(rounds), cancellationToken).Lines())
                {
                    Console.Out.WriteLine(line);
                }

                return 0;
            }

            var dir = result.GetValue(directory)?.FullName;
            var temporary = dir is null;
            dir ??= Path.Combine(Path.GetTempPath(), "sentimentwatch-bench-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                var report = await IndexBenchmark.RunAsync(new IndexBenchmark.Settings(dir, n, size, runs, result.GetValue(asIndexed)), cancellationToken);
                report.Write(AnsiConsole.Console);
                return 0;
            }
            finally
            {
                if (temporary && !result.GetValue(keep))
                {
                    TryDelete(dir);
                }
            }
        });
        return command;
    }

    private static Command Reindex(Func<string[], IHost> buildHost)
    {
        var jsonl = new Option<FileInfo?>("--from-jsonl") { Description = "Read mentions from this JSON Lines dump (one mention per line) instead of the state store." };
        var batch = new Option<int>("--batch-size") { Description = "Mentions per upsert.", DefaultValueFactory = _ => 5_000 };
        var clean = new Option<bool>("--clean") { Description = "Drop every indexed mention first, so the index holds exactly the source's mentions." };
        var command = new Command("reindex", "Rebuild the mention index from the state store's processed mentions or from a JSONL dump.")
        {
            jsonl, batch, clean,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var file = result.GetValue(jsonl);
            if (file is { Exists: false })
            {
                AnsiConsole.MarkupLineInterpolated($"[red]--from-jsonl: '{file.FullName}' does not exist.[/]");
                return 2;
            }

            var size = result.GetValue(batch);
            if (size <= 0)
            {
                AnsiConsole.MarkupLine("[red]--batch-size must be positive.[/]");
                return 2;
            }

            using var host = buildHost([.. result.UnmatchedTokens]);
            var index = host.Services.GetRequiredService<IMentionIndex>();
            if (result.GetValue(clean))
            {
                var dropped = await index.DeleteOlderThanAsync(DateTimeOffset.MaxValue, cancellationToken);
                AnsiConsole.MarkupLineInterpolated($"Dropped {dropped:N0} indexed mentions.");
            }

            long total;
            IAsyncEnumerable<Mention> mentions;
            Func<long> position;
            if (file is not null)
            {
                var reader = new JsonlMentionReader(file.FullName);
                total = file.Length;
                position = () => reader.BytesRead;
                // A dump is an input like any other: fitted and redacted as the intake prepares every mention (docs/privacy.md),
                // so a file written by another tool, or by a build before a redaction kind existed, puts no phone number in the index.
                mentions = Prepared(reader.ReadAsync(cancellationToken));
            }
            else
            {
                // Applies pending state-store migrations, so a fresh data folder works too.
                await SentimentWatch.Storage.StateStoreMigrator.PrepareAsync(
                    host.Services.GetServices<SentimentWatch.Storage.IStateSchema>(),
                    host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SentimentWatch.Storage.StorageOptions>>().Value,
                    cancellationToken);

                var ledger = host.Services.GetRequiredService<MentionLedger>();
                total = (await ledger.CountAsync(cancellationToken)).Processed;
                long read = 0;
                position = () => read;
                mentions = Counting(ledger.ReadProcessedAsync(cancellationToken), () => read++);
            }

            var indexed = await ReindexAsync(index, mentions, size, total, position, file is null ? "mentions" : "bytes", cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"[green]Reindexed {indexed:N0} mentions[/] from {(file is null ? "the state store" : file.FullName)}.");
            if (MentionIndexes.Engine(index) is Lucene.LuceneMentionIndex { AnalysisVersion: var analysis } && analysis != Lucene.MentionTextAnalyzer.AnalysisVersion)
            {
                // Upserting over an old index replaces only the mentions the source still has.
                AnsiConsole.MarkupLineInterpolated($"[yellow]The index was built with text analysis {analysis} (this build: {Lucene.MentionTextAnalyzer.AnalysisVersion}) and may still hold mentions analysed that way; run reindex --clean to rebuild it completely.[/]");
            }

            return 0;
        });
        return command;
    }

    private static async Task<long> ReindexAsync(IMentionIndex index, IAsyncEnumerable<Mention> mentions, int batchSize, long total, Func<long> position, string unit, CancellationToken cancellationToken)
    {
        long indexed = 0;
        var stopwatch = Stopwatch.StartNew();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Reindexing ({unit})", maxValue: Math.Max(1, total));
                var batch = new List<Mention>(batchSize);
                await foreach (var mention in mentions.WithCancellation(cancellationToken))
                {
                    batch.Add(mention);
                    if (batch.Count == batchSize)
                    {
                        await index.UpsertAsync(batch, cancellationToken);
                        indexed += batch.Count;
                        batch.Clear();
                        task.Value = Math.Min(position(), task.MaxValue);
                    }
                }

                if (batch.Count > 0)
                {
                    await index.UpsertAsync(batch, cancellationToken);
                    indexed += batch.Count;
                }

                task.Value = task.MaxValue;
            });
        AnsiConsole.MarkupLineInterpolated($"{indexed / Math.Max(0.001, stopwatch.Elapsed.TotalSeconds):N0} mentions/s");
        return indexed;
    }

    private static async IAsyncEnumerable<Mention> Prepared(IAsyncEnumerable<Mention> source)
    {
        await foreach (var mention in source)
        {
            yield return MentionPreparation.Prepare(mention);
        }
    }

    private static async IAsyncEnumerable<Mention> Counting(IAsyncEnumerable<Mention> source, Action onEach)
    {
        await foreach (var item in source)
        {
            onEach();
            yield return item;
        }
    }

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
}
