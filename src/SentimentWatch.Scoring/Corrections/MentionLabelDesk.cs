using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Serving;

namespace SentimentWatch.Scoring.Corrections;

/// <summary>
/// Validates and records analysts' corrections (decision 160) for the labels API and the console: the
/// sentiment must be negative, neutral or positive, the topic a category of the mention's own taxonomy
/// (its first watch's, decision 126, else the default model's), the note at most
/// <see cref="LabelCorrections.MaxNoteLength"/> characters.
/// </summary>
public sealed class MentionLabelDesk(IMentionIndex index, ModelScorer scorer, LabelCorrections corrections) : IMentionLabels
{
    public async Task<MentionLabels?> GetAsync(string mentionId, CancellationToken cancellationToken)
    {
        var mention = await index.GetAsync(mentionId, cancellationToken);
        return mention is null ? null : View(mention, TopicsOf(mention), await corrections.HistoryAsync(mentionId, cancellationToken));
    }

    public async Task<LabelCorrectionOutcome> CorrectAsync(string mentionId, string? sentiment, string? topic, string? note, string by, CancellationToken cancellationToken)
    {
        var mention = await index.GetAsync(mentionId, cancellationToken);
        if (mention is null)
        {
            return new LabelCorrectionOutcome(null, new Dictionary<string, string[]>());
        }

        var topics = TopicsOf(mention);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        sentiment = string.IsNullOrWhiteSpace(sentiment) ? null : sentiment.Trim();
        topic = string.IsNullOrWhiteSpace(topic) ? null : topic.Trim();
        // Browsers send a textarea's line breaks as CR LF: counted as one character, as the box that limits the note counts them.
        note = string.IsNullOrWhiteSpace(note) ? null : note.ReplaceLineEndings("\n");
        SentimentLabel? label = null;
        if (sentiment is null && topic is null)
        {
            errors["sentiment"] = ["Give the correct sentiment, topic or both."];
            errors["topic"] = ["Give the correct sentiment, topic or both."];
        }
        else
        {
            if (sentiment is not null)
            {
                if (SentimentScore.TryParse(sentiment, out var parsed))
                {
                    label = parsed;
                }
                else
                {
                    errors["sentiment"] = [$"'{sentiment}' is not a sentiment: use negative, neutral or positive."];
                }
            }

            if (topic is not null && !topics.Contains(topic, StringComparer.Ordinal))
            {
                errors["topic"] = [$"'{topic}' is not a category of this mention's taxonomy: use one of {string.Join(", ", topics)}."];
            }

            if (note is { Length: > LabelCorrections.MaxNoteLength })
            {
                errors["note"] = [$"The note is {note.Length} characters; at most {LabelCorrections.MaxNoteLength}."];
            }
        }

        if (errors.Count > 0)
        {
            return new LabelCorrectionOutcome(null, errors);
        }

        var corrected = await corrections.CorrectAsync(mention, label, topic, note, by, cancellationToken);
        return new LabelCorrectionOutcome(View(corrected, topics, await corrections.HistoryAsync(mentionId, cancellationToken)), errors);
    }

    /// <summary>The categories a mention may be labelled with: its first watch's own taxonomy (decision 126), else the default model's.</summary>
    private IReadOnlyList<string> TopicsOf(Mention mention)
    {
        foreach (var watch in mention.Watches)
        {
            if (scorer.WatchModels.TryGetValue(watch, out var model))
            {
                return model.Topic.Topics;
            }
        }

        return scorer.Topic.Topics;
    }

    private static MentionLabels View(Mention mention, IReadOnlyList<string> topics, IReadOnlyList<LabelCorrectionRecord> history) => new(
        mention.Id,
        mention.LabelledSentiment is { } s ? SentimentScore.ToWire(s) : null,
        mention.LabelledTopic,
        mention.Sentiment is { } m ? SentimentScore.ToWire(m.Label) : null,
        mention.Topic?.Topic,
        topics,
        [.. history.Select(h => new LabelChange(h.At, h.By, h.OldSentiment, h.NewSentiment, h.OldTopic, h.NewTopic, h.Note, h.ModelVersion))]);
}
