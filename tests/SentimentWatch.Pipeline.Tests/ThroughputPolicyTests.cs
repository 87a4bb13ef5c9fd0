using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Pipeline.Tests;

/// <summary>
/// The index commit policy (decision 111), batch splitting (decision 116) and the stage counters
/// (decision 110), on the real SQLite ledger and Lucene index.
/// </summary>
public sealed class ThroughputPolicyTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Indexed_mentions_are_searchable_before_the_commit_and_marked_processed_only_once_it_ran()
    {
        using var dir = new DataDirectory();
        var seen = new ConcurrentDictionary<string, int>();
        var host = await PipelineHost.StartAsync(
            dir.Path,
            b => b.Services.AddSingleton<IMentionObserver>(new RecordingObserver(seen, TimeSpan.Zero)),
            new Dictionary<string, string?> { ["Pipeline:CommitInterval"] = "00:10:00", ["Pipeline:RefreshInterval"] = "00:00:00" });
        var mentions = Enumerable.Range(0, 30).Select(i => Mentions.Create($"nrt-{i}", $"绿莫退款投诉 nrt{i:D2} order {i * 7919}")).ToList();
        await host.Intake.AcceptAsync(mentions, None);

        // Searchable (and observed) without a commit: the near-real-time reader sees them.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (seen.Count < mentions.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        seen.Count.ShouldBe(mentions.Count);
        (await host.Index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "nrt07" } }, None)).Total.ShouldBe(1);
        var beforeCommit = await host.Ledger.CountAsync(None);
        beforeCommit.Pending.ShouldBe(30, "nothing is processed before the commit that makes it durable");
        beforeCommit.Processed.ShouldBe(0);

        // Stopping drains: the last commit runs, then the ledger marks them processed.
        await host.DisposeAsync();
        await using var reopened = await PipelineHost.StartAsync(dir.Path);
        var afterStop = await reopened.Ledger.CountAsync(None);
        afterStop.Processed.ShouldBe(30);
        afterStop.Pending.ShouldBe(0);
        (await reopened.DocumentCountAsync()).ShouldBe(30);
    }

    [Fact]
    public async Task Small_batches_arriving_within_the_shortest_refresh_interval_are_refreshed_and_observed_together()
    {
        // Decision 180: a pipeline that keeps up no longer refreshes (and runs every observer) after
        // each small batch; it waits up to Pipeline:MinRefreshInterval for more.
        using var dir = new DataDirectory();
        var calls = new ConcurrentQueue<int>();
        await using var host = await PipelineHost.StartAsync(
            dir.Path,
            b => b.Services.AddSingleton<IMentionObserver>(new BatchSizeObserver(calls)),
            new Dictionary<string, string?> { ["Pipeline:MinRefreshInterval"] = "00:00:02", ["Pipeline:RefreshInterval"] = "00:00:05" });
        // The first batch may find the interval already up (the pipeline has been idle since it started).
        await host.Intake.AcceptAsync([Mentions.Create("minrefresh-0", "绿莫退款 first")], None);
        var started = DateTime.UtcNow;
        for (var i = 1; i <= 5; i++)
        {
            await Task.Delay(50);
            await host.Intake.AcceptAsync([Mentions.Create($"minrefresh-{i}", $"绿莫退款 later {i}")], None);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (calls.Sum() < 6 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        calls.Sum().ShouldBe(6);
        calls.Count.ShouldBeLessThanOrEqualTo(3, $"six one-mention batches 50 ms apart were observed in {calls.Count} calls ({string.Join(", ", calls)})");
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(10), "the wait for more is bounded by the refresh intervals");
    }

    [Fact]
    public async Task Behind_a_backlog_the_index_refreshes_on_the_backlog_interval_not_after_every_batch()
    {
        // Decision 219: while the ledger reader keeps finding full batches, a mention waits for the backlog, not for the refresh;
        // the stage refreshes (and the observers run) once per Pipeline:BacklogRefreshInterval instead of after each batch.
        using var dir = new DataDirectory();
        var calls = new ConcurrentQueue<int>();
        await using var host = await PipelineHost.StartAsync(
            dir.Path,
            b => b.Services.AddSingleton<IMentionObserver>(new BatchSizeObserver(calls)),
            new Dictionary<string, string?>
            {
                ["Pipeline:BatchSize"] = "100", ["Pipeline:ChannelCapacity"] = "200",
                ["Pipeline:RefreshInterval"] = "00:00:00.050", ["Pipeline:MinRefreshInterval"] = "00:00:00", ["Pipeline:BacklogRefreshInterval"] = "00:00:03",
            });
        var backlog = Enumerable.Range(0, 5000).Select(i => Mentions.Create($"backlog-{i}", $"绿莫退款投诉 backlog {i} order {i * 7919}")).ToList();
        var started = DateTime.UtcNow;
        await host.Intake.AcceptAsync(backlog, None);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (calls.Sum() < backlog.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var elapsed = DateTime.UtcNow - started;
        calls.Sum().ShouldBe(backlog.Count, "every mention is refreshed and observed once the backlog is worked off");
        // One refresh per 3 s while behind, plus the tail: once a read is not full (the reader has caught up with the ledger),
        // the batches already passed on are no longer behind it and refresh on the 50 ms RefreshInterval. The stages hold at
        // most toPrepare's 200 mentions, two batches queued for scoring, two for indexing and one in each of the three stages:
        // 9 batches. On a busy machine the reader runs that far ahead (beside four other test projects: 4200, 200, 100, 200,
        // 100, 100, 100); refreshing after every batch would be 50 calls.
        const int inFlightBatches = 2 + 2 + 2 + 3;
        calls.Count.ShouldBeLessThanOrEqualTo((int)Math.Ceiling(elapsed.TotalSeconds / 3) + 1 + inFlightBatches,
            $"50 batches over {elapsed.TotalSeconds:F1} s were observed in {calls.Count} calls ({string.Join(", ", calls)})");

        // Caught up: a lone mention is refreshed at once again, not after the backlog interval.
        var lone = DateTime.UtcNow;
        await host.Intake.AcceptAsync([Mentions.Create("backlog-after", "绿莫退款 after the backlog")], None);
        while (calls.Sum() < backlog.Count + 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        calls.Sum().ShouldBe(backlog.Count + 1);
        (DateTime.UtcNow - lone).ShouldBeLessThan(TimeSpan.FromSeconds(2.5), "with no backlog the idle refresh applies, not the 3 s backlog interval");
    }

    private sealed class BatchSizeObserver(ConcurrentQueue<int> calls) : IMentionObserver
    {
        public ValueTask OnIndexedAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
        {
            calls.Enqueue(mentions.Count);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_poisoned_mention_is_found_by_splitting_so_its_batch_mates_are_indexed_at_once_using_a_decorator_index_that_throws_on_a_marker()
    {
        using var dir = new DataDirectory();
        var index = (CountingIndex?)null;
        await using var host = await PipelineHost.StartAsync(
            dir.Path,
            b =>
            {
                var real = b.Services.Last(d => d.ServiceType == typeof(IMentionIndex));
                b.Services.Remove(real);
                b.Services.AddSingleton<IMentionIndex>(sp => index = new CountingIndex(new MarkerRejectingIndex((IMentionIndex)real.ImplementationFactory!(sp))));
            },
            new Dictionary<string, string?> { ["Pipeline:BatchSize"] = "64", ["Pipeline:ChannelCapacity"] = "256", ["Pipeline:MaxIndexAttempts"] = "2" });
        var good = Enumerable.Range(0, 63).Select(i => Mentions.Create($"split-{i}", $"绿莫退款第{i}次投诉 order {i * 7919}")).ToList();
        var poison = Mentions.Create("split-poison", "绿莫退款 " + MarkerRejectingIndex.Marker);

        await host.Intake.AcceptAsync([.. good.Take(40), poison, .. good.Skip(40)], None);
        var counts = await host.WaitUntilSettledAsync(64);

        counts.Processed.ShouldBe(63);
        counts.Parked.ShouldBe(1);
        (await host.Ledger.ListParkedAsync(10, None)).ShouldHaveSingleItem().Id.ShouldBe(poison.Id);
        (await host.DocumentCountAsync()).ShouldBe(63);

        // Halving a batch of at most 64 reaches the poison in at most log2(64) = 6 steps, and it is
        // then tried alone exactly MaxIndexAttempts times; good mentions are tried alone at most
        // once (the poison's last sibling), never retried one by one.
        index!.PoisonAttemptsAlone.ShouldBe(2);
        index.CallsWithPoison.ShouldBeLessThanOrEqualTo(1 + 6 + 1);
        index.GoodAlone.ShouldBeLessThanOrEqualTo(1);
    }

    [Fact]
    public async Task A_mention_the_scorer_throws_on_is_stored_unscored_and_its_batch_mates_scored_using_a_marker_throwing_test_scorer()
    {
        using var dir = new DataDirectory();
        await using var host = await PipelineHost.StartAsync(dir.Path, b => b.Services.AddSingleton<IMentionScorer, MarkerThrowingScorer>());
        var good = Enumerable.Range(0, 9).Select(i => Mentions.Create($"score-{i}", $"绿莫退款第{i}次投诉")).ToList();
        var poison = Mentions.Create("score-poison", "绿莫 " + MarkerThrowingScorer.Marker);

        await host.Intake.AcceptAsync([.. good.Take(4), poison, .. good.Skip(4)], None);
        await host.WaitUntilSettledAsync(10);

        (await host.Index.GetAsync(poison.Id, None))!.IsScored.ShouldBeFalse();
        foreach (var mention in good)
        {
            (await host.Index.GetAsync(mention.Id, None))!.ScoredBy.ShouldBe(KeywordScorer.Version);
        }
    }

    [Fact]
    public async Task The_stage_counters_account_for_every_processed_mention_using_the_KeywordScorer_test_double()
    {
        using var dir = new DataDirectory();
        await using var host = await PipelineHost.StartAsync(dir.Path, b => b.Services.AddSingleton<IMentionScorer, KeywordScorer>());
        var mentions = Enumerable.Range(0, 50).Select(i => Mentions.Create($"count-{i}", $"绿莫退款投诉 {i}")).ToList();

        await host.Intake.AcceptAsync(mentions, None);
        await host.WaitUntilSettledAsync(50);

        var metrics = host.Host.Services.GetRequiredService<PipelineMetrics>();
        var stages = metrics.Snapshot().ToDictionary(s => s.Stage);
        metrics.Accepted.ShouldBe(50);
        foreach (var stage in new[] { PipelineStages.Redact, PipelineStages.LedgerAppend, PipelineStages.LedgerRead, PipelineStages.Dedupe, PipelineStages.Watches, PipelineStages.Score, PipelineStages.Index, PipelineStages.IndexRefresh, PipelineStages.IndexCommit, PipelineStages.LedgerComplete })
        {
            stages[stage].Items.ShouldBe(50, stage);
            stages[stage].Calls.ShouldBeGreaterThan(0, stage);
        }

        LatencyHistogram.Percentile(metrics.Searchable.Read(), 1.0).ShouldNotBeNull();
        metrics.Searchable.Read().Sum().ShouldBe(50);
    }

    /// <summary>Counts the index calls and how often the poisoned mention was tried on its own.</summary>
    private sealed class CountingIndex(IMentionIndex inner) : IMentionIndex
    {
        private int _withPoison;
        private int _poisonAlone;
        private int _goodAlone;

        public int CallsWithPoison => _withPoison;

        public int PoisonAttemptsAlone => _poisonAlone;

        public int GoodAlone => _goodAlone;

        public Task IndexAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
        {
            var poisoned = mentions.Any(m => m.Text.Contains(MarkerRejectingIndex.Marker, StringComparison.Ordinal));
            if (poisoned)
            {
                Interlocked.Increment(ref _withPoison);
            }

            if (mentions.Count == 1)
            {
                Interlocked.Increment(ref poisoned ? ref _poisonAlone : ref _goodAlone);
            }

            return inner.IndexAsync(mentions, cancellationToken);
        }

        public Task UpsertAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken) => inner.UpsertAsync(mentions, cancellationToken);

        public Task RefreshAsync(CancellationToken cancellationToken) => inner.RefreshAsync(cancellationToken);

        public Task CommitAsync(CancellationToken cancellationToken) => inner.CommitAsync(cancellationToken);

        public Task<Mention?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public Task<MentionSearchResult> SearchAsync(MentionSearch search, CancellationToken cancellationToken) => inner.SearchAsync(search, cancellationToken);

        public Task<MentionStats> StatsAsync(MentionStatsRequest request, CancellationToken cancellationToken) => inner.StatsAsync(request, cancellationToken);

        public IAsyncEnumerable<Mention> ScanAsync(MentionFilter filter, CancellationToken cancellationToken) => inner.ScanAsync(filter, cancellationToken);

        public Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => inner.DeleteOlderThanAsync(cutoff, cancellationToken);

        public Task<IndexHealth> HealthAsync(CancellationToken cancellationToken) => inner.HealthAsync(cancellationToken);
    }

    /// <summary>The keyword scorer, except that it throws for any batch containing the marker.</summary>
    private sealed class MarkerThrowingScorer : IMentionScorer
    {
        public const string Marker = "SCORER-POISON";

        private readonly KeywordScorer _inner = new();

        public string? ModelVersion => KeywordScorer.Version;

        public IReadOnlyList<MentionScore?> Score(IReadOnlyList<string> texts) =>
            texts.Any(t => t.Contains(Marker, StringComparison.Ordinal))
                ? throw new InvalidOperationException("the test scorer rejects " + Marker)
                : _inner.Score(texts);
    }
}
