using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Alerting.Tests.Support;

public static class Mentions
{
    private static int _next;

    public static Mention Negative(DateTimeOffset at, string watch = "brand", string text = "terrible service, want a refund", long reach = 10, string source = "forum", string? author = null) =>
        Make(at, watch, text, SentimentLabel.Negative, reach, source, author);

    public static Mention Neutral(DateTimeOffset at, string watch = "brand", string text = "store opens at nine", string source = "forum") =>
        Make(at, watch, text, SentimentLabel.Neutral, 10, source, null);

    public static Mention Positive(DateTimeOffset at, string watch = "brand", string text = "great coffee today", string source = "forum") =>
        Make(at, watch, text, SentimentLabel.Positive, 10, source, null);

    public static Mention Make(DateTimeOffset at, string watch, string text, SentimentLabel label, long reach, string source, string? author)
    {
        var n = Interlocked.Increment(ref _next);
        var scores = label switch
        {
            SentimentLabel.Negative => new SentimentScore(label, 0.9f, 0.05f, 0.05f),
            SentimentLabel.Positive => new SentimentScore(label, 0.05f, 0.05f, 0.9f),
            _ => new SentimentScore(label, 0.05f, 0.9f, 0.05f),
        };
        return new Mention
        {
            Id = $"m{n:D7}",
            Source = source,
            Url = $"https://forum.example.com/t/{n}",
            Author = author ?? $"user{n}",
            Text = text,
            PublishedAt = at,
            CollectedAt = at,
            Engagement = new Engagement(Reach: reach),
            Watches = [watch],
            Sentiment = scores,
            ScoredBy = "test",
        };
    }
}
