using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Indexing.Cli;

/// <summary>
/// Synthetic mentions for benchmarks: Chinese, English and mixed complaint-and-praise text over a
/// time window, with the source/author/topic/sentiment/reach spread a real feed has. Deterministic
/// for a seed, so runs compare.
/// </summary>
public sealed class MentionGenerator(int seed, DateTimeOffset end, TimeSpan span)
{
    private static readonly string[] Chinese =
    [
        "申请退款两周了还没到账", "客服态度很差一直推脱", "物流很快第二天就到了", "质量不错用着挺好", "电池续航太短半天就没电",
        "屏幕用了一周就碎了", "价格太贵不值这个钱", "发货延迟了好几天", "包装破损东西也坏了", "售后服务很好耐心解决问题",
        "申请退货没人处理", "充电的时候发热严重", "信号不好经常断网", "系统卡顿应用闪退", "客服回复很及时", "退款终于到账了",
        "快递员态度恶劣", "赠品没有收到", "扣款两次要求退款", "隐私信息被泄露了",
    ];

    private static readonly string[] English =
    [
        "my refund is taking forever", "customer service was rude and unhelpful", "delivery was fast and painless", "the battery drains in hours",
        "screen cracked after one week", "price is way too high for this", "shipping was delayed again", "great support team fixed it quickly",
        "the app keeps crashing on login", "return request ignored for days", "charger gets really hot", "love the camera on this phone",
        "billed twice and still waiting for refunds", "my personal data was leaked", "courier left the parcel in the rain", "works exactly as advertised",
    ];

    private static readonly string[] Sources = ["weibo", "tieba", "zhihu", "reddit", "twitter", "forum", "app-feedback", "email"];
    private static readonly string[] Topics = [.. ComplaintTopics.Default];

    private readonly Random random = new(seed);
    private long sequence;

    public DateTimeOffset Start => end - span;

    public IReadOnlyList<Mention> Next(int count)
    {
        var batch = new Mention[count];
        for (var i = 0; i < count; i++)
        {
            batch[i] = Next();
        }

        return batch;
    }

    public Mention Next()
    {
        var n = sequence++;
        var language = random.Next(10) switch
        {
            < 5 => "zh",
            < 9 => "en",
            _ => "mixed",
        };
        var parts = random.Next(2, 5);
        var text = new System.Text.StringBuilder(160);
        for (var p = 0; p < parts; p++)
        {
            var zh = language == "zh" || (language == "mixed" && p % 2 == 0);
            if (p > 0)
            {
                text.Append(zh ? "，" : ", ");
            }

            text.Append(zh ? Chinese[random.Next(Chinese.Length)] : English[random.Next(English.Length)]);
        }

        var published = Start + TimeSpan.FromMilliseconds(random.NextDouble() * span.TotalMilliseconds);
        var scored = random.Next(20) != 0;
        var label = (SentimentLabel)random.Next(3);
        return new Mention
        {
            Id = $"bench-{seed}-{n}",
            Source = Sources[random.Next(Sources.Length)],
            ExternalId = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Url = $"https://example.test/post/{n}",
            Author = $"user{random.Next(5_000)}",
            Text = text.ToString(),
            Language = language,
            PublishedAt = published,
            CollectedAt = published.AddMinutes(random.Next(1, 60)),
            // Heavy-tailed reach: most posts reach few, a few reach many.
            Engagement = new Engagement(Reach: (long)Math.Exp(random.NextDouble() * 12), Likes: random.Next(50), Replies: random.Next(20)),
            Watches = random.Next(4) == 0 ? ["brand", "support"] : ["brand"],
            Sentiment = scored ? new SentimentScore(label, label == SentimentLabel.Negative ? 0.7f : 0.15f, label == SentimentLabel.Neutral ? 0.7f : 0.15f, label == SentimentLabel.Positive ? 0.7f : 0.15f) : null,
            Topic = scored ? new TopicScore(Topics[random.Next(Topics.Length)], 0.6f) : null,
            ScoredBy = scored ? "bench-model" : null,
        };
    }
}
