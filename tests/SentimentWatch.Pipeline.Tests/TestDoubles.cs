using System.Collections.Concurrent;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Pipeline.Tests;

/// <summary>
/// Wraps the real Lucene index and throws for any write that includes a mention whose text
/// contains <see cref="Marker"/>: the one way to make a single mention fail on the real index.
/// </summary>
public sealed class MarkerRejectingIndex(IMentionIndex inner) : IMentionIndex, IDisposable
{
    public const string Marker = "POISON-MARKER";

    public Task UpsertAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken) =>
        mentions.Any(m => m.Text.Contains(Marker, StringComparison.Ordinal))
            ? throw new InvalidOperationException("the test index rejects mentions containing " + Marker)
            : inner.UpsertAsync(mentions, cancellationToken);

    public Task<Mention?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public Task<MentionSearchResult> SearchAsync(MentionSearch search, CancellationToken cancellationToken) => inner.SearchAsync(search, cancellationToken);

    public Task<MentionStats> StatsAsync(MentionStatsRequest request, CancellationToken cancellationToken) => inner.StatsAsync(request, cancellationToken);

    public IAsyncEnumerable<Mention> ScanAsync(MentionFilter filter, CancellationToken cancellationToken) => inner.ScanAsync(filter, cancellationToken);

    public Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => inner.DeleteOlderThanAsync(cutoff, cancellationToken);

    public Task<IndexHealth> HealthAsync(CancellationToken cancellationToken) => inner.HealthAsync(cancellationToken);

    public void Dispose() => (inner as IDisposable)?.Dispose();
}

/// <summary>Records every mention id it is told about, optionally slowly (to stop a host mid-flow).</summary>
public sealed class RecordingObserver(ConcurrentDictionary<string, int> seen, TimeSpan delayPerBatch) : IMentionObserver
{
    public async ValueTask OnIndexedAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        foreach (var mention in mentions)
        {
            seen.AddOrUpdate(mention.Id, 1, (_, n) => n + 1);
        }

        if (delayPerBatch > TimeSpan.Zero)
        {
            await Task.Delay(delayPerBatch, CancellationToken.None);
        }
    }
}

/// <summary>A small real scorer: complaint words make a mention negative, anything else positive.</summary>
public sealed class KeywordScorer : IMentionScorer
{
    public const string Version = "keyword-test-1";

    private static readonly string[] Negative = ["退款", "refund", "差", "slow"];

    public string? ModelVersion => Version;

    public IReadOnlyList<MentionScore?> Score(IReadOnlyList<string> texts) =>
        texts.Select(t => (MentionScore?)(Negative.Any(w => t.Contains(w, StringComparison.OrdinalIgnoreCase))
            ? new MentionScore(new SentimentScore(SentimentLabel.Negative, 0.8f, 0.15f, 0.05f), new TopicScore(ComplaintTopics.RefundReturn, 0.7f), [])
            : new MentionScore(new SentimentScore(SentimentLabel.Positive, 0.05f, 0.15f, 0.8f), null, []))).ToList();
}

/// <summary>
/// Serves the source "waimai" as reviews (decision 209) the way a scorer with Scoring:SourceGenres does: its mentions get
/// P(neutral) 0 and the version names the genre list; records the sources it was handed.
/// </summary>
public sealed class SourceRecordingScorer : IMentionScorer
{
    public const string Version = "genre-test-1+genres-waimai";

    public System.Collections.Concurrent.ConcurrentQueue<string> Sources { get; } = new();

    public string? ModelVersion => Version;

    public IReadOnlyList<MentionScore?> Score(IReadOnlyList<string> texts) => Score(texts, texts.Select(_ => "").ToList());

    public IReadOnlyList<MentionScore?> Score(IReadOnlyList<string> texts, IReadOnlyList<string> sources)
    {
        foreach (var source in sources)
        {
            Sources.Enqueue(source);
        }

        return sources.Select(s => (MentionScore?)new MentionScore(s == "waimai"
            ? new SentimentScore(SentimentLabel.Negative, 0.6f, 0f, 0.4f)
            : new SentimentScore(SentimentLabel.Neutral, 0.3f, 0.5f, 0.2f), null, [])).ToList();
    }
}

