namespace SentimentWatch.Scoring.Corrections;

/// <summary>
/// One analyst correction of a mention's labels, kept forever as the audit trail (who, when, old → new) and as
/// training and evaluation data: the mention's redacted text as indexed, its language and what the model said.
/// Rows are only ever added; a mention's current correction is the latest value of each field (<see cref="LabelCorrections"/>).
/// </summary>
public sealed class LabelCorrectionRecord
{
    public long Id { get; set; }

    public required string MentionId { get; set; }

    /// <summary>The mention's text as stored (already redacted at intake), so training never needs the index.</summary>
    public required string Text { get; set; }

    public required string Language { get; set; }

    /// <summary>The mention's source (decision 216): <c>fit-genre --source</c> fits a source genre on the corrections of its sources.</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>The mention's watches, space separated (their taxonomy decides which topics are valid).</summary>
    public string Watches { get; set; } = string.Empty;

    /// <summary>The label shown before this correction (the model's, or an earlier correction's).</summary>
    public string? OldSentiment { get; set; }

    /// <summary>The corrected label; null when this correction left the sentiment alone.</summary>
    public string? NewSentiment { get; set; }

    public string? OldTopic { get; set; }

    public string? NewTopic { get; set; }

    /// <summary>What the model said, kept so evaluation can compare it with the analysts.</summary>
    public string? ModelSentiment { get; set; }

    public string? ModelTopic { get; set; }

    /// <summary>The model version that gave <see cref="ModelSentiment"/> and <see cref="ModelTopic"/> (the mention's ScoredBy).</summary>
    public string? ModelVersion { get; set; }

    /// <summary>The analyst's note, redacted like every other stored text.</summary>
    public string? Note { get; set; }

    public required string By { get; set; }

    public DateTimeOffset At { get; set; }
}
