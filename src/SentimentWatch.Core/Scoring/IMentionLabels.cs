namespace SentimentWatch.Core.Scoring;

/// <summary>
/// Analysts' label corrections (decision 160) as the API and the console both use them: one
/// implementation validates and records, so a correction made on either is the same correction.
/// </summary>
public interface IMentionLabels
{
    /// <summary>The longest note a correction may carry: the desk refuses a longer one, the console's box stops at it.</summary>
    const int MaxNoteLength = 2000;

    /// <summary>A mention's labels now, what the model said, the categories it may take and every correction; null when unknown.</summary>
    Task<MentionLabels?> GetAsync(string mentionId, CancellationToken cancellationToken);

    /// <summary>Corrects the sentiment and/or topic (wire names), with an optional note; <paramref name="by"/> is recorded.</summary>
    Task<LabelCorrectionOutcome> CorrectAsync(string mentionId, string? sentiment, string? topic, string? note, string by, CancellationToken cancellationToken);
}

/// <summary>A mention's labels now (corrected where analysts corrected them), what the model said, and every correction.</summary>
public sealed record MentionLabels(
    string MentionId,
    string? Sentiment,
    string? Topic,
    string? ModelSentiment,
    string? ModelTopic,
    IReadOnlyList<string> Topics,
    IReadOnlyList<LabelChange> History);

/// <summary>One correction as the audit trail shows it: who, when, old → new.</summary>
public sealed record LabelChange(DateTimeOffset At, string By, string? OldSentiment, string? NewSentiment, string? OldTopic, string? NewTopic, string? Note, string? ModelVersion);

/// <summary>The labels after a correction, or the problems by field (nothing recorded), or an unknown mention.</summary>
public sealed record LabelCorrectionOutcome(MentionLabels? Labels, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool UnknownMention => Labels is null && Errors.Count == 0;
}
