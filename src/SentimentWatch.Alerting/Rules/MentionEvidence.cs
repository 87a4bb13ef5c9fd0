using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Alerting;

/// <summary>
/// What alerting keeps of one mention for one watch: enough to count it in windows and quote
/// it in a message. Keyed by (watch, mention id), so a batch delivered again after a crash
/// replaces rows instead of counting them twice.
/// </summary>
public sealed class MentionEvidence
{
    public required string WatchId { get; set; }
    public required string MentionId { get; set; }

    /// <summary>When it was said (published time, never later than when it was observed), UTC.</summary>
    public DateTimeOffset At { get; set; }

    public SentimentLabel? Sentiment { get; set; }
    public required string Source { get; set; }
    public string? Topic { get; set; }
    public string? Author { get; set; }
    public long Reach { get; set; }

    /// <summary>High-risk terms found, joined by <c>|</c> (the scorer's plus the configured rules').</summary>
    public string RiskTerms { get; set; } = "";

    public string? Url { get; set; }

    /// <summary>The start of the (already redacted) title and text, for messages and top terms.</summary>
    public string Excerpt { get; set; } = "";

    public bool IsNegative => Sentiment == SentimentLabel.Negative;

    /// <summary>
    /// Held in memory without its <see cref="Author"/>, <see cref="Url"/> and <see cref="Excerpt"/> (not negative, and no
    /// rule of its watch reads every row's words: decision 228). Never stored.
    /// </summary>
    internal bool TextDropped { get; set; }

    public IEnumerable<string> RiskTermList => RiskTerms.Split('|', StringSplitOptions.RemoveEmptyEntries);
}