/// <summary>A small real watch-taxonomy scorer: the "lumo" watch names its own categories (delivery, taste).</summary>
public sealed class LumoTaxonomy : IWatchTopicScorer
{
    public bool HasWatchTaxonomies => true;

    public TopicScore? WatchTopic(IReadOnlyList<string> watches, string text, SentimentScore sentiment) =>
        watches.Contains("lumo")
            ? new TopicScore(text.Contains("慢", StringComparison.Ordinal) ? "delivery" : "taste", 0.9f)
            : null;
}

/// <summary>
/// Wraps the real Lucene index and, while <see cref="Down"/> is set, fails every write with an <see cref="IOException"/> (what a
/// full disk or a lost Elasticsearch node looks like to the pipeline) and reports itself unhealthy.
/// </summary>
public sealed class SwitchableOutageIndex(IMentionIndex inner) : IMentionIndex, IDisposable
{
    private int _failedWrites;

    public volatile bool Down;

    /// <summary>While <see cref="Down"/>: refuse as an overloaded cluster does (429, healthy meanwhile) rather than fail on I/O.</summary>
    public volatile bool Overloaded;

    public int FailedWrites => Volatile.Read(ref _failedWrites);

    public Task UpsertAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        if (Down)
        {
            Interlocked.Increment(ref _failedWrites);
            throw Overloaded ? new OverloadedIndexException() : new IOException("the test index is down (No space left on device)");
        }

        return inner.UpsertAsync(mentions, cancellationToken);
    }

    public Task<Mention?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public Task<MentionSearchResult> SearchAsync(MentionSearch search, CancellationToken cancellationToken) => inner.SearchAsync(search, cancellationToken);

    public Task<MentionStats> StatsAsync(MentionStatsRequest request, CancellationToken cancellationToken) => inner.StatsAsync(request, cancellationToken);

    public IAsyncEnumerable<Mention> ScanAsync(MentionFilter filter, CancellationToken cancellationToken) => inner.ScanAsync(filter, cancellationToken);

    public Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => inner.DeleteOlderThanAsync(cutoff, cancellationToken);

    public async Task<IndexHealth> HealthAsync(CancellationToken cancellationToken) =>
        Down && !Overloaded ? new IndexHealth(false, "test", 0, "down") : await inner.HealthAsync(cancellationToken);

    /// <summary>What Elasticsearch's 429 (a tripped circuit breaker, a read-only index past the disk flood stage) looks like to the pipeline.</summary>
    public sealed class OverloadedIndexException() : Exception("429 too many requests (the test cluster is overloaded)"), ITransientIndexFailure
    {
        public bool Transient => true;
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();
}

/// <summary>
/// An observer that records what it takes and throws for a mention whose text holds <see cref="MarkerRejectingIndex.Marker"/>
/// while <see cref="RejectMarked"/> is set, and for every mention while <see cref="RejectAll"/> is set.
/// </summary>
public sealed class FailingObserver(ConcurrentDictionary<string, int> seen) : IMentionObserver
{
    private int _failures;

    public volatile bool RejectMarked = true;

    public volatile bool RejectAll;

    public int Failures => Volatile.Read(ref _failures);

    public ValueTask OnIndexedAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        if (RejectAll || (RejectMarked && mentions.Any(m => m.Text.Contains(MarkerRejectingIndex.Marker, StringComparison.Ordinal))))
        {
            Interlocked.Increment(ref _failures);
            throw new InvalidOperationException("the test observer cannot take this batch");
        }

        foreach (var mention in mentions)
        {
            seen.AddOrUpdate(mention.Id, 1, (_, n) => n + 1);
        }

        return ValueTask.CompletedTask;
    }
}
