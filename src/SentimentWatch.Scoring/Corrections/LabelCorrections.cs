using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Privacy;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Scoring.Corrections;

/// <summary>
/// Analysts' corrections of mention labels (decision 160): appended to the state store as an audit trail, shown by the
/// index at once (<see cref="Mention.Correction"/>), and kept there when the pipeline or a re-score writes the mention
/// again (<see cref="CorrectedMentionIndex"/> overlays the current corrections, held in memory, on every write).
/// </summary>
public sealed class LabelCorrections(
    IDbContextFactory<LabelCorrectionsDbContext> db,
    [FromKeyedServices(CorrectedMentionIndex.InnerKey)] IMentionIndex index,
    TimeProvider clock,
    ILogger<LabelCorrections> logger)
{
    public const int MaxNoteLength = IMentionLabels.MaxNoteLength;

    private readonly SemaphoreSlim _writer = new(1, 1);
    private volatile ConcurrentDictionary<string, LabelCorrection>? _current;

    /// <summary>Appends a correction and re-indexes the mention with it; returns the mention as now indexed.</summary>
    public async Task<Mention> CorrectAsync(Mention mention, SentimentLabel? sentiment, string? topic, string? note, string by, CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(cancellationToken);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            // The index may hold an older copy than the store (another writer); the store's current correction wins.
            var shown = current.TryGetValue(mention.Id, out var known) ? mention with { Correction = known } : mention;
            // A correction that changes nothing the current one says, without a note (a retried request, a second click), is
            // not recorded again: the history and the training export would count one judgement twice.
            if (string.IsNullOrWhiteSpace(note) && shown.Correction is { } standing
                && (sentiment is null || sentiment == standing.Sentiment) && (topic is null || topic == standing.Topic))
            {
                return shown;
            }

            var at = clock.GetUtcNow();
            var record = new LabelCorrectionRecord
            {
                MentionId = mention.Id,
                Text = mention.Text, // what the model scored (the title is not)
                Language = mention.Language,
                Source = mention.Source,
                Watches = string.Join(' ', mention.Watches),
                OldSentiment = Wire(shown.LabelledSentiment),
                NewSentiment = Wire(sentiment),
                OldTopic = shown.LabelledTopic,
                NewTopic = topic,
                ModelSentiment = Wire(mention.Sentiment?.Label),
                ModelTopic = mention.Topic?.Topic,
                ModelVersion = mention.ScoredBy,
                Note = string.IsNullOrWhiteSpace(note) ? null : PersonalDataRedactor.Redact(note.Trim()),
                By = by,
                At = at,
            };
            await using (var context = await db.CreateDbContextAsync(cancellationToken))
            {
                context.Corrections.Add(record);
                await context.SaveChangesAsync(cancellationToken);
            }

            var correction = new LabelCorrection(sentiment ?? shown.Correction?.Sentiment, topic ?? shown.Correction?.Topic, by, at);
            current[mention.Id] = correction;
            var corrected = mention with { Correction = correction };
            await index.UpsertAsync([corrected], cancellationToken);
            logger.LogInformation(
                "Labels of mention {MentionId} corrected by {CorrectedBy}: sentiment {OldSentiment} → {NewSentiment}, topic {OldTopic} → {NewTopic}",
                mention.Id, by, record.OldSentiment, record.NewSentiment ?? record.OldSentiment, record.OldTopic, record.NewTopic ?? record.OldTopic);
            return corrected;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Every correction of a mention, oldest first.</summary>
    public async Task<IReadOnlyList<LabelCorrectionRecord>> HistoryAsync(string mentionId, CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        return await context.Corrections.AsNoTracking().Where(c => c.MentionId == mentionId).OrderBy(c => c.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The current correction of every corrected mention, read from the store once and kept up to date.</summary>
    public async Task<ConcurrentDictionary<string, LabelCorrection>> CurrentAsync(CancellationToken cancellationToken)
    {
        if (_current is { } loaded)
        {
            return loaded;
        }

        await _writer.WaitAsync(cancellationToken);
        try
        {
            if (_current is null)
            {
                var current = new ConcurrentDictionary<string, LabelCorrection>(StringComparer.Ordinal);
                IReadOnlyList<LabelCorrectionRecord> history;
                try
                {
                    history = await ReadAllAsync(cancellationToken);
                }
                catch (Microsoft.Data.Sqlite.SqliteException ex) when (ex.Message.Contains("no such table", StringComparison.Ordinal))
                {
                    // A verb writing the index without migrating the store (reindex --file): nobody can have corrected anything there yet.
                    return current;
                }

                foreach (var (mentionId, correction) in Fold(history))
                {
                    current[mentionId] = correction;
                }

                _current = current;
            }

            return _current;
        }
        finally
        {
            _writer.Release();
        }
    }

    public async Task<IReadOnlyList<LabelCorrectionRecord>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var context = await db.CreateDbContextAsync(cancellationToken);
        return await context.Corrections.AsNoTracking().OrderBy(c => c.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The current correction of each mention: the latest value of each label, by the latest analyst.</summary>
    public static IEnumerable<(string MentionId, LabelCorrection Correction)> Fold(IEnumerable<LabelCorrectionRecord> history) =>
        history.GroupBy(r => r.MentionId, StringComparer.Ordinal).Select(g =>
        {
            var rows = g.OrderBy(r => r.Id).ToList();
            var sentiment = rows.LastOrDefault(r => r.NewSentiment is not null)?.NewSentiment;
            var topic = rows.LastOrDefault(r => r.NewTopic is not null)?.NewTopic;
            SentimentLabel? label = SentimentScore.TryParse(sentiment, out var parsed) ? parsed : null;
            return (g.Key, new LabelCorrection(label, topic, rows[^1].By, rows[^1].At));
        });

    private static string? Wire(SentimentLabel? label) => label is { } l ? SentimentScore.ToWire(l) : null;
}
