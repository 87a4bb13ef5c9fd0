using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Pipeline;

/// <summary>
/// Moves mentions from the ledger through dedupe → match watches → score → index → observers,
/// in four stages joined by bounded channels, so reading, preparing, scoring and indexing run
/// side by side (a slow index holds the reader back instead of filling memory). The index stage
/// makes mentions searchable on a short interval and durable on a longer one, and marks them
/// processed in the ledger only after the commit that made them durable (decision 111): a crash
/// anywhere re-processes what was not committed, and the index's upsert-by-id stores it once.
/// A batch that fails in a stage is split until the failing mention is found; only that one is
/// retried and parked (decision 116), and only while the store works: an unwell index or state
/// store is waited on, nothing parked (decision 249).
/// </summary>
public sealed class MentionPipeline(
    MentionLedger ledger,
    ConfiguredWatchCatalog watches,
    IMentionScorer scorer,
    IMentionIndex index,
    IEnumerable<IMentionObserver> observers,
    IOptions<PipelineOptions> options,
    PipelineStatus status,
    PipelineMetrics metrics,
    TimeProvider clock,
    ILogger<MentionPipeline> logger,
    IWatchTopicScorer? watchTopics = null) : BackgroundService
{
    private readonly PipelineOptions _options = options.Value;
    private readonly IMentionObserver[] _observers = observers.ToArray();
    private readonly StageCounter _dedupeStage = metrics.Stage(PipelineStages.Dedupe);
    private readonly StageCounter _watchStage = metrics.Stage(PipelineStages.Watches);
    private readonly StageCounter _scoreStage = metrics.Stage(PipelineStages.Score);
    private readonly StageCounter _indexStage = metrics.Stage(PipelineStages.Index);

    // Parked by any stage, forgotten by the near-duplicate index (the prepare stage's alone) before its next batch.
    private readonly ConcurrentQueue<(long Sequence, string Id)> _parked = new();

    /// <summary>Set by the ledger reader: its last read was a full batch, so a backlog waits behind the stages (decision 219).</summary>
    private volatile bool _behind;
    private readonly StageCounter _refreshStage = metrics.Stage(PipelineStages.IndexRefresh);
    private readonly StageCounter _commitStage = metrics.Stage(PipelineStages.IndexCommit);
    private readonly StageCounter[] _observerStages = observers.Select(o => metrics.Stage(PipelineStages.Observer(o.GetType().Name))).ToArray();

    // Cancelled only when the host's shutdown timeout runs out: until then the stages drain.
    private readonly CancellationTokenSource _drainDeadline = new();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(_drainDeadline.Cancel);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _drainDeadline.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batches = Math.Max(2, _options.ChannelCapacity / _options.BatchSize);
        var toPrepare = Channel.CreateBounded<LedgerEntry>(new BoundedChannelOptions(_options.ChannelCapacity) { SingleReader = true, SingleWriter = true });
        var toScore = Channel.CreateBounded<List<LedgerEntry>>(new BoundedChannelOptions(batches) { SingleReader = true, SingleWriter = true });
        var toIndex = Channel.CreateBounded<IReadOnlyList<LedgerEntry>>(new BoundedChannelOptions(batches) { SingleReader = true, SingleWriter = true });

        NearDuplicateIndex duplicates;
        try
        {
            duplicates = await LoadNearDuplicatesAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        var drain = _drainDeadline.Token;
        var prepare = Task.Run(() => PrepareAsync(toPrepare.Reader, toScore.Writer, duplicates, drain), CancellationToken.None);
        var scoring = Task.Run(() => ScoreAsync(toScore.Reader, toIndex.Writer, drain), CancellationToken.None);
        var toObserve = Channel.CreateBounded<List<LedgerEntry>>(new BoundedChannelOptions(batches) { SingleReader = true, SingleWriter = true });
        var indexing = Task.Run(() => IndexAsync(toIndex.Reader, toObserve.Writer, drain), CancellationToken.None);
        var observing = Task.Run(() => ObserveAsync(toObserve.Reader, drain), CancellationToken.None);
        // Should the observing stage ever fail outright, the indexing stage must not wait forever to hand it more.
        _ = observing.ContinueWith(t => toObserve.Writer.TryComplete(t.Exception), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

        try
        {
            await ReadLedgerAsync(toPrepare.Writer, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: stop reading, let the stages finish what they hold.
        }
        finally
        {
            toPrepare.Writer.TryComplete();
        }

        await Task.WhenAll(prepare, scoring, indexing, observing);
        await ReleaseLeasesAsync();
        logger.LogInformation("Pipeline drained");
    }

    /// <summary>What was read but not finished goes back to the other workers now rather than when its lease runs out (PostgreSQL).</summary>
    private async Task ReleaseLeasesAsync()
    {
        try
        {
            var released = await ledger.ReleaseLeasesAsync(CancellationToken.None);
            if (released > 0)
            {
                logger.LogInformation("Released the leases on {Count} unfinished mentions for other workers", released);
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not release this worker's leases; its unfinished mentions wait for the lease to run out");
        }
    }

    private async Task<NearDuplicateIndex> LoadNearDuplicatesAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var duplicates = new NearDuplicateIndex(_options.NearDuplicateWindow, clock);
        var since = clock.GetUtcNow() - _options.NearDuplicateWindow;
        await foreach (var row in ledger.ReadFingerprintsAsync(since, cancellationToken))
        {
            duplicates.Add(row.Fingerprint, row.PublishedAt, row.Sequence, row.DuplicateOf ?? row.Id);
        }

        logger.LogInformation("Loaded {Count} fingerprints for near-duplicate detection in {ElapsedMs:F0} ms", duplicates.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return duplicates;
    }

    private async Task ReadLedgerAsync(ChannelWriter<LedgerEntry> output, CancellationToken stoppingToken)
    {
        long position = 0;
        var nextLagReport = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (clock.GetUtcNow() >= nextLagReport)
            {
                nextLagReport = clock.GetUtcNow() + _options.LagReportInterval;
                await ReportLagAsync(stoppingToken);
            }

            IReadOnlyList<LedgerEntry> pending;
            try
            {
                pending = await ledger.ReadPendingAsync(position, _options.BatchSize, _options.LeaseDuration, stoppingToken);
            }
            catch (ObjectDisposedException)
            {
                // The host is being disposed around the loop (a start that failed, e.g. on a port in use, disposes it
                // without stopping the pipeline first): there is nothing left to read, and it is not the ledger's fault.
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Reading pending mentions from the ledger failed; retrying in {RetryDelay}", _options.PollInterval);
                await Task.Delay(_options.PollInterval, stoppingToken);
                continue;
            }

            if (pending.Count == 0)
            {
                _behind = false;
                await ledger.WaitForArrivalAsync(_options.PollInterval, stoppingToken);
                continue;
            }

            // A full read means more is waiting: the stages after it are behind, whatever their own inputs look like for a moment.
            _behind = pending.Count >= _options.BatchSize;
            foreach (var entry in pending)
            {
                await output.WriteAsync(entry, stoppingToken);
                position = entry.Sequence;
            }
        }
    }

    /// <summary>Logs how far behind the pipeline is when a backlog has built up (the same figures /health shows).</summary>
    private async Task ReportLagAsync(CancellationToken cancellationToken)
    {
        try
        {
            var backlog = await ledger.CountPendingAsync(cancellationToken);
            var oldest = backlog > 0 ? await ledger.OldestPendingAcceptedAtAsync(cancellationToken) : null;
            var lag = oldest is { } accepted ? clock.GetUtcNow() - accepted : TimeSpan.Zero;
            if (backlog > _options.MaxBacklog)
            {
                logger.LogWarning("Pipeline backlog {Backlog} is over Pipeline:MaxBacklog {MaxBacklog}; intake answers 429. Oldest pending mention accepted {LagSeconds:F0} s ago", backlog, _options.MaxBacklog, lag.TotalSeconds);
            }
            else if (lag >= _options.LagWarning)
            {
                logger.LogWarning("Pipeline lag: {Backlog} mentions pending, the oldest accepted {LagSeconds:F0} s ago", backlog, lag.TotalSeconds);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not measure the pipeline's lag");
        }
    }

    private async Task PrepareAsync(ChannelReader<LedgerEntry> input, ChannelWriter<List<LedgerEntry>> output, NearDuplicateIndex duplicates, CancellationToken drain)
    {
        try
        {
            var batch = new List<LedgerEntry>(_options.BatchSize);
            while (await input.WaitToReadAsync(drain))
            {
                while (batch.Count < _options.BatchSize && input.TryRead(out var entry))
                {
                    batch.Add(entry);
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                while (_parked.TryDequeue(out var parked))
                {
                    duplicates.Forget(parked.Sequence, parked.Id);
                }

                var prepared = await PrepareBatchAsync(batch, duplicates);
                if (prepared.Count > 0)
                {
                    await output.WriteAsync(prepared, drain);
                }

                batch = new List<LedgerEntry>(_options.BatchSize);
            }
        }
        catch (OperationCanceledException) when (drain.IsCancellationRequested)
        {
            logger.LogWarning("Shutdown deadline reached while preparing mentions; the rest stay pending for the next start");
        }
        finally
        {
            output.TryComplete();
        }
    }

    /// <summary>Dedupe (in memory, decision 232) and watch matching; a failure parks that mention only.</summary>
    private async Task<List<LedgerEntry>> PrepareBatchAsync(List<LedgerEntry> batch, NearDuplicateIndex duplicates)
    {
        var started = Stopwatch.GetTimestamp();
        var duplicateOf = new string?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var mention = batch[i].Mention;
            duplicateOf[i] = string.IsNullOrWhiteSpace(mention.DuplicateOf) ? null : mention.DuplicateOf;

            // Point at the original, not at another repost of it; a mention seen again under a new sequence (requeued) is not its own repost.
            if (duplicateOf[i] is null && duplicates.FindEarliest(mention.Fingerprint, mention.PublishedAt, batch[i].Sequence) is { } match && match.Root != mention.Id)
            {
                duplicateOf[i] = match.Root;
            }

            duplicates.Add(mention.Fingerprint, mention.PublishedAt, batch[i].Sequence, duplicateOf[i] ?? mention.Id);
        }

        _dedupeStage.Add(started, batch.Count);

        started = Stopwatch.GetTimestamp();
        var prepared = new List<LedgerEntry>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var entry = batch[i];
            try
            {
                var mention = entry.Mention;
                prepared.Add(entry with { Mention = mention with { DuplicateOf = duplicateOf[i], Watches = watches.Match(mention) } });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await ParkAsync(entry, $"preparation failed: {ex.GetType().Name}: {ex.Message}");
            }
        }

        _watchStage.Add(started, batch.Count);
        return prepared;
    }

    private async Task ScoreAsync(ChannelReader<List<LedgerEntry>> input, ChannelWriter<IReadOnlyList<LedgerEntry>> output, CancellationToken drain)
    {
        try
        {
            await foreach (var batch in input.ReadAllAsync(drain))
            {
                await output.WriteAsync(Score(batch), drain);
            }
        }
        catch (OperationCanceledException) when (drain.IsCancellationRequested)
        {
            logger.LogWarning("Shutdown deadline reached while scoring; the rest stay pending for the next start");
        }
        finally
        {
            output.TryComplete();
        }
    }

    private IReadOnlyList<LedgerEntry> Score(List<LedgerEntry> batch)
    {
        if (scorer.ModelVersion is null)
        {
            return batch;
        }

        var started = Stopwatch.GetTimestamp();
        var scored = new LedgerEntry[batch.Count];
        ScoreOrSplit(batch, 0, batch.Count, scored);
        _scoreStage.Add(started, batch.Count);
        return scored;
    }

    // A watch with its own complaint categories (decision 126) decides the topic of its mentions.
    private TopicScore? WatchTopic(Mention mention, MentionScore score) =>
        watchTopics is { HasWatchTaxonomies: true } && mention.Watches.Count > 0 ? watchTopics.WatchTopic(mention.Watches, mention.Text, score.Sentiment) : null;

    /// <summary>
    /// Scores a range; if the scorer throws, halves it until the failing mention is alone, so only
    /// that one is stored unscored (honest and recoverable: the re-scorer picks it up later).
    /// </summary>
    private void ScoreOrSplit(List<LedgerEntry> batch, int from, int count, LedgerEntry[] scored)
    {
        try
        {
            var range = batch.GetRange(from, count);
            var scores = scorer.Score(range.Select(e => e.Mention.Text).ToList(), range.Select(e => e.Mention.Source).ToList());
            for (var i = 0; i < count; i++)
            {
                var e = batch[from + i];
                scored[from + i] = scores[i] is { } s
                    ? e with { Mention = e.Mention with { Sentiment = s.Sentiment, Topic = WatchTopic(e.Mention, s) ?? s.Topic, RiskTerms = s.RiskTerms, ScoredBy = scorer.ModelVersion } }
                    : e;
            }
        }
        catch (Exception ex)
        {
            if (count == 1)
            {
                logger.LogError(ex, "Scoring mention {MentionId} failed; storing it unscored", batch[from].Mention.Id);
                scored[from] = batch[from];
                return;
            }

            var half = count / 2;
            ScoreOrSplit(batch, from, half, scored);
            ScoreOrSplit(batch, from + half, count - half, scored);
        }
    }

    /// <summary>
    /// Indexes each batch as it comes and makes what was indexed searchable when the input is idle
    /// (after <see cref="PipelineOptions.MinRefreshInterval"/>) or <see cref="PipelineOptions.RefreshInterval"/>
    /// has passed; then hands the refreshed mentions to the observing stage and goes on indexing
    /// while the observers work (decision 182).
    /// </summary>
    private async Task IndexAsync(ChannelReader<IReadOnlyList<LedgerEntry>> input, ChannelWriter<List<LedgerEntry>> toObserve, CancellationToken drain)
    {
        var unrefreshed = new List<LedgerEntry>();
        // The refresh cadence is measured in elapsed real time (monotonic), not domain time: a clock
        // that is paused or moved (tests, skew) must neither stall refreshes nor make the wait negative.
        var lastRefresh = Stopwatch.GetTimestamp();
        var completed = false;
        try
        {
            while (!completed || unrefreshed.Count > 0)
            {
                if (!completed && !input.TryPeek(out _))
                {
                    // Indexed but not yet searchable: wait for more only until the shortest refresh interval is up.
                    completed = !await WaitForBatchAsync(input, unrefreshed.Count > 0 ? Max(TimeSpan.Zero, (_behind ? BacklogRefresh : MinRefresh) - Stopwatch.GetElapsedTime(lastRefresh)) : Timeout.InfiniteTimeSpan, drain);
                }

                if (input.TryRead(out var batch))
                {
                    var started = Stopwatch.GetTimestamp();
                    var indexed = await IndexOrParkAsync(batch, drain);
                    _indexStage.Add(started, batch.Count);
                    unrefreshed.AddRange(indexed);
                }

                var now = Stopwatch.GetTimestamp();
                var idle = !input.TryPeek(out _);
                var sinceRefresh = Stopwatch.GetElapsedTime(lastRefresh, now);
                // Behind a backlog, a mention waits for the backlog before it, not for the refresh: refresh on BacklogRefreshInterval
                // only, so the stage writes fewer, larger segments and the observers run fewer, larger batches (decision 219).
                var behind = _behind;
                if (unrefreshed.Count > 0 && (completed || sinceRefresh >= (behind ? BacklogRefresh : _options.RefreshInterval) || (idle && !behind && sinceRefresh >= MinRefresh)))
                {
                    await RefreshAsync(unrefreshed, drain);
                    await toObserve.WriteAsync(unrefreshed, drain);
                    unrefreshed = [];
                    lastRefresh = now;
                }
            }
        }
        catch (OperationCanceledException) when (drain.IsCancellationRequested)
        {
            logger.LogWarning("Shutdown deadline reached while indexing; unfinished mentions stay pending for the next start");
        }
        finally
        {
            toObserve.TryComplete();
        }
    }

    /// <summary>
    /// Hands searchable mentions to the observers (alerting, cases), taking together whatever the
    /// indexing stage refreshed meanwhile; commits the index on <see cref="PipelineOptions.CommitInterval"/>
    /// or <see cref="PipelineOptions.MaxUncommitted"/>, and only then marks the observed and committed
    /// mentions processed in the ledger. A crash before that replays them: indexing is an idempotent
    /// upsert and the observers are idempotent, so nothing is lost or doubled.
    /// </summary>
    private async Task ObserveAsync(ChannelReader<List<LedgerEntry>> input, CancellationToken drain)
    {
        var uncommitted = new List<LedgerEntry>();
        var lastCommit = Stopwatch.GetTimestamp();
        var completed = false;
        try
        {
            while (!completed || uncommitted.Count > 0)
            {
                if (!completed && !input.TryPeek(out _))
                {
                    completed = !await WaitForBatchAsync(input, uncommitted.Count > 0 ? Max(TimeSpan.Zero, _options.CommitInterval - Stopwatch.GetElapsedTime(lastCommit)) : Timeout.InfiniteTimeSpan, drain);
                }

                if (input.TryRead(out var refreshed))
                {
                    while (input.TryRead(out var more))
                    {
                        refreshed.AddRange(more);
                    }

                    // A mention an observer could not take is parked (still indexed): not marked processed, so a requeue
                    // hands it to every observer again (they are idempotent).
                    var parked = await ObserveAllAsync(refreshed, drain);
                    uncommitted.AddRange(parked.Count == 0 ? refreshed : refreshed.Where(e => !parked.Contains(e.Mention.Id)));
                }

                if (uncommitted.Count > 0 && (completed || uncommitted.Count >= _options.MaxUncommitted || Stopwatch.GetElapsedTime(lastCommit) >= _options.CommitInterval))
                {
                    await CommitAndCompleteAsync(uncommitted, drain);
                    uncommitted.Clear();
                    lastCommit = Stopwatch.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (drain.IsCancellationRequested)
        {
            logger.LogWarning("Shutdown deadline reached while observing; unfinished mentions stay pending for the next start");
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private TimeSpan BacklogRefresh => _options.BacklogRefreshInterval > _options.RefreshInterval ? _options.BacklogRefreshInterval : _options.RefreshInterval;

    private TimeSpan MinRefresh => _options.MinRefreshInterval < _options.RefreshInterval ? _options.MinRefreshInterval : _options.RefreshInterval;

    /// <summary>Waits up to <paramref name="timeout"/> for a batch; false once the input is complete and empty.</summary>
    private static async Task<bool> WaitForBatchAsync<T>(ChannelReader<T> input, TimeSpan timeout, CancellationToken drain)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return await input.WaitToReadAsync(drain);
        }

        if (timeout <= TimeSpan.Zero)
        {
            return !input.Completion.IsCompleted;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(drain);
        deadline.CancelAfter(timeout);
        try
        {
            return await input.WaitToReadAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!drain.IsCancellationRequested)
        {
            return true;
        }
    }

    private async Task RefreshAsync(List<LedgerEntry> entries, CancellationToken drain)
    {
        var started = Stopwatch.GetTimestamp();
        await RetryAsync("Refreshing the index", () => index.RefreshAsync(drain), drain);
        _refreshStage.Add(started, entries.Count);

        var now = clock.GetUtcNow();
        foreach (var entry in entries)
        {
            metrics.Searchable.Record(now - entry.AcceptedAt);
        }
    }

    /// <summary>Hands the mentions to every observer in turn; returns the ids of those parked because an observer could not take them.</summary>
    private async Task<HashSet<string>> ObserveAllAsync(List<LedgerEntry> entries, CancellationToken drain)
    {
        var parked = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _observers.Length; i++)
        {
            var observerStarted = Stopwatch.GetTimestamp();
            var count = 0;
            for (var round = 1; ; round++)
            {
                var toObserve = parked.Count == 0 ? entries : entries.Where(e => !parked.Contains(e.Mention.Id)).ToList();
                count = toObserve.Count;
                if (count == 0)
                {
                    break;
                }

                var failed = new List<(LedgerEntry Entry, Exception Error)>();
                await ObserveOrSplitAsync(_observers[i], toObserve, failed, drain);
                if (failed.Count == 0)
                {
                    break;
                }

                var retried = await RetryObserverAsync(_observers[i], failed, wentIn: failed.Count < toObserve.Count, round, parked, drain);
                if (retried)
                {
                    break;
                }
            }

            _observerStages[i].Add(observerStarted, count);
        }

        return parked;
    }

    /// <summary>
    /// Hands the batch to an observer; if it throws, halves the batch until each failing mention is
    /// alone, so every other mention is still observed and only the failing ones are collected.
    /// </summary>
    private async Task ObserveOrSplitAsync(IMentionObserver observer, IReadOnlyList<LedgerEntry> entries, List<(LedgerEntry, Exception)> failed, CancellationToken drain)
    {
        try
        {
            await observer.OnIndexedAsync(entries.Select(e => e.Mention).ToList(), drain);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !drain.IsCancellationRequested)
        {
            if (entries.Count == 1)
            {
                failed.Add((entries[0], ex));
                return;
            }

            var half = entries.Count / 2;
            await ObserveOrSplitAsync(observer, entries.Take(half).ToList(), failed, drain);
            await ObserveOrSplitAsync(observer, entries.Skip(half).ToList(), failed, drain);
        }
    }

    /// <summary>
    /// Retries each mention an observer failed on alone, <see cref="PipelineOptions.MaxIndexAttempts"/> times in all; one that
    /// still fails is parked with the observer's error (an operator requeues it once the cause is fixed), so the observer's work
    /// is never lost by marking it processed. An observer that took none of the batch is given three pauses first (the state
    /// store may be busy or restarting: 10, 20 and 40 retry delays), and a mention the ledger cannot park either waits for the
    /// store: false, and the caller pauses and hands the observer the batch again.
    /// </summary>
    private async Task<bool> RetryObserverAsync(IMentionObserver observer, List<(LedgerEntry Entry, Exception Error)> failed, bool wentIn, int round, HashSet<string> parked, CancellationToken drain)
    {
        var name = observer.GetType().Name;
        if (!wentIn && round <= UnwellRoundsBeforeParking)
        {
            var pause = UnwellPause(round);
            logger.LogError(failed[0].Error, "Observer {Observer} took none of {Count} mentions; pausing {Delay} before trying again", name, failed.Count, pause);
            await Task.Delay(pause, drain);
            return false;
        }

        // The failed mentions are tried again together, once per retry delay (halved again where they fail), not one after
        // another with a delay each: a thousand of them cost a few retry delays, not a thousand.
        var remaining = failed;
        for (var attempt = 1; attempt < _options.MaxIndexAttempts && remaining.Count > 0; attempt++)
        {
            await Task.Delay(_options.IndexRetryDelay, drain);
            var again = new List<(LedgerEntry Entry, Exception Error)>();
            await ObserveOrSplitAsync(observer, remaining.Select(f => f.Entry).ToList(), again, drain);
            remaining = again;
        }

        foreach (var (entry, error) in remaining)
        {
            var reason = $"observer {name} failed: {error.GetType().Name}: {error.Message}";
            if (await ParkAsync(entry, reason))
            {
                logger.LogError(error, "Observer {Observer} failed on mention {MentionId} {Attempts} times; parked (still indexed): requeue it once the cause is fixed", name, entry.Mention.Id, _options.MaxIndexAttempts);
                parked.Add(entry.Mention.Id);
            }
            else
            {
                // Neither the observer nor the ledger takes it: the state store is unwell. Hold the batch (nothing of it is marked
                // processed) and hand it to the observer again after a pause; the observers are idempotent.
                var pause = UnwellPause(round);
                logger.LogError(error, "Observer {Observer} failed on mention {MentionId} and the ledger cannot park it: the state store is unwell; pausing {Delay} before trying the batch again", name, entry.Mention.Id, pause);
                await Task.Delay(pause, drain);
                return false;
            }
        }

        return true;
    }

    private async Task CommitAndCompleteAsync(List<LedgerEntry> entries, CancellationToken drain)
    {
        var started = Stopwatch.GetTimestamp();
        await RetryAsync("Committing the index", () => index.CommitAsync(drain), drain);
        _commitStage.Add(started, entries.Count);

        // Processed only now that the index holds them durably: before this, a crash replays them.
        await RetryAsync("Marking mentions processed in the ledger", () => ledger.CompleteAsync(entries, drain), drain);
        status.RecordProcessed(entries.Count, entries.Count(e => e.Mention.IsScored));
    }

    /// <summary>For steps whose failure is the store's, not a mention's: log, wait, try again until it works or shutdown.</summary>
    private async Task RetryAsync(string what, Func<Task> step, CancellationToken drain)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await step();
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var delay = _options.IndexRetryDelay * Math.Min(30, Math.Pow(2, Math.Min(attempt - 1, 5)));
                logger.LogError(ex, "{What} failed (attempt {Attempt}); retrying in {Delay}", what, attempt, delay);
                await Task.Delay(delay, drain);
            }
        }
    }

    /// <summary>
    /// Indexes a batch. If it fails, the batch is halved until each failing mention is alone (so a
    /// poison mention costs about 2·log2(batch) extra calls, not the batch's time); a mention that
    /// fails alone is retried <see cref="PipelineOptions.MaxIndexAttempts"/> times, then parked, but
    /// only while the index works: an I/O or transport failure, or (when nothing else went in) a
    /// failing health check, is the index's trouble, not the mention's, and the mention waits for
    /// the index instead of being parked. A batch the index refuses whole while it is healthy is
    /// handled mention by mention, so it cannot hold the stage for ever.
    /// </summary>
    private async Task<List<LedgerEntry>> IndexOrParkAsync(IReadOnlyList<LedgerEntry> batch, CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            var indexed = new List<LedgerEntry>(batch.Count);
            var failed = new List<(LedgerEntry Entry, Exception Error)>();
            await IndexOrSplitAsync(batch, indexed, failed, cancellationToken);
            if (failed.Count == 0)
            {
                return indexed;
            }

            if (indexed.Count == 0 && batch.Count > 1 && await IndexUnwellAsync(failed[0].Error, othersWentIn: false, cancellationToken))
            {
                var pause = UnwellPause(round);
                logger.LogError(failed[0].Error, "The index rejects every mention of a batch of {Count} and is unwell; pausing {Delay} before trying again", batch.Count, pause);
                await Task.Delay(pause, cancellationToken);
                continue;
            }

            foreach (var (entry, firstError) in failed)
            {
                var error = firstError;
                for (var attempt = 1; ; attempt++)
                {
                    var delay = _options.IndexRetryDelay;
                    if (attempt >= _options.MaxIndexAttempts)
                    {
                        if (!await IndexUnwellAsync(error, othersWentIn: indexed.Count > 0, cancellationToken))
                        {
                            await ParkAsync(entry, $"indexing failed: {error.GetType().Name}: {error.Message}");
                            break;
                        }

                        delay = UnwellPause(attempt - _options.MaxIndexAttempts + 1);
                        logger.LogError(error, "Indexing mention {MentionId} failed and the index is unwell; waiting {Delay} instead of parking it", entry.Mention.Id, delay);
                    }

                    await Task.Delay(delay, cancellationToken);
                    try
                    {
                        await index.IndexAsync([entry.Mention], cancellationToken);
                        indexed.Add(entry);
                        break;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        error = ex;
                    }
                }
            }

            return indexed;
        }
    }

    private const int UnwellRoundsBeforeParking = 3;

    // Ten retry delays, doubling per round up to eight times that: an index that is down is not asked 2·batch times a second.
    private TimeSpan UnwellPause(int round) => _options.IndexRetryDelay * 10 * Math.Pow(2, Math.Min(Math.Max(round, 1) - 1, 3));

    /// <summary>
    /// Whether a failure is the index's rather than a mention's: an I/O, transport, timeout or closed-object failure, or one the
    /// index marks transient (Elasticsearch's 429 and 5xx), anywhere in the error's chain; otherwise, when no other mention of the batch went in, the index's own health check failing (or
    /// throwing). A mention the index refuses while other mentions go in (or while it reports healthy) is the mention's fault.
    /// </summary>
    private async Task<bool> IndexUnwellAsync(Exception error, bool othersWentIn, CancellationToken cancellationToken)
    {
        if (IsStoreFailure(error))
        {
            return true;
        }

        if (othersWentIn)
        {
            return false;
        }

        try
        {
            return !(await index.HealthAsync(cancellationToken)).Healthy;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return true;
        }
    }

    internal static bool IsStoreFailure(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is IOException or HttpRequestException or TimeoutException or System.Net.Sockets.SocketException or ObjectDisposedException or UnauthorizedAccessException
                or ITransientIndexFailure { Transient: true })
            {
                return true;
            }
        }

        return false;
    }

    private async Task IndexOrSplitAsync(IReadOnlyList<LedgerEntry> entries, List<LedgerEntry> indexed, List<(LedgerEntry, Exception)> failed, CancellationToken cancellationToken)
    {
        try
        {
            await index.IndexAsync(entries.Select(e => e.Mention).ToList(), cancellationToken);
            indexed.AddRange(entries);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (entries.Count == 1)
            {
                failed.Add((entries[0], ex));
                return;
            }

            if (failed.Count == 0 && indexed.Count == 0)
            {
                logger.LogWarning(ex, "Indexing a batch of {Count} failed; splitting it to find the mention that fails", entries.Count);
            }

            var half = entries.Count / 2;
            await IndexOrSplitAsync(entries.Take(half).ToList(), indexed, failed, cancellationToken);
            await IndexOrSplitAsync(entries.Skip(half).ToList(), indexed, failed, cancellationToken);
        }
    }

    /// <summary>Parks a mention in the ledger; false when the ledger could not record it (it stays pending).</summary>
    private async Task<bool> ParkAsync(LedgerEntry entry, string reason)
    {
        var mention = entry.Mention;
        // Forgotten by the near-duplicate index either way: it is not indexed, so it must not stand as a later post's original.
        _parked.Enqueue((entry.Sequence, mention.Id));
        try
        {
            await ledger.ParkAsync(mention.Id, reason, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Still pending in the ledger: the next start tries it again.
            logger.LogError(ex, "Parking mention {MentionId} failed ({Reason})", mention.Id, reason);
            return false;
        }

        status.RecordParked();
        return true;
    }
}
