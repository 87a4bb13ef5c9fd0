using System.Runtime.CompilerServices;
using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// The embedded mention index: a Lucene.NET index in one folder, one <see cref="IndexWriter"/>
/// for the process and near-real-time searchers. <see cref="UpsertAsync"/> commits and refreshes per
/// call; the pipeline instead indexes batches, refreshes on a short interval and commits on a
/// longer one (decision 111).
/// Lucene's API is synchronous; its calls are CPU-bound or short fsyncs, so the async methods
/// run them inline rather than hopping threads.
/// </summary>
public sealed class LuceneMentionIndex : IMentionIndex, IDisposable
{
    public const string ProviderName = "lucene";

    private const LuceneVersion Version = LuceneVersion.LUCENE_48;

    // Below this a batch is indexed on the caller's thread; above it analysis is spread over cores.
    private const int ParallelBatchSize = 256;

    /// <summary>Commit user data: the <see cref="MentionTextAnalyzer.AnalysisVersion"/> the indexed text was analysed with.</summary>
    internal const string AnalysisKey = "sentimentwatch.text-analysis";

    /// <summary>The stored-fields data and index files of the Lucene 4.x codecs.</summary>
    private static readonly ISet<string> StoredFieldFiles = new HashSet<string>(StringComparer.Ordinal) { "fdt", "fdx" };

    private readonly LuceneDirectory directory;
    private readonly IndexWriter writer;
    private readonly SearcherManager searchers;
    private readonly MentionQuery queries;
    private readonly ILogger logger;
    private readonly System.Threading.Lock upsertGate = new();
    private IdPresenceFilter knownIds;
    private int disposed;

    public LuceneMentionIndex(string path, ILogger<LuceneMentionIndex>? logger = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        System.IO.Directory.CreateDirectory(Path);
        Analyzer = new MentionTextAnalyzer(Version);
        queries = new MentionQuery(Version, Analyzer);
        // Stored fields (each mention's JSON, more than half of the index) are read with ordinary file reads: only the hits a
        // page shows, exports and merges read them, and memory-mapped they stayed resident, 300+ MiB at a million mentions.
        // The terms, postings, norms and doc values a search walks stay mapped (decision 223). No segment is a compound file
        // (.cfs): one holds its segment's stored fields too, and mapped with the rest they stayed resident (119 of 595 MiB at
        // a million mentions); a segment is a dozen files instead of three (decision 228).
        directory = CommitSyncedDirectories.Open(Path, StoredFieldFiles);
        var config = new IndexWriterConfig(Version, Analyzer)
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            // Bigger in-memory segments mean fewer flushes and merges during bulk loads.
            RAMBufferSizeMB = 128,
            UseCompoundFile = false,
            MergePolicy = new TieredMergePolicy { NoCFSRatio = 0.0 },
            // Larger term blocks: a quarter of the per-block FSTs every flush and merge builds (decision 229).
            Codec = new MentionCodec(),
        };
        try
        {
            writer = new IndexWriter(directory, config);
        }
        catch (LockObtainFailedException ex)
        {
            directory.Dispose();
            throw new SentimentWatch.Core.Hosting.StartupFaultException(
                "Index:Directory", Path, "is open in another process (its write.lock is held)", "stop that process (another SentimentWatch on the same data directory?) or point Index:Directory elsewhere",
                ex);
        }

