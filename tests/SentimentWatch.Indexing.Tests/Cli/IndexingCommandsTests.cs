using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Indexing.Cli;
using SentimentWatch.Indexing.Lucene;
using SentimentWatch.Indexing.Tests.Lucene;

namespace SentimentWatch.Indexing.Tests.Cli;

public sealed class IndexingCommandsTests : IDisposable
{
    private readonly TempFolder folder = new();

    [Fact]
    public async Task ReindexFromAJsonlDumpIndexesEveryMentionAndCleanDropsTheRest()
    {
        var dump = Path.Combine(folder.Path, "dump.jsonl");
        var mentions = Enumerable.Range(0, 25).Select(i => TestMentions.Create($"d{i}", $"退款 refund number {i}")).ToList();
        await File.WriteAllLinesAsync(dump, mentions.Select(m => System.Text.Json.JsonSerializer.Serialize(m, MentionJson.Options)).Append(string.Empty));
        var indexPath = Path.Combine(folder.Path, "index");
        using (var stale = new LuceneMentionIndex(indexPath))
        {
            await stale.UpsertAsync([TestMentions.Create("stale", "gone after a clean rebuild")], CancellationToken.None);
        }

        var exit = await RunAsync(indexPath, "reindex", "--from-jsonl", dump, "--batch-size", "10", "--clean");

        exit.ShouldBe(0);
        using var index = new LuceneMentionIndex(indexPath);
        (await index.HealthAsync(CancellationToken.None)).DocumentCount.ShouldBe(25);
        (await index.GetAsync("stale", CancellationToken.None)).ShouldBeNull();
        (await index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "退款" }, Size = 0 }, CancellationToken.None)).Total.ShouldBe(25);
    }

    [Fact]
    public async Task ReindexCleanBringsAnIndexBuiltBeforeTheScriptFoldUpToDate()
    {
        var post = TestMentions.Create("traditional", "華為手機退貨還要等兩週");
        var dump = Path.Combine(folder.Path, "dump.jsonl");
        await File.WriteAllLinesAsync(dump, [System.Text.Json.JsonSerializer.Serialize(post, MentionJson.Options)]);
        var indexPath = Path.Combine(folder.Path, "index");
        LuceneMentionIndexAnalysisVersionTests.WriteAsTheBuildBeforeTheScriptFold(indexPath, post);

        (await RunAsync(indexPath, "reindex", "--from-jsonl", dump)).ShouldBe(0);
        using (var stillOld = new LuceneMentionIndex(indexPath))
        {
            stillOld.AnalysisVersion.ShouldBe(1);
        }

        (await RunAsync(indexPath, "reindex", "--from-jsonl", dump, "--clean")).ShouldBe(0);
        using var index = new LuceneMentionIndex(indexPath);
        index.AnalysisVersion.ShouldBe(MentionTextAnalyzer.AnalysisVersion);
        (await index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "华为" }, Size = 0 }, CancellationToken.None)).Total.ShouldBe(1);
    }

    /// <summary>
    /// A dump written by another tool (or by a build before a redaction kind existed) carries personal data: reindex used to
    /// put it in the index as it was, searchable and returned by /api/mentions. It is prepared like every intake now.
    /// </summary>
    [Fact]
    public async Task ReindexFromAJsonlDump_RedactsPersonalDataAsTheIntakeDoes()
    {
        var dump = Path.Combine(folder.Path, "dump.jsonl");
        var post = TestMentions.Create("pii", "退款请打 13812345678 或写信 wang.li@example.com refund");
        await File.WriteAllLinesAsync(dump, [System.Text.Json.JsonSerializer.Serialize(post, MentionJson.Options)]);
        var indexPath = Path.Combine(folder.Path, "index");

        (await RunAsync(indexPath, "reindex", "--from-jsonl", dump)).ShouldBe(0);

        using var index = new LuceneMentionIndex(indexPath);
        var stored = (await index.GetAsync("pii", CancellationToken.None)).ShouldNotBeNull();
        stored.Text.ShouldNotContain("13812345678");
        stored.Text.ShouldNotContain("wang.li@example.com");
        stored.Text.ShouldContain("退款");
        (await index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "13812345678" }, Size = 0 }, CancellationToken.None)).Total.ShouldBe(0);
    }

    [Fact]
    public async Task ReindexNamesTheLineOfABrokenDump()
    {
        var dump = Path.Combine(folder.Path, "broken.jsonl");
        await File.WriteAllLinesAsync(dump, [System.Text.Json.JsonSerializer.Serialize(TestMentions.Create("ok", "fine"), MentionJson.Options), "{\"not\": \"a mention\"}"]);

        var error = await Should.ThrowAsync<InvalidDataException>(() => RunAsync(Path.Combine(folder.Path, "index"), "reindex", "--from-jsonl", dump));

        error.Message.ShouldContain("line 2");
    }

    [Fact]
    public async Task BenchReportsEveryMeasureOnASmallRun()
    {
        var report = await IndexBenchmark.RunAsync(new IndexBenchmark.Settings(Path.Combine(folder.Path, "bench"), 3_000, 1_000, 20), CancellationToken.None);

        report.Count.ShouldBe(3_000);
        report.MentionsPerSecond.ShouldBeGreaterThan(0);
        report.BytesOnDisk.ShouldBeGreaterThan(100_000);
        report.LastStatsTotal.ShouldBeGreaterThan(0);
        report.Keyword.P95.ShouldBeGreaterThanOrEqualTo(report.Keyword.P50);
        report.ZoneStats.P50.ShouldBeGreaterThan(0, "the stats in a zone are timed too (decision 259)");
        report.ZoneStats.P95.ShouldBeGreaterThanOrEqualTo(report.ZoneStats.P50);
        report.Segments.ShouldBeInRange(1, 4);
    }

    [Fact]
    public async Task BenchAsIndexedQueriesTheSegmentsEachCommitLeft()
    {
        // Batches under the index's parallel threshold are written by one thread: one segment per commit.
        var report = await IndexBenchmark.RunAsync(new IndexBenchmark.Settings(Path.Combine(folder.Path, "bench"), 1_600, 200, 5, AsIndexed: true), CancellationToken.None);

        // Eight commits, eight segments: fewer than a merge tier (ten), so none were merged, and the bench merged none.
        report.AsIndexed.ShouldBeTrue();
        report.Segments.ShouldBe(8);
        report.LastStatsTotal.ShouldBeGreaterThan(0);
    }

    public void Dispose() => folder.Dispose();

    private static async Task<int> RunAsync(string indexPath, params string[] args)
    {
        var root = new RootCommand();
        foreach (var command in IndexingCommands.Commands(_ =>
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddSingleton<IMentionIndex>(_ => new LuceneMentionIndex(indexPath));
            return builder.Build();
        }))
        {
            root.Subcommands.Add(command);
        }

        var parsed = root.Parse(args);
        parsed.Errors.ShouldBeEmpty();
        return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }
}
