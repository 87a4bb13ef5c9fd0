using System.Globalization;
using System.Text;
using SentimentWatch.Scoring.Models;

namespace SentimentWatch.Scoring.Training;

/// <summary>
/// An item of the Chinese intent set (tests/SentimentWatch.Scoring.Tests/Data/intent-check.tsv, rubric in docs/intent-rubric.md):
/// a real Weibo post of ../shared/data labelled for what it does — a plain <c>question</c>, an <c>announcement</c>, a
/// <c>complaint</c> (also one asked as a question) or <c>other</c> — not for its emotion. The corpora may not be committed, so the
/// file holds tab-separated id, intent, language, split, corpus, key (FNV-1a hash of the post as the corpus CSV holds it), and
/// the text is looked up in the data folder by key when the file is loaded.
/// </summary>
public sealed record IntentCheck(string Id, string Intent, string Language, string Split, string Corpus, string Key, string Text)
{
    /// <summary>The first line that marks a file as this set.</summary>
    public const string Marker = "# Intent set";

    public const string Question = "question";
    public const string Announcement = "announcement";
    public const string Complaint = "complaint";
    public const string Other = "other";

    public static readonly string[] Intents = [Question, Announcement, Complaint, Other];

    /// <summary>A plain question or announcement: must not be served negative (issue 15 item 3).</summary>
    public bool IsPlain => Intent is Question or Announcement;

    private static readonly (string File, string Column)[] Sources =
    [
        ("sentiment-zh-weibo/smp2020_ewect_weibo.csv", "text"),
        ("sentiment-zh-weibo/weibo_senti_100k_partial.csv", "review"),
    ];

    public static bool IsIntentSetFile(string path) =>
        File.ReadLines(path).FirstOrDefault() is { } first && first.StartsWith(Marker, StringComparison.Ordinal);

    public static IReadOnlyList<IntentCheck> Load(string path, string dataDirectory)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, column) in Sources)
        {
            foreach (var row in SocialCorpora.Csv(Path.Combine(dataDirectory, file)))
            {
                texts.TryAdd(TopicCheck.Key(row[column]), row[column]);
            }
        }

        var items = new List<IntentCheck>();
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0 && l[0] != '#'))
        {
            var p = line.Split('\t');
            if (p.Length != 6 || !Intents.Contains(p[1]) || p[3] is not ("train" or "dev" or "test" or "fresh"))
            {
                throw new InvalidDataException($"{path}: '{line}' is not id, intent ({string.Join(" | ", Intents)}), language, split (train | dev | test | fresh), corpus, key.");
            }

            items.Add(new IntentCheck(p[0], p[1], p[2], p[3], p[4], p[5], texts.TryGetValue(p[5], out var text)
                ? text
                : throw new InvalidDataException($"{path}: {p[0]}: no post with key {p[5]} in '{dataDirectory}'; is it the data the README names?")));
        }

        return items;
    }

    /// <summary>Per intent, how many posts of the split are served negative / neutral / positive (label as served).</summary>
    public static string Report(SentimentModel model, IReadOnlyList<IntentCheck> checks, string split)
    {
        var items = checks.Where(c => split == "all" || c.Split == split).ToList();
        var labels = SocialTrainingRun.Labels(model, items.Select(c => c.Text).ToList());
        var sb = new StringBuilder();
        sb.AppendLine($"Intent set ({split} split), label as served by {model.Manifest.Version}{(model.HasIntentHead ? " (with its intent head)" : "")}:");
        sb.AppendLine("| intent | posts | served negative | neutral | positive |");
        sb.AppendLine("|---|---|---|---|---|");
        var groups = Intents.Select(i => (Name: i, Rows: items.Select((c, k) => (c, l: labels[k])).Where(x => x.c.Intent == i).ToList())).ToList();
        groups.Add(("question + announcement", items.Select((c, k) => (c, l: labels[k])).Where(x => x.c.IsPlain).ToList()));
        foreach (var (name, rows) in groups)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {rows.Count} | {Share(rows.Count(x => x.l == "negative"), rows.Count)} | {rows.Count(x => x.l == "neutral")} | {rows.Count(x => x.l == "positive")} |");
        }

        return sb.ToString();
    }

    /// <summary>
    /// Every plain question / announcement served negative and every complaint not served negative, with what the intent head
    /// read: P(plain), whether a complaint cue or a harm term fired and whether the post holds a question or announcement mark
    /// (stdout only: the texts are not committed).
    /// </summary>
    public static string Misses(SentimentModel model, IReadOnlyList<IntentCheck> checks, string split)
    {
        var items = checks.Where(c => split == "all" || c.Split == split).ToList();
        var labels = SocialTrainingRun.Labels(model, items.Select(c => c.Text).ToList());
        var sb = new StringBuilder("## Misses (id, intent, served, P(plain), complaint cue, harm, question/announcement mark, complaint jab, text)\n");
        for (var i = 0; i < items.Count; i++)
        {
            var miss = items[i].IsPlain ? labels[i] == "negative" : items[i].Intent == Complaint && labels[i] != "negative";
            if (!miss)
            {
                continue;
            }

            var prepared = model.Featurizer.Prepare(items[i].Text);
            var (indices, values) = model.Featurizer.FeaturizeToArrays(items[i].Text);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{items[i].Id}\t{items[i].Intent}\t{labels[i]}\t{model.IntentProbability(indices, values):F2}\t{(model.FiresComplaintCue(indices, values) ? "cue" : "-")}\t{(Featurization.HarmTerms.Shipped.Find(prepared) is not null ? "harm" : "-")}\t{(Featurization.IntentMarks.Holds(prepared) ? "mark" : "-")}\t{Featurization.ComplaintJabs.Find(prepared) ?? "-"}\t{items[i].Text.ReplaceLineEndings(" ")}");
        }

        return sb.ToString();
    }

    private static string Share(int n, int of) => of == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{n} ({(double)n / of:F3})");
}
