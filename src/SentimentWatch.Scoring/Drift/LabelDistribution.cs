using System.Text.Json;
using System.Text.Json.Serialization;

namespace SentimentWatch.Scoring.Drift;

/// <summary>
/// Shares of each label in a set of texts: the training data's (written next to the models by the training verbs as
/// <c>label-distribution.json</c>) or the last week's scored mentions'. Topic shares are of negative texts only, the
/// texts the topic model was trained on (decision 162).
/// </summary>
public sealed record LabelDistribution(
    IReadOnlyDictionary<string, double> Sentiment,
    IReadOnlyDictionary<string, double> Topic,
    long SentimentCount,
    long TopicCount,
    string? SentimentModel = null,
    string? TopicModel = null,
    string? Source = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static LabelDistribution FromCounts(
        IEnumerable<KeyValuePair<string, long>> sentiment, IEnumerable<KeyValuePair<string, long>> topic,
        string? sentimentModel = null, string? topicModel = null, string? source = null)
    {
        var (s, sn) = Shares(sentiment);
        var (t, tn) = Shares(topic);
        return new LabelDistribution(s, t, sn, tn, sentimentModel, topicModel, source);
    }

    public static (IReadOnlyDictionary<string, double> Shares, long Count) Shares(IEnumerable<KeyValuePair<string, long>> counts)
    {
        var list = counts.Where(c => c.Value > 0).ToList();
        var total = list.Sum(c => c.Value);
        var shares = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (label, count) in list)
        {
            shares[label] = shares.GetValueOrDefault(label) + Math.Round(count / (double)total, 6);
        }

        return (shares, total);
    }

    /// <summary>
    /// Writes (or updates one half of) the distribution file: <c>train-sentiment</c> writes the sentiment half,
    /// <c>train</c> the topic half (and the sentiment half when it trains a sentiment model), so the file always
    /// describes the models beside it.
    /// </summary>
    public static LabelDistribution Merge(string path, LabelDistribution? sentimentHalf, LabelDistribution? topicHalf)
    {
        var existing = File.Exists(path) ? Load(path) : null;
        var merged = new LabelDistribution(
            sentimentHalf?.Sentiment ?? existing?.Sentiment ?? new Dictionary<string, double>(),
            topicHalf?.Topic ?? existing?.Topic ?? new Dictionary<string, double>(),
            sentimentHalf?.SentimentCount ?? existing?.SentimentCount ?? 0,
            topicHalf?.TopicCount ?? existing?.TopicCount ?? 0,
            sentimentHalf?.SentimentModel ?? existing?.SentimentModel,
            topicHalf?.TopicModel ?? existing?.TopicModel,
            "training rows the models beside this file were trained on (sentiment: corpus labels; topic: weak labels of negative texts, after balancing)");
        File.WriteAllText(path, JsonSerializer.Serialize(merged, Json) + "\n");
        return merged;
    }

    public static LabelDistribution Load(string path) =>
        JsonSerializer.Deserialize<LabelDistribution>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path} holds no label distribution");

    /// <summary>
    /// Jensen–Shannon divergence in bits: 0 for equal distributions, 1 for disjoint ones. Labels missing from one side
    /// count as share 0 there.
    /// </summary>
    public static double JensenShannon(IReadOnlyDictionary<string, double> p, IReadOnlyDictionary<string, double> q)
    {
        var labels = p.Keys.Union(q.Keys, StringComparer.Ordinal).ToList();
        double sumP = labels.Sum(l => p.GetValueOrDefault(l)), sumQ = labels.Sum(l => q.GetValueOrDefault(l));
        if (sumP <= 0 || sumQ <= 0)
        {
            return double.NaN;
        }

        double divergence = 0;
        foreach (var label in labels)
        {
            var a = p.GetValueOrDefault(label) / sumP;
            var b = q.GetValueOrDefault(label) / sumQ;
            var m = (a + b) / 2;
            divergence += Term(a, m) + Term(b, m);
        }

        return Math.Clamp(divergence / 2, 0, 1);

        static double Term(double x, double m) => x <= 0 ? 0 : x * Math.Log2(x / m);
    }
}
