using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Storage;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Cases.Cli;

/// <summary>CLI verbs of the cases capability: <c>bench cases</c>.</summary>
public static class CasesCommands
{
    public static IEnumerable<Command> Commands(Func<string[], IHost> buildHost)
    {
        var mentions = new Option<int>("--mentions") { Description = "Mentions fed through the pipeline per run (default 20000)", DefaultValueFactory = _ => 20_000 };
        var rate = new Option<int>("--rate") { Description = "Mentions per second offered to the intake (default 5000)", DefaultValueFactory = _ => 5_000 };
        var cases = new Option<int>("--cases") { Description = "Cases seeded for the queue and metrics queries (default 100000)", DefaultValueFactory = _ => 100_000 };
        var queries = new Option<int>("--queries") { Description = "Queries of each kind timed (default 200)", DefaultValueFactory = _ => 200 };
        var skipPipeline = new Option<bool>("--skip-pipeline") { Description = "Only the queue and metrics part" };
        var skipQueries = new Option<bool>("--skip-queries") { Description = "Only the pipeline part (cases on vs off)" };
        var rounds = new Option<int>("--rounds") { Description = "Pairs of pipeline runs, cases off and on, in alternating order (default 3); the cost is the median pair's", DefaultValueFactory = _ => 3 };
        var command = new Command("bench", "Pipeline throughput with complaint cases on vs off at an offered rate, and queue/metrics latency over seeded cases in SQLite.")
        {
            mentions, rate, cases, queries, skipPipeline, skipQueries, rounds,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var extra = result.UnmatchedTokens.ToArray();
            if (!result.GetValue(skipPipeline))
            {
                var count = result.GetValue(mentions);
                var offered = result.GetValue(rate);
                Console.WriteLine($"Pipeline: {count:N0} mentions offered at {offered:N0}/s (demo texts, unique ids and authors), real ledger, models, Lucene and alerting");
                // A short run first, not counted: the first host in the process pays for JIT compilation,
                // which made whichever run came first look slower.
                await PipelineRunAsync(buildHost, extra, Math.Min(count, 2_000), offered, casesOn: true, cancellationToken);
                // One pair of runs says little on a shared machine: the same build gave -13 % to 39 %
                // in single pairs. Pairs alternate which run goes first, so drift in the neighbours'
                // load falls on both sides, and the median pair is reported.
                var pairs = new List<(PipelineRun Off, PipelineRun On)>();
                for (var round = 1; round <= Math.Max(1, result.GetValue(rounds)); round++)
                {
                    PipelineRun off, on;
                    if (round % 2 == 1)
                    {
                        off = await PipelineRunAsync(buildHost, extra, count, offered, casesOn: false, cancellationToken);
                        on = await PipelineRunAsync(buildHost, extra, count, offered, casesOn: true, cancellationToken);
                    }
                    else
                    {
                        on = await PipelineRunAsync(buildHost, extra, count, offered, casesOn: true, cancellationToken);
                        off = await PipelineRunAsync(buildHost, extra, count, offered, casesOn: false, cancellationToken);
                    }

                    pairs.Add((off, on));
                    Console.WriteLine($"  round {round} ({(round % 2 == 1 ? "off first" : "on first")}, load {LoadAverage()}):");
                    Console.WriteLine($"    cases off: {off.Throughput,8:N0} mentions/s processed ({off.Elapsed.TotalSeconds:N1} s), {off.CpuPerMention:N3} CPU-ms per mention");
                    Console.WriteLine($"    cases on:  {on.Throughput,8:N0} mentions/s processed ({on.Elapsed.TotalSeconds:N1} s), {on.CpuPerMention:N3} CPU-ms per mention, {on.Cases:N0} cases opened, {on.Attached:N0} mentions attached");
                    Console.WriteLine($"    cost of cases: {ThroughputCost(off, on):N1} % of throughput, {CpuCost(off, on):N1} % more CPU per mention");
                }

                var byCost = pairs.OrderBy(p => ThroughputCost(p.Off, p.On)).ToList();
                var (medianOff, medianOn) = byCost[byCost.Count / 2];
                var cpuCosts = pairs.Select(p => CpuCost(p.Off, p.On)).Order().ToList();
                Console.WriteLine($"  cost of cases over {pairs.Count} pairs: median {ThroughputCost(medianOff, medianOn):N1} % of throughput (range {ThroughputCost(byCost[0].Off, byCost[0].On):N1} to {ThroughputCost(byCost[^1].Off, byCost[^1].On):N1} %), median {cpuCosts[cpuCosts.Count / 2]:N1} % more CPU per mention");
                // Wall-clock throughput on a shared machine swings with the neighbours' load; the
                // process's own CPU time per mention is the steadier measure of what cases add.
                Console.WriteLine($"  load average after the runs: {LoadAverage()}");
                PrintStages(medianOff, medianOn, count);
            }

            if (result.GetValue(skipQueries))
            {
                return 0;
            }

            await QueryBenchAsync(buildHost, extra, result.GetValue(cases), result.GetValue(queries), cancellationToken);
            return 0;
        });
        return [command];
    }

    private static double ThroughputCost(PipelineRun off, PipelineRun on) => (1 - (on.Throughput / off.Throughput)) * 100;

    private static double CpuCost(PipelineRun off, PipelineRun on) => ((on.CpuPerMention / off.CpuPerMention) - 1) * 100;

    private sealed record PipelineRun(double Throughput, TimeSpan Elapsed, int Cases, int Attached, double CpuPerMention, IReadOnlyList<StageTiming> Stages);

    /// <summary>Busy µs per mention of every stage in either run, side by side, so the cost of cases is named by stage.</summary>
    private static void PrintStages(PipelineRun off, PipelineRun on, int count)
    {
        Console.WriteLine("  busy time per mention, by stage, in the median pair (stages overlap; a stage's own clock):");
        Console.WriteLine($"    {"stage",-42} {"cases off",10} {"cases on",10}");
        var names = off.Stages.Select(s => s.Stage).Concat(on.Stages.Select(s => s.Stage)).Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            double Micro(PipelineRun run) => (run.Stages.FirstOrDefault(s => s.Stage == name)?.Busy.TotalMicroseconds ?? 0) / count;
            if (Micro(off) + Micro(on) >= 0.5)
            {
                Console.WriteLine($"    {name,-42} {Micro(off),8:N1} µs {Micro(on),8:N1} µs");
            }
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0..3] is var parts ? string.Join(' ', parts) : "?";
        }
        catch (IOException)
        {
            return "unknown (no /proc/loadavg)";
        }
    }

    private static async Task<PipelineRun> PipelineRunAsync(Func<string[], IHost> buildHost, string[] extra, int count, int rate, bool casesOn, CancellationToken cancellationToken)
    {
        var data = Path.Combine(Path.GetTempPath(), "sw-bench-cases-" + Guid.NewGuid().ToString("N")[..8]);
        string[] args =
        [
            .. extra, $"--Storage:DataDirectory={data}", "--Replay:Enabled=false", "--Urls=http://127.0.0.1:0",
            "--Serilog:MinimumLevel:Default=Warning", $"--Cases:Watches:0:Enabled={(casesOn ? "true" : "false")}",
            "--Cases:SlaCheckCron=0 0 1 1 *",
        ];
        var host = buildHost(args);
        await host.StartAsync(cancellationToken);
        try
        {
            var intake = host.Services.GetRequiredService<IMentionIntake>();
            var ledger = host.Services.GetRequiredService<MentionLedger>();
            var texts = DemoPosts();
            var start = DateTimeOffset.UtcNow.AddDays(-1);
            var all = Enumerable.Range(0, count).Select(i =>
            {
                var (source, author, text) = texts[i % texts.Count];
                var id = MentionId.For(source, "bench-" + i.ToString(CultureInfo.InvariantCulture), null);
                return new Mention
                {
                    Id = id,
                    Source = source,
                    ExternalId = "bench-" + i.ToString(CultureInfo.InvariantCulture),
                    Author = $"{author}-{i % 3000}",
                    Text = $"{text} #{i}",
                    PublishedAt = start.AddSeconds(i),
                    CollectedAt = DateTimeOffset.UtcNow,
                };
            }).ToList();

            // Offer batches of 100 on a fixed schedule (the offered rate), whatever the pipeline does.
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            const int Batch = 100;
            for (var i = 0; i < all.Count; i += Batch)
            {
                var due = TimeSpan.FromSeconds((double)i / rate);
                var wait = due - stopwatch.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                await intake.AcceptAsync(all.GetRange(i, Math.Min(Batch, all.Count - i)), cancellationToken);
            }

            while (true)
            {
                var counts = await ledger.CountAsync(cancellationToken);
                if (counts.Pending == 0 && counts.Processed + counts.Parked >= count)
                {
                    break;
                }

                await Task.Delay(20, cancellationToken);
            }

            var elapsed = stopwatch.Elapsed;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var dbs = host.Services.GetRequiredService<IDbContextFactory<CasesDbContext>>();
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            var opened = await db.Cases.CountAsync(cancellationToken);
            var onCases = await db.Mentions.CountAsync(cancellationToken);
            var stages = host.Services.GetRequiredService<PipelineMetrics>().Snapshot();
            return new PipelineRun(count / elapsed.TotalSeconds, elapsed, opened, onCases - opened, cpu.TotalMilliseconds / count, stages);
        }
        finally
        {
            // Disposed before the folder goes: disposing the index writes its last commit there.
            await host.StopAsync(CancellationToken.None);
            if (host is IAsyncDisposable asyncHost)
            {
                await asyncHost.DisposeAsync();
            }
            else
            {
                host.Dispose();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TryDelete(data);
        }
    }

    private static List<(string Source, string Author, string Text)> DemoPosts()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "samples", "demo-mentions.jsonl");
        var posts = new List<(string, string, string)>();
        foreach (var line in File.ReadLines(path).Where(l => l.Trim().Length > 0))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            posts.Add((root.GetProperty("source").GetString()!, root.TryGetProperty("author", out var a) ? a.GetString() ?? "anon" : "anon", root.GetProperty("text").GetString()!));
        }

        return posts;
    }

    private static async Task QueryBenchAsync(Func<string[], IHost> buildHost, string[] extra, int count, int queries, CancellationToken cancellationToken)
    {
        var data = Path.Combine(Path.GetTempPath(), "sw-bench-cases-q-" + Guid.NewGuid().ToString("N")[..8]);
        using var host = buildHost([.. extra, $"--Storage:DataDirectory={data}", "--Replay:Enabled=false", "--Serilog:MinimumLevel:Default=Warning"]);
        try
        {
            var storage = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value;
            await StateStoreMigrator.PrepareAsync(host.Services.GetServices<IStateSchema>(), storage, cancellationToken);
            var seeded = Stopwatch.StartNew();
            await SeedAsync(host.Services.GetRequiredService<IDbContextFactory<CasesDbContext>>(), count, cancellationToken);
            Console.WriteLine($"Queue and metrics: {count:N0} cases seeded into SQLite in {seeded.Elapsed.TotalSeconds:N1} s ({new FileInfo(storage.StateDatabasePath).Length / 1024.0 / 1024.0:N1} MiB state.db)");

            var q = host.Services.GetRequiredService<CaseQueries>();
            var staff = new CaseViewer("bench", SeesPersonalData: true, AlertLinkedOnly: false);
            var now = DateTimeOffset.UtcNow;
            var cursor = (await q.ListAsync(new CaseFilter(), staff, 50, null, cancellationToken)).NextCursor;
            var dueOrder = new CaseFilter { Order = CaseOrder.Due };
            var dueCursor = (await q.ListAsync(dueOrder, staff, 50, null, cancellationToken)).NextCursor;
            // A page deep in the due order: the 40th, past every running clock's case into the paused and clockless.
            var deepDueCursor = dueCursor;
            for (var i = 0; i < 38 && deepDueCursor is not null; i++)
            {
                deepDueCursor = (await q.ListAsync(dueOrder, staff, 50, deepDueCursor, cancellationToken)).NextCursor;
            }

            var changes = new Random(5);
            var dbs = host.Services.GetRequiredService<IDbContextFactory<CasesDbContext>>();
            // A desk at work: before each timed read, the background refresh (once a minute in the
            // service) rebuilds the days marked so far, then cases opened on random days change (a
            // reply, a resolution), so the read finds those days marked and reads their cases one by
            // one (decision 197). Fourteen is the most a read takes that way before rebuilding them.
            var rollups = host.Services.GetRequiredService<CaseMetricRollups>();
            Task ChangeThreeCasesAsync() => ChangeCasesAsync(3);
            Task ChangeFourteenCasesAsync() => ChangeCasesAsync(CaseMetricRollups.MarkedDaysReadDirectly);
            async Task ChangeCasesAsync(int n)
            {
                await rollups.RefreshAsync(cancellationToken);
                await using var db = await dbs.CreateDbContextAsync(cancellationToken);
                for (var i = 0; i < n; i++)
                {
                    var id = 1 + changes.Next(count);
                    var c = await db.Cases.SingleAsync(x => x.Id == id, cancellationToken);
                    c.UpdatedAt = now;
                    c.ReopenCount = c.ReopenCount == 0 ? 1 : 0;
                }

                await db.SaveChangesAsync(cancellationToken);
            }

            var cases = new (string Name, Func<Task> Run, Func<Task>? Before)[]
            {
                ("queue: open, first page of 50", () => q.ListAsync(new CaseFilter(), staff, 50, null, cancellationToken), null),
                ("queue: open, second page (cursor)", () => q.ListAsync(new CaseFilter(), staff, 50, cursor, cancellationToken), null),
                ("queue: team + category + breached", () => q.ListAsync(new CaseFilter { Team = "team-1", Category = "refund_return", Breached = true }, staff, 50, null, cancellationToken), null),
                ("queue: owner's open cases", () => q.ListAsync(new CaseFilter { Owner = "agent-7" }, staff, 50, null, cancellationToken), null),
                ("queue: one team's open cases", () => q.ListAsync(new CaseFilter { Team = "team-1" }, staff, 50, null, cancellationToken), null),
                ("queue: unassigned open cases", () => q.ListAsync(new CaseFilter { Owner = "none" }, staff, 50, null, cancellationToken), null),
                ("queue: all statuses, P2", () => q.ListAsync(new CaseFilter { All = true, Priority = 2 }, staff, 50, null, cancellationToken), null),
                ("queue: text search", () => q.ListAsync(new CaseFilter { All = true, Text = "扣费" }, staff, 50, null, cancellationToken), null),
                ("queue due soonest: open, first page", () => q.ListAsync(dueOrder, staff, 50, null, cancellationToken), null),
                ("queue due soonest: open, second page", () => q.ListAsync(dueOrder, staff, 50, dueCursor, cancellationToken), null),
                ("queue due soonest: open, 40th page", () => q.ListAsync(dueOrder, staff, 50, deepDueCursor, cancellationToken), null),
                ("queue due soonest: team + category + breached", () => q.ListAsync(dueOrder with { Team = "team-1", Category = "refund_return", Breached = true }, staff, 50, null, cancellationToken), null),
                ("queue due soonest: owner's open cases", () => q.ListAsync(dueOrder with { Owner = "agent-7" }, staff, 50, null, cancellationToken), null),
                ("queue due soonest: unassigned open cases", () => q.ListAsync(dueOrder with { Owner = "none" }, staff, 50, null, cancellationToken), null),
                ("queue due soonest: all statuses, P2", () => q.ListAsync(dueOrder with { All = true, Priority = 2 }, staff, 50, null, cancellationToken), null),
                ("queue due soonest: text search", () => q.ListAsync(dueOrder with { All = true, Text = "扣费" }, staff, 50, null, cancellationToken), null),
                ("queue tab counts: no filter", () => q.CountTabsAsync(new CaseFilter(), staff, "agent-7", cancellationToken), null),
                ("queue tab counts: category", () => q.CountTabsAsync(new CaseFilter { Category = "refund_return" }, staff, "agent-7", cancellationToken), null),
                ("queue tab counts: one team", () => q.CountTabsAsync(new CaseFilter { Team = "team-1" }, staff, "agent-7", cancellationToken), null),
                ("queue tab counts: P2 + text", () => q.CountTabsAsync(new CaseFilter { Priority = 2, Text = "扣费" }, staff, "agent-7", cancellationToken), null),
                ("metrics: 30 days, no grouping", () => q.MetricsAsync(now.AddDays(-30), now, null, cancellationToken), null),
                ("metrics: 30 days by agent", () => q.MetricsAsync(now.AddDays(-30), now, "agent", cancellationToken), null),
                ("metrics: 90 days by category", () => q.MetricsAsync(now.AddDays(-90), now, "category", cancellationToken), null),
                ("metrics: 90 days by category, 3 changed", () => q.MetricsAsync(now.AddDays(-90), now, "category", cancellationToken), ChangeThreeCasesAsync),
                ("metrics: 90 days by agent, 3 changed", () => q.MetricsAsync(now.AddDays(-90), now, "agent", cancellationToken), ChangeThreeCasesAsync),
                ("metrics: 90 days by agent, 14 changed", () => q.MetricsAsync(now.AddDays(-90), now, "agent", cancellationToken), ChangeFourteenCasesAsync),
            };

            // The first read after seeding rebuilds every day's rollups (as the first read after an upgrade would).
            var firstRead = Stopwatch.StartNew();
            await q.MetricsAsync(now.AddDays(-90), now, null, cancellationToken);
            Console.WriteLine($"  first metrics read (rollups built for every day): {firstRead.Elapsed.TotalMilliseconds:N0} ms");
            foreach (var (name, run, before) in cases)
            {
                await run();
                var samples = new double[queries];
                // The host is built but not started, so this process's CPU time is the queries' own
                // (and the changes' before them, counted apart): on a shared machine it shows what a
                // query costs when the cores are free.
                var cpu = TimeSpan.Zero;
                for (var i = 0; i < queries; i++)
                {
                    if (before is not null)
                    {
                        await before();
                    }

                    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    var started = Stopwatch.GetTimestamp();
                    await run();
                    samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
                }

                var cpuPerQuery = cpu.TotalMilliseconds / queries;
                Array.Sort(samples);
                Console.WriteLine($"  {name,-42} p50 {samples[samples.Length / 2],7:N1} ms   p95 {samples[(int)Math.Ceiling(samples.Length * 0.95) - 1],7:N1} ms   CPU {cpuPerQuery,6:N1} ms per query");
            }

            Console.WriteLine($"  load average after the queries: {LoadAverage()}");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TryDelete(data);
        }
    }

    /// <summary>Cases over 90 days: 30 % open, a mix of priorities, categories, 4 teams, 40 agents.</summary>
    private static async Task SeedAsync(IDbContextFactory<CasesDbContext> dbs, int count, CancellationToken cancellationToken)
    {
        string[] categories = ["refund_return", "price_billing", "product_quality", "service_attitude", "logistics", "safety", "privacy_security"];
        var random = new Random(13);
        var now = DateTimeOffset.UtcNow;
        const int Chunk = 5_000;
        for (var done = 0; done < count; done += Chunk)
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            for (var i = done; i < Math.Min(count, done + Chunk); i++)
            {
                var opened = now - TimeSpan.FromMinutes(random.Next(0, 90 * 24 * 60));
                var priority = 1 + random.Next(4);
                var open = random.NextDouble() < 0.3;
                var replied = !open || random.NextDouble() < 0.5;
                var c = new Case
                {
                    WatchId = "watch-" + (i % 3).ToString(CultureInfo.InvariantCulture),
                    Title = (i % 7 == 0 ? "会员卡重复扣费 " : "complaint about the order ") + i.ToString(CultureInfo.InvariantCulture),
                    Category = categories[random.Next(categories.Length)],
                    Priority = priority,
                    Team = "team-" + (i % 4).ToString(CultureInfo.InvariantCulture),
                    Owner = "agent-" + random.Next(40).ToString(CultureInfo.InvariantCulture),
                    Author = "author-" + random.Next(50_000).ToString(CultureInfo.InvariantCulture),
                    Source = "forum",
                    Negative = 0.7f + ((float)random.NextDouble() * 0.3f),
                    OpenedAt = opened,
                    ClockStartedAt = opened - TimeSpan.FromMinutes(random.Next(0, 600)),
                    LastMentionAt = opened,
                    UpdatedAt = opened,
                    FirstResponseTarget = TimeSpan.FromHours(priority * 2),
                    ResolutionTarget = TimeSpan.FromHours(priority * 12),
                };
                c.SetStatus(open ? (CaseStatus)random.Next(1, 4) : random.NextDouble() < 0.5 ? CaseStatus.Resolved : CaseStatus.Closed);
                // One open case in ten waits new, unowned and unanswered (what "Unassigned only" lists). Chosen by the index,
                // and the random draws are made as before, so every other case is the one the earlier seed made.
                var waitingNew = open && i % 10 == 3;
                if (waitingNew)
                {
                    c.Owner = null;
                    c.SetStatus(CaseStatus.New);
                }

                c.FirstResponseDueAt = c.ClockStartedAt + c.FirstResponseTarget;
                c.ResolutionDueAt = c.ClockStartedAt + c.ResolutionTarget;
                if (replied)
                {
                    var answeredAfter = TimeSpan.FromMinutes(random.Next(5, 600));
                    if (!waitingNew)
                    {
                        c.FirstResponseAt = c.ClockStartedAt + answeredAfter;
                        c.FirstResponseWorking = c.FirstResponseAt - c.ClockStartedAt;
                        c.FirstResponseBreached = c.FirstResponseAt > c.FirstResponseDueAt;
                    }
                }

                if (!open)
                {
                    c.ResolvedAt = c.ClockStartedAt + TimeSpan.FromMinutes(random.Next(60, 6000));
                    c.ResolutionWorking = c.ResolvedAt - c.ClockStartedAt;
                    c.ResolutionBreached = c.ResolvedAt > c.ResolutionDueAt;
                    c.ReopenCount = random.NextDouble() < 0.05 ? 1 : 0;
                    c.Satisfaction = random.NextDouble() < 0.4 ? 1 + random.Next(5) : null;
                }

                c.UpdateDueKey();
                db.Cases.Add(c);
            }

            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A handle still closing; the temp folder is the OS's to clean.
        }
    }
}
