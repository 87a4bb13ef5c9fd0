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
/// in three stages joined by bounded channels (a slow index holds the reader back instead of
/// filling memory). A mention is marked processed only after it is indexed and observed, so a
/// crash anywhere re-processes it and the index's upsert-by-id stores it once.
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
    ILogger<MentionPipeline> logger) : BackgroundService
{
    private readonly PipelineOptions _options = options.Value;
    private readonly IMentionObserver[] _observers = observers.ToArray();
    private readonly StageCounter _watchStage = metrics.Stage(PipelineStages.Watches);
    private readonly StageCounter _scoreStage = metrics.Stage(PipelineStages.Score);
    private readonly StageCounter _indexStage = metrics.Stage(PipelineStages.Index);
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
        var toPrepare = Channel.CreateBounded<LedgerEntry>(new BoundedChannelOptions(_options.ChannelCapacity) { SingleReader = true, SingleWriter = true });
        var toIndex = Channel.CreateBounded<IReadOnlyList<LedgerEntry>>(new BoundedChannelOptions(Math.Max(2, _options.ChannelCapacity / _options.BatchSize)) { SingleReader = true, SingleWriter = true });

        var drain = _drainDeadline.Token;
        var prepare = Task.Run(() => PrepareAsync(toPrepare.Reader, toIndex.Writer, drain), CancellationToken.None);
        var indexing = Task.Run(() => IndexAsync(toIndex.Reader, drain), CancellationToken.None);

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

        await Task.WhenAll(prepare, indexing);
        logger.LogInformation("Pipeline drained");
    }

    private async Task ReadLedgerAsync(ChannelWriter<LedgerEntry> output, CancellationToken stoppingToken)
    {
        long position = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<LedgerEntry> pending;
            try
            {
                pending = await ledger.ReadPendingAsync(position, _options.BatchSize, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Reading pending mentions from the ledger failed; retrying in {RetryDelay}", _options.PollInterval);
                await Task.Delay(_options.PollInterval, stoppingToken);
                continue;
            }

            if (pending.Count == 0)
            {
                await ledger.WaitForArrivalAsync(_options.PollInterval, stoppingToken);
                continue;
            }

            foreach (var entry in pending)
            {
                await output.WriteAsync(entry, stoppingToken);
                position = entry.Sequence;
            }
        }
    }

    private async Task PrepareAsync(ChannelReader<LedgerEntry> input, ChannelWriter<IReadOnlyList<LedgerEntry>> output, CancellationToken drain)
    {
        try
        {
            var batch = new List<LedgerEntry>(_options.BatchSize);
            while (await input.WaitToReadAsync(drain))
            {
                while (batch.Count < _options.BatchSize && input.TryRead(out var entry))
                {
                    var prepared = await PrepareOneAsync(entry, drain);
                    if (prepared is not null)
                    {
                        batch.Add(prepared);
                    }
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                await output.WriteAsync(Score(batch), drain);
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

    /// <summary>Dedupe and watch matching for one mention; a failure parks that mention only.</summary>
    private async Task<LedgerEntry?> PrepareOneAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            var mention = entry.Mention;
            var duplicateOf = mention.DuplicateOf
                ?? await ledger.FindNearDuplicateAsync(mention, entry.Sequence, _options.NearDuplicateWindow, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var matched = watches.Match(mention);
            _watchStage.Add(started, 1);
            return entry with { Mention = mention with { DuplicateOf = duplicateOf, Watches = matched } };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            status.RecordParked();
            await ledger.ParkAsync(entry.Mention.Id, $"preparation failed: {ex.GetType().Name}: {ex.Message}", CancellationToken.None);
            return null;
        }
    }

    private IReadOnlyList<LedgerEntry> Score(List<LedgerEntry> batch)
    {
        if (scorer.ModelVersion is null)
        {
            return batch;
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            var scores = scorer.Score(batch.Select(e => e.Mention.Text).ToList());
            _scoreStage.Add(started, batch.Count);
            return batch.Select((e, i) => scores[i] is { } s
                ? e with { Mention = e.Mention with { Sentiment = s.Sentiment, Topic = s.Topic, RiskTerms = s.RiskTerms, ScoredBy = scorer.ModelVersion } }
                : e).ToList();
        }
        catch (Exception ex)
        {
            // Unscored is honest and recoverable: the re-scorer picks these up later.
            logger.LogError(ex, "Scoring a batch of {Count} mentions failed; storing them unscored", batch.Count);
            return batch;
        }
    }

    private async Task IndexAsync(ChannelReader<IReadOnlyList<LedgerEntry>> input, CancellationToken drain)
    {
        try
        {
            await foreach (var batch in input.ReadAllAsync(drain))
            {
                var started = Stopwatch.GetTimestamp();
                var indexed = await IndexWithRetryAsync(batch.Select(e => e.Mention).ToList(), drain);
                _indexStage.Add(started, indexed.Count);
                if (indexed.Count == 0)
                {
                    continue;
                }

                RecordSearchable(batch);
                for (var i = 0; i < _observers.Length; i++)
                {
                    var observer = _observers[i];
                    var observerStarted = Stopwatch.GetTimestamp();
                    try
                    {
                        await observer.OnIndexedAsync(indexed, drain);
                        _observerStages[i].Add(observerStarted, indexed.Count);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogError(ex, "Observer {Observer} failed on a batch of {Count} mentions", observer.GetType().Name, indexed.Count);
                    }
                }

                await ledger.CompleteAsync(indexed, drain);
                status.RecordProcessed(indexed.Count, indexed.Count(m => m.IsScored));
                logger.LogDebug("Indexed {Count} mentions in {ElapsedMs} ms", indexed.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (drain.IsCancellationRequested)
        {
            logger.LogWarning("Shutdown deadline reached while indexing; unfinished mentions stay pending for the next start");
        }
    }

    /// <summary>The upsert refreshed the searcher: every mention of the batch is searchable from now.</summary>
    private void RecordSearchable(IReadOnlyList<LedgerEntry> batch)
    {
        var now = clock.GetUtcNow();
        foreach (var entry in batch)
        {
            metrics.Searchable.Record(now - entry.AcceptedAt);
        }
    }

    /// <summary>
    /// Indexes a batch, retrying transient failures; if the batch keeps failing, indexes its
    /// mentions one by one so a single poison mention is parked and the rest go through.
    /// </summary>
    private async Task<IReadOnlyList<Mention>> IndexWithRetryAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        while (true)
        {
            for (var attempt = 1; attempt <= _options.MaxIndexAttempts; attempt++)
            {
                try
                {
                    await index.UpsertAsync(mentions, cancellationToken);
                    return mentions;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    var delay = _options.IndexRetryDelay * Math.Pow(2, attempt - 1);
                    logger.LogWarning(ex, "Indexing a batch of {Count} failed (attempt {Attempt} of {MaxAttempts}); retrying in {Delay}", mentions.Count, attempt, _options.MaxIndexAttempts, delay);
                    await Task.Delay(delay, cancellationToken);
                }
            }

            var indexed = new List<Mention>(mentions.Count);
            var failed = new List<(Mention Mention, Exception Error)>();
            foreach (var mention in mentions)
            {
                try
                {
                    await index.UpsertAsync([mention], cancellationToken);
                    indexed.Add(mention);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failed.Add((mention, ex));
                }
            }

            // Everything failing means the index is unwell, not the mentions: keep them pending
            // and wait, rather than park a whole batch of good data.
            if (indexed.Count == 0 && mentions.Count > 1)
            {
                logger.LogError(failed[0].Error, "The index rejects every mention; pausing {Delay} before trying again", _options.IndexRetryDelay * 10);
                await Task.Delay(_options.IndexRetryDelay * 10, cancellationToken);
                continue;
            }

            foreach (var (mention, error) in failed)
            {
                status.RecordParked();
                await ledger.ParkAsync(mention.Id, $"indexing failed: {error.GetType().Name}: {error.Message}", CancellationToken.None);
            }

            return indexed;
        }
    }
}
