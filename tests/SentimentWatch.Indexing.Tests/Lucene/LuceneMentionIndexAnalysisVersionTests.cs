using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Indexing.Lucene;

namespace SentimentWatch.Indexing.Tests.Lucene;

/// <summary>Indexes built by an older analysis chain are flagged until a clean rebuild (decision 030, Indexing).</summary>
public sealed class LuceneMentionIndexAnalysisVersionTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempFolder folder = new();

    private string IndexPath => Path.Combine(folder.Path, "index");

    [Fact]
    public async Task ANewIndexRecordsTheCurrentAnalysisAndKeepsItAfterReopening()
    {
        using (var index = new LuceneMentionIndex(IndexPath))
        {
            index.AnalysisVersion.ShouldBe(MentionTextAnalyzer.AnalysisVersion);
            await index.UpsertAsync([TestMentions.Create("a", "華為 refund")], None);
        }

        using var reopened = new LuceneMentionIndex(IndexPath);
        reopened.AnalysisVersion.ShouldBe(MentionTextAnalyzer.AnalysisVersion);
        (await reopened.HealthAsync(None)).Detail!.ShouldNotContain("reindex");
    }

    [Fact]
    public async Task AnIndexBuiltWithoutTheScriptFoldIsFlaggedUntilReindexCleanRebuildsIt()
    {
        var post = TestMentions.Create("traditional", "華為手機退貨還要等兩週");
        WriteAsTheBuildBeforeTheScriptFold(IndexPath, post);

        using var index = new LuceneMentionIndex(IndexPath);
        index.AnalysisVersion.ShouldBe(1);
        var health = await index.HealthAsync(None);
        health.Healthy.ShouldBeTrue();
        health.Detail!.ShouldContain("reindex --clean");
        (await IdsAsync(index, "华为")).ShouldBeEmpty();

        // Upserting again without dropping first cannot prove every old mention was replaced.
        await index.UpsertAsync([post], None);
        index.AnalysisVersion.ShouldBe(1);

        // What `reindex --clean` does: drop every mention, then upsert them all again.
        await index.DeleteOlderThanAsync(DateTimeOffset.MaxValue, None);
        await index.UpsertAsync([post], None);

        index.AnalysisVersion.ShouldBe(MentionTextAnalyzer.AnalysisVersion);
        (await index.HealthAsync(None)).Detail!.ShouldNotContain("reindex");
        (await IdsAsync(index, "华为")).ShouldBe(["traditional"]);
        (await IdsAsync(index, "華為")).ShouldBe(["traditional"]);
    }

    public void Dispose() => folder.Dispose();

    private static async Task<string[]> IdsAsync(LuceneMentionIndex index, string query)
    {
        var result = await index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = query }, Highlight = false }, None);
        return [.. result.Hits.Select(hit => hit.Mention.Id)];
    }

    /// <summary>An index as the previous build wrote it: the chain without the fold, and no analysis stamp.</summary>
    internal static void WriteAsTheBuildBeforeTheScriptFold(string path, params Core.Mentions.Mention[] mentions)
    {
        using var directory = FSDirectory.Open(path);
        using var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, new ChainWithoutTheScriptFold()));
        foreach (var mention in mentions)
        {
            writer.AddDocument(MentionDocument.Create(mention));
        }

        writer.Commit();
    }

    /// <summary>MentionTextAnalyzer as it was at analysis version 1 (decision 030).</summary>
    private sealed class ChainWithoutTheScriptFold : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var source = new StandardTokenizer(LuceneVersion.LUCENE_48, reader);
            TokenStream stream = new CJKWidthFilter(source);
            stream = new LowerCaseFilter(LuceneVersion.LUCENE_48, stream);
            stream = new CJKBigramFilter(stream);
            stream = new StopFilter(LuceneVersion.LUCENE_48, stream, EnglishAnalyzer.DefaultStopSet);
            stream = new EnglishPossessiveFilter(LuceneVersion.LUCENE_48, stream);
            stream = new KeywordRepeatFilter(stream);
            stream = new PorterStemFilter(stream);
            stream = new RemoveDuplicatesTokenFilter(stream);
            return new TokenStreamComponents(source, stream);
        }
    }
}
