using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Cases.Tests.Support;

/// <summary>Scored mentions as the pipeline hands them to observers.</summary>
public static class Complaints
{
    private static int _next;

    public static Mention Make(
        DateTimeOffset publishedAt,
        string text = "绿莫会员卡重复扣费，申请退款一周了还没到账",
        string topic = ComplaintTopics.RefundReturn,
        float negative = 0.85f,
        string? author = null,
        string? threadId = null,
        string watch = "brand",
        string source = "forum",
        long reach = 100,
        string[]? riskTerms = null,
        bool direct = false,
        string? id = null)
    {
        var n = Interlocked.Increment(ref _next);
        var label = negative >= 0.5f ? SentimentLabel.Negative : SentimentLabel.Neutral;
        return new Mention
        {
            Id = id ?? $"c{n:D7}",
            Source = source,
            Url = $"https://forum.example.com/t/{n}",
            Author = author ?? $"user{n}",
            ThreadId = threadId,
            Text = text,
            PublishedAt = publishedAt,
            CollectedAt = publishedAt,
            Engagement = new Engagement(Reach: reach),
            Watches = [watch],
            Sentiment = new SentimentScore(label, negative, (1 - negative) / 2, (1 - negative) / 2),
            Topic = new TopicScore(topic, 0.8f),
            RiskTerms = riskTerms ?? [],
            ScoredBy = "test",
            Fingerprint = SimHash.Compute(text),
            DirectComplaint = direct,
        };
    }
}
