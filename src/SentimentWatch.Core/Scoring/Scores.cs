namespace SentimentWatch.Core.Scoring;

public enum SentimentLabel
{
    Negative,
    Neutral,
    Positive,
}

/// <summary>A sentiment label with the calibrated probabilities it was chosen from (they sum to 1).</summary>
public sealed record SentimentScore(SentimentLabel Label, float Negative, float Neutral, float Positive)
{
    public static string ToWire(SentimentLabel label) => label switch
    {
        SentimentLabel.Negative => "negative",
        SentimentLabel.Neutral => "neutral",
        SentimentLabel.Positive => "positive",
        _ => throw new ArgumentOutOfRangeException(nameof(label)),
    };

    public static bool TryParse(string? value, out SentimentLabel label)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "negative": label = SentimentLabel.Negative; return true;
            case "neutral": label = SentimentLabel.Neutral; return true;
            case "positive": label = SentimentLabel.Positive; return true;
            default: label = default; return false;
        }
    }
}

/// <summary>
/// The labels an analyst gave a mention (either or both), who gave them and when. Null fields keep the model's label.
/// </summary>
public sealed record LabelCorrection(SentimentLabel? Sentiment, string? Topic, string By, DateTimeOffset At);

/// <summary>A complaint topic (see <see cref="ComplaintTopics"/>) with its probability.</summary>
public sealed record TopicScore(string Topic, float Score);

/// <summary>The complaint categories of the support practice; configuration may add more.</summary>
public static class ComplaintTopics
{
    public const string ProductQuality = "product_quality";
    public const string ServiceAttitude = "service_attitude";
    public const string Logistics = "logistics";
    public const string PriceBilling = "price_billing";
    public const string RefundReturn = "refund_return";

    /// <summary>Harm to people: food and product safety, injury, illness, fire, recalls. Decided ahead of
    /// <see cref="PrivacySecurity"/>, so 食品安全 is a safety complaint, not a data one.</summary>
    public const string Safety = "safety";

    /// <summary>Personal data and accounts: leaks, hacked accounts, fraud, spam calls.</summary>
    public const string PrivacySecurity = "privacy_security";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> Default =
        [ProductQuality, ServiceAttitude, Logistics, PriceBilling, RefundReturn, Safety, PrivacySecurity, Other];

    private static readonly Dictionary<string, (string English, string Chinese)> Labels = new(StringComparer.Ordinal)
    {
        [ProductQuality] = ("product quality", "产品质量"),
        [ServiceAttitude] = ("service attitude", "服务态度"),
        [Logistics] = ("logistics", "物流配送"),
        [PriceBilling] = ("price and billing", "价格与扣费"),
        [RefundReturn] = ("refund and return", "退款退货"),
        [Safety] = ("product and food safety", "产品与食品安全"),
        [PrivacySecurity] = ("privacy and security", "隐私安全"),
        [Other] = ("other", "其他"),
    };

    /// <summary>
    /// A category as people read it in messages sent outside the console (SLA notices): "product and food safety" /
    /// "产品与食品安全", the console's labels (a test keeps the two equal); a configured category without one as its code.
    /// </summary>
    public static string Label(string topic, bool chinese) =>
        Labels.TryGetValue(topic, out var label) ? chinese ? label.Chinese : label.English : topic;
}

/// <summary>What a scorer says of one text.</summary>
public sealed record MentionScore(SentimentScore Sentiment, TopicScore? Topic, IReadOnlyList<string> RiskTerms);

/// <summary>
/// Scores text for sentiment, complaint topic and risk terms. Implementations are thread-safe
/// and CPU-bound, so the call is synchronous; the pipeline batches.
/// </summary>
public interface IMentionScorer
{
    /// <summary>The model version stamped on scored mentions; null when no model is loaded.</summary>
    string? ModelVersion { get; }

    /// <summary>One result per text, in order; null entries when no model is available.</summary>
    IReadOnlyList<MentionScore?> Score(IReadOnlyList<string> texts);

    /// <summary>
    /// As <see cref="Score(IReadOnlyList{string})"/>, each text read as writing of its source (<paramref name="sources"/>, one per
    /// text): a scorer that knows a source carries reviews serves it as reviews (decision 209). Without that knowledge, the same.
    /// </summary>
    IReadOnlyList<MentionScore?> Score(IReadOnlyList<string> texts, IReadOnlyList<string> sources) => Score(texts);

    /// <summary>
    /// How the scorer reads a source's writing (decisions 209, 214): <c>social</c> (the default), <c>reviews</c> or <c>care</c>
    /// (posts written to the brand). The console shows it beside a mention's scores.
    /// </summary>
    string GenreOf(string source) => "social";
}

/// <summary>
/// Complaint topics of watches that name their own categories (an airline's delays, baggage, crew;
/// decision 126). Mentions of other watches keep the default taxonomy (<see cref="ComplaintTopics.Default"/>).
/// Optional: a host without it scores every mention with the default taxonomy.
/// </summary>
public interface IWatchTopicScorer
{
    /// <summary>Whether any watch has its own taxonomy.</summary>
    bool HasWatchTaxonomies { get; }

    /// <summary>
    /// The topic of a mention under the first of its watches that has its own taxonomy, decided as for the
    /// default one (a complaint is other only when the model is sure it fits no category); null when none has.
    /// </summary>
    TopicScore? WatchTopic(IReadOnlyList<string> watches, string text, SentimentScore sentiment);
}

/// <summary>
/// The complaint categories the scorer files mentions under (decision 126): a watch's own taxonomy when it
/// has one, else the default model's. Cases check a category people choose against it. Optional: a host
/// without it knows <see cref="ComplaintTopics.Default"/> only.
/// </summary>
public interface IComplaintTaxonomy
{
    /// <summary>The categories of <paramref name="watch"/>'s own taxonomy; the default model's when it has none (or for null).</summary>
    IReadOnlyList<string> CategoriesOf(string? watch);
}

/// <summary>
/// The scorer used until a model is configured: it scores nothing, so mentions are stored
/// marked unscored (and re-scored in place once a model arrives) rather than with a made-up score.
/// </summary>
public sealed class UnscoredMentionScorer : IMentionScorer
{
    public string? ModelVersion => null;

    public IReadOnlyList<MentionScore?> Score(IReadOnlyList<string> texts) => new MentionScore?[texts.Count];
}
