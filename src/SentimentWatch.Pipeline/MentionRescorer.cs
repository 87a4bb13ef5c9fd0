using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Pipeline;

/// <summary>
/// Re-scores in place every processed mention that the current model has not scored: those
/// stored unscored before a model was installed, and those scored by an older model version.
/// Ledger first, then index, both idempotent, so an interrupted run simply resumes.
/// </summary>
public sealed class MentionRescorer(
    MentionLedger ledger,
    IMentionScorer scorer,
    IMentionIndex index,
    IOptions<PipelineOptions> options,
    ILogger<MentionRescorer> logger,
    IWatchTopicScorer? watchTopics = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var version = scorer.ModelVersion;
        if (version is null)
        {
            logger.LogInformation("No scoring model configured: mentions are stored unscored and will be re-scored when one is");
            return;
        }

        try
        {
            var total = await RescoreAllAsync(version, options.Value.BatchSize, stoppingToken);
            if (total > 0)
            {
                logger.LogInformation("Re-scored {Count} mentions with model {ModelVersion}", total, version);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Resumes at the next start.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Re-scoring with model {ModelVersion} stopped; it resumes at the next start", version);
        }
    }

    public async Task<long> RescoreAllAsync(string version, int batchSize, CancellationToken cancellationToken)
    {
        long position = 0, total = 0;
        while (true)
        {
            var stale = await ledger.ReadStaleScoresAsync(version, position, batchSize, cancellationToken);
            if (stale.Count == 0)
            {
                return total;
            }

            var scores = scorer.Score(stale.Select(e => e.Mention.Text).ToList(), stale.Select(e => e.Mention.Source).ToList());
            var rescored = stale
                .Select((e, i) => scores[i] is { } s
                    ? e with
                    {
                        Mention = e.Mention with
                        {
                            Sentiment = s.Sentiment,
                            Topic = (watchTopics is { HasWatchTaxonomies: true } && e.Mention.Watches.Count > 0 ? watchTopics.WatchTopic(e.Mention.Watches, e.Mention.Text, s.Sentiment) : null) ?? s.Topic,
                            RiskTerms = s.RiskTerms,
                            ScoredBy = version,
                        },
                    }
                    : null)
                .OfType<LedgerEntry>()
                .ToList();
            await index.UpsertAsync(rescored.Select(e => e.Mention).ToList(), cancellationToken);
            await ledger.UpdateScoresAsync(rescored, cancellationToken);
            total += rescored.Count;
            position = stale[^1].Sequence;
        }
    }
}