        searchers = new SearcherManager(writer, applyAllDeletes: true, searcherFactory: new ParallelSearcherFactory());
        knownIds = WithSearcher(searcher => IdPresenceFilter.Load(searcher.IndexReader));
        // An index from before the stamp was analysed by the first chain (no script fold).
        AnalysisVersion = writer.CommitData.TryGetValue(AnalysisKey, out var stamped) && int.TryParse(stamped, out var version) ? version : 1;
        StampCurrentAnalysisIfEmpty();
        this.logger.LogInformation("Opened the mention index at {IndexPath} with {DocumentCount} mentions", Path, writer.NumDocs);
        if (AnalysisIsOutdated)
        {
            this.logger.LogWarning(
                "The mention index at {IndexPath} was analysed with text analysis {IndexAnalysis}, this build analyses with {CurrentAnalysis}: searches miss mentions (a Simplified query does not find Traditional posts) until it is rebuilt; stop the service and run `reindex --clean`",
                Path,
                AnalysisVersion,
                MentionTextAnalyzer.AnalysisVersion);
        }
    }

    public string Path { get; }

    /// <summary>
    /// The text analysis the indexed mentions were analysed with (<see cref="MentionTextAnalyzer.AnalysisVersion"/>
    /// when current). It becomes current only when the index holds no mention of an older one:
    /// created empty, or emptied (as <c>reindex --clean</c> does before it re-adds every mention).
    /// </summary>
    public int AnalysisVersion { get; private set; }

    private bool AnalysisIsOutdated => AnalysisVersion != MentionTextAnalyzer.AnalysisVersion;

    internal Analyzer Analyzer { get; }

    /// <summary>Index files written and closed that no commit has made durable yet (tests; decision 229).</summary>
    internal IReadOnlyCollection<string> UnsyncedFiles => CommitSyncedDirectories.Unsynced(directory);

    /// <summary>Whether flushed and merged segments may be compound files (tests: none may, decision 228).</summary>
    internal (bool Flushed, double MergedUpToShare) CompoundFiles => (writer.Config.UseCompoundFile, writer.Config.MergePolicy.NoCFSRatio);

    public Task UpsertAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        if (Write(mentions, cancellationToken))
        {
            // Durable when the task completes: callers acknowledge the batch after this.
            writer.Commit();
            searchers.MaybeRefreshBlocking();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Adds the mentions to the writer's buffer only: searchable after <see cref="RefreshAsync"/>
    /// (a near-real-time reader, no fsync), durable after <see cref="CommitAsync"/>. A crash before
    /// the commit loses them from the index, which is why the pipeline marks them processed in
    /// the ledger only after the commit: the ledger replays them.
    /// </summary>
    public Task IndexAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        Write(mentions, cancellationToken);
        return Task.CompletedTask;
    }

    public Task RefreshAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        searchers.MaybeRefreshBlocking();
        return Task.CompletedTask;
    }

    public Task CommitAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        writer.Commit();
        return Task.CompletedTask;
    }

    /// <summary>Adds or updates the documents in the writer; false when there was nothing to write.</summary>
    private bool Write(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (mentions.Count == 0)
        {
            return false;
        }

        // The last version of a mention in a batch wins, whatever order the threads run in.
        var latest = new Dictionary<string, Mention>(mentions.Count, StringComparer.Ordinal);
        foreach (var mention in mentions)
        {
            latest[mention.Id] = mention;
        }

        // One batch at a time: an id must be marked known before a concurrent batch can append it again.
        lock (upsertGate)
        {
            var batch = new List<(Mention Mention, bool Known)>(latest.Count);
            foreach (var mention in latest.Values)
            {
                batch.Add((mention, knownIds.MightContain(mention.Id)));
                knownIds.Add(mention.Id);
            }

            if (batch.Count < ParallelBatchSize)
            {
                batch.ForEach(WriteOne);
            }
            else
            {
                Parallel.ForEach(batch, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, WriteOne);
            }

            if (knownIds.IsFull)
            {
                // The reloaded filter must see every id written so far, committed or not.
                searchers.MaybeRefreshBlocking();
                knownIds = WithSearcher(searcher => IdPresenceFilter.Load(searcher.IndexReader));
            }
        }

        return true;

        // A new id is an append; only an id the index may hold needs Lucene's delete-by-id.
        void WriteOne((Mention Mention, bool Known) item)
        {
            var document = MentionDocument.CreateReused(item.Mention);
            if (item.Known)
            {
                writer.UpdateDocument(new Term(MentionDocument.Id, item.Mention.Id), document);
            }
            else
            {
                writer.AddDocument(document);
            }
        }
    }

    public Task<Mention?> GetAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(WithSearcher(searcher =>
        {
            var top = searcher.Search(new TermQuery(new Term(MentionDocument.Id, id)), 1);
            return top.TotalHits == 0 ? null : MentionDocument.Read(searcher.Doc(top.ScoreDocs[0].Doc));
        }));
    }

    public Task<MentionSearchResult> SearchAsync(MentionSearch search, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegative(search.Size);
        ArgumentOutOfRangeException.ThrowIfNegative(search.Offset);
        var query = queries.Build(search.Filter, out var textQuery);
        var sortOrder = textQuery is null && search.Sort == MentionSort.Relevance ? MentionSort.Newest : search.Sort;
        var sort = SortFor(sortOrder);
        // Scores cost time on every hit; only the relevance order needs them.
        var scored = textQuery is not null && sortOrder == MentionSort.Relevance;
        return Task.FromResult(WithSearcher(searcher =>
        {
            if (search.Size == 0)
            {
                var counter = new TotalHitCountCollector();
                searcher.Search(query, counter);
                return new MentionSearchResult(counter.TotalHits, [], null);
            }

            TopDocs top;
            int skip;
            if (search.After is { Length: > 0 } cursor)
            {
                var after = SearchCursor.Decode(sortOrder, cursor, sort.GetSort());
                top = searcher.SearchAfter(after, query, null, search.Size, sort, doDocScores: scored, doMaxScore: false);
                skip = 0;
            }
            else
            {
                top = searcher.Search(query, null, search.Offset + search.Size, sort, doDocScores: scored, doMaxScore: false);
                skip = search.Offset;
            }

            var terms = search.Highlight ? MentionQuery.HighlightTerms(textQuery) : [];
            var hits = new List<MentionHit>(Math.Max(0, top.ScoreDocs.Length - skip));
            foreach (var scoreDoc in top.ScoreDocs.Skip(skip))
            {
                var mention = MentionDocument.Read(searcher.Doc(scoreDoc.Doc));
                var snippet = search.Highlight ? MentionSnippet.Build(Analyzer, MentionDocument.Text, mention.Text, terms) : null;
                hits.Add(new MentionHit(mention, !scored || float.IsNaN(scoreDoc.Score) ? null : scoreDoc.Score, snippet));
            }

            var next = hits.Count == search.Size && top.ScoreDocs.Length > 0
                ? SearchCursor.Encode(sortOrder, (FieldDoc)top.ScoreDocs[^1])
                : null;
            return new MentionSearchResult(top.TotalHits, hits, next);
        }));
    }

    public Task<MentionStats> StatsAsync(MentionStatsRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var query = queries.Build(request.Filter, out _);
        return Task.FromResult(WithSearcher(searcher => StatsCollector.Collect(searcher, query, request)));
    }

    public async IAsyncEnumerable<Mention> ScanAsync(MentionFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = queries.Build(filter, out _);
        // One searcher for the whole scan: an export is a consistent snapshot even while indexing goes on.
        var searcher = searchers.Acquire();
        try
        {
            var matches = new DocIdCollector();
            searcher.Search(query, matches);
            foreach (var doc in matches.Docs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return MentionDocument.Read(searcher.Doc(doc));
                if ((doc & 0xFFF) == 0)
                {
                    // Let a slow consumer's writes interleave instead of monopolising a pool thread.
                    await Task.Yield();
                }
            }
        }
        finally
        {
            searchers.Release(searcher);
        }
    }

    public Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Read from the publish-time column, not an indexed term (decision 203): documents written
        // before that decision carry the term too, and the column as well, so both are found.
        var older = new ConstantScoreQuery(ColumnQueries.Range(MentionDocument.Published, null, cutoff.ToUnixTimeMilliseconds()));
        var count = WithSearcher(searcher =>
        {
            var counter = new TotalHitCountCollector();
            searcher.Search(older, counter);
            return (long)counter.TotalHits;
        });
        if (count > 0)
        {
            writer.DeleteDocuments(older);
            writer.Commit();
            searchers.MaybeRefreshBlocking();
        }

        StampCurrentAnalysisIfEmpty();
        return Task.FromResult(count);
    }

    public Task<IndexHealth> HealthAsync(CancellationToken cancellationToken)
    {
        if (disposed != 0)
        {
            return Task.FromResult(new IndexHealth(false, ProviderName, 0, "the index is closed"));
        }

        try
        {
            return Task.FromResult(WithSearcher(searcher =>
            {
                var reader = searcher.IndexReader;
                var detail = $"{Path}: {reader.Leaves.Count} segments";
                if (AnalysisIsOutdated)
                {
                    // Still answers, so still healthy: a restart would not help, a rebuild does.
                    detail += $"; text analysis {AnalysisVersion} (this build: {MentionTextAnalyzer.AnalysisVersion}): rebuild with `reindex --clean`, until then a Simplified query misses Traditional posts";
                }

                return new IndexHealth(true, ProviderName, reader.NumDocs, detail);
            }));
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return Task.FromResult(new IndexHealth(false, ProviderName, 0, $"{Path}: {ex.Message}"));
        }
    }

    /// <summary>The segments the latest searcher reads.</summary>
    public int SegmentCount => WithSearcher(searcher => searcher.IndexReader.Leaves.Count);

    /// <summary>Bytes the index takes on disk (all files in its folder).</summary>
    public long SizeOnDisk() =>
        new DirectoryInfo(Path).EnumerateFiles().Sum(file => file.Exists ? file.Length : 0);

    /// <summary>Merges down to few segments; worth it after a rebuild, not during normal indexing.</summary>
    public void Optimize(int maxSegments = 1)
    {
        writer.ForceMerge(maxSegments);
        writer.Commit();
        searchers.MaybeRefreshBlocking();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        try
        {
            // Everything upserted is already committed; this commits deletes still buffered.
            writer.Commit();
        }
        finally
        {
            searchers.Dispose();
            writer.Dispose();
            directory.Dispose();
            Analyzer.Dispose();
        }
    }

    /// <summary>An index without mentions holds nothing analysed the old way: record the current analysis.</summary>
    private void StampCurrentAnalysisIfEmpty()
    {
        if (AnalysisIsOutdated || !writer.CommitData.ContainsKey(AnalysisKey))
        {
            if (writer.NumDocs == 0)
            {
                writer.SetCommitData(new Dictionary<string, string>(writer.CommitData) { [AnalysisKey] = MentionTextAnalyzer.AnalysisVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                writer.Commit();
                AnalysisVersion = MentionTextAnalyzer.AnalysisVersion;
            }
        }
    }

    private static Sort SortFor(MentionSort sort)
    {
        var newest = ColumnQueries.Sort(MentionDocument.Published, descending: true);
        var id = new SortField(MentionDocument.Id, SortFieldType.STRING);
        return sort switch
        {
            MentionSort.Relevance => new Sort(SortField.FIELD_SCORE, newest, id),
            MentionSort.Newest => new Sort(newest, id),
            MentionSort.Oldest => new Sort(ColumnQueries.Sort(MentionDocument.Published, descending: false), id),
            MentionSort.Reach => new Sort(ColumnQueries.Sort(MentionDocument.Reach, descending: true), newest, id),
            _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, "unknown sort order"),
        };
    }

    private T WithSearcher<T>(Func<IndexSearcher, T> search)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        var searcher = searchers.Acquire();
        try
        {
            return search(searcher);
        }
        finally
        {
            searchers.Release(searcher);
        }
    }

    /// <summary>Searchers that search an index's segments in parallel (sorted searches merge the per-segment tops).</summary>
    private sealed class ParallelSearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader, TaskScheduler.Default);
    }

    /// <summary>Collects matching doc ids in index order.</summary>
    private sealed class DocIdCollector : ICollector
    {
        private int docBase;

        public List<int> Docs { get; } = [];

        public bool AcceptsDocsOutOfOrder => false;

        public void SetScorer(Scorer scorer)
        {
        }

        public void SetNextReader(AtomicReaderContext context) => docBase = context.DocBase;

        public void Collect(int doc) => Docs.Add(docBase + doc);
    }
}
