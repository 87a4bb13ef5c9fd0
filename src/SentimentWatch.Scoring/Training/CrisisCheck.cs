using System.Globalization;
using System.Text;
using SentimentWatch.Scoring.Models;

namespace SentimentWatch.Scoring.Training;

/// <summary>
/// An item of the crisis / ordinary-post evaluation set (tests/SentimentWatch.Scoring.Tests/Data/crisis-check.tsv, rubric in
/// docs/crisis-check.md): a real post of ../shared/data that reports harm (must come out negative; expected topic <c>safety</c>)
/// or an ordinary question or announcement (must not come out negative). The corpora may not be committed, so the file holds
/// tab-separated id, kind, language, split, expected topic (or -), corpus, key (FNV-1a hash of the post as the corpus CSV holds
/// it), and the text is looked up in the data folder by key when the file is loaded.
/// </summary>
public sealed record CrisisCheck(string Id, string Kind, string Language, string Split, string? Topic, string Corpus, string Text)
{
    /// <summary>The first line that marks a file as this set.</summary>
    public const string Marker = "# Crisis / ordinary-post evaluation set";

    public const string Crisis = "crisis";
    public const string Question = "question";
    public const string Announcement = "announcement";

    private static readonly (string File, string Column)[] Sources =
    [
        ("sentiment-zh-weibo/smp2020_ewect_weibo.csv", "text"),
        ("sentiment-zh-weibo/weibo_senti_100k_partial.csv", "review"),
        ("sentiment-en-tweets/semeval2017_task4a_en.csv", "text"),
        ("sentiment-en-tweets/sentiment140_100k.csv", "text"),
    ];

    /// <summary>The split drawn later from test sets and corpora the sentiment model never trains on (decision 240): only measured.</summary>
    public const string FreshSplit = "fresh";

    /// <summary>A second fresh draw (decision 241), made after the first had been read to choose harm terms: only measured.</summary>
    public const string SecondFreshSplit = "fresh2";

    /// <summary>Whether a split is one of the later draws, kept out of training rows only.</summary>
    public static bool IsFresh(string split) => split is FreshSplit or SecondFreshSplit;

    /// <summary>
    /// The real corpora without the crisis check's posts: the dev and test splits' are left out of every corpus (as since decision
    /// 120), the fresh splits' out of the training rows only, so the held-out test sets it was drawn from keep their sizes.
    /// </summary>
    public static IReadOnlyList<SentimentText> Corpora(string dataDirectory, IReadOnlyList<CrisisCheck> checks) =>
        SocialCorpora.Load(dataDirectory,
            checks.Where(c => !IsFresh(c.Split)).Select(c => c.Text).ToHashSet(StringComparer.Ordinal),
            checks.Where(c => IsFresh(c.Split)).Select(c => c.Text).ToHashSet(StringComparer.Ordinal));

    public static IReadOnlyList<CrisisCheck> Load(string path, string dataDirectory)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, column) in Sources)
        {
            foreach (var row in SocialCorpora.Csv(Path.Combine(dataDirectory, file)))
            {
                texts.TryAdd(TopicCheck.Key(row[column]), row[column]);
            }
        }

        return File.ReadLines(path)
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t', 7))
            .Where(p => p.Length == 7 && p[0] != "id")
            .Select(p => new CrisisCheck(p[0], p[1], p[2], p[3], p[4] == "-" ? null : p[4], p[5], texts.TryGetValue(p[6], out var text)
                ? text
                : throw new InvalidDataException($"{path}: {p[0]}: no post with key {p[6]} in '{dataDirectory}'; is it the data the README names?")))
            .ToList();
    }

    /// <summary>Share of crisis reports served negative and of ordinary posts served negative, per language and overall.</summary>
    public static string Report(SentimentModel model, IReadOnlyList<CrisisCheck> checks, string split)
    {
        var items = checks.Where(c => split == "all" || c.Split == split).ToList();
        var labels = SocialTrainingRun.Labels(model, items.Select(c => c.Text).ToList());
        var sb = new StringBuilder();
        sb.AppendLine($"Crisis check ({split} split), label as served by {model.Manifest.Version}:");
        sb.AppendLine("| language | crisis reports | served negative | ordinary questions / announcements | served negative |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var language in new[] { "zh", "en", "all" })
        {
            var rows = items.Select((c, i) => (c, l: labels[i])).Where(x => language == "all" || x.c.Language == language).ToList();
            var crisis = rows.Where(x => x.c.Kind == Crisis).ToList();
            var ordinary = rows.Where(x => x.c.Kind != Crisis).ToList();
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {language} | {crisis.Count} | {Share(crisis.Count(x => x.l == "negative"), crisis.Count)} | {ordinary.Count} | {Share(ordinary.Count(x => x.l == "negative"), ordinary.Count)} |"));
        }

        var crisisItems = items.Where(c => c.Kind == Crisis).ToList();
        var found = crisisItems.Count(c => Featurization.HarmTerms.Shipped.Find(Core.Mentions.TextNormalizer.Fold(c.Text)) is not null);
        var ordinaryFound = items.Count(c => c.Kind != Crisis && Featurization.HarmTerms.Shipped.Find(Core.Mentions.TextNormalizer.Fold(c.Text)) is not null);
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Harm terms (decision 121) found in {found} of {crisisItems.Count} crisis reports and {ordinaryFound} of {items.Count - crisisItems.Count} ordinary posts."));
        return sb.ToString();
    }

    /// <summary>The first line of the harm-word check (harm-check.tsv, decision 242): the same columns, kinds crisis / notcrisis.</summary>
    public const string HarmCheckMarker = "# Harm-word posts";

    public const string NotCrisis = "notcrisis";

    /// <summary>
    /// How well the harm list (<see cref="Featurization.HarmTerms"/>) tells a harm report from other posts that hold a harm word:
    /// per language, reports found (recall), other posts found (false alarms) and the precision of a find.
    /// </summary>
    public static string HarmTermsReport(Featurization.HarmTerms harm, IReadOnlyList<CrisisCheck> items, bool listMisses = false)
    {
        // One harm check per post serves the table and the misses.
        var rows = items.Select(c => (c, term: harm.Find(Core.Mentions.TextNormalizer.Fold(c.Text)))).ToList();
        var sb = new StringBuilder();
        sb.AppendLine("| language | harm reports | found (recall) | other posts | found (false alarms) | precision of a find |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var language in items.Select(c => c.Language).Distinct().Order(StringComparer.Ordinal))
        {
            var reports = rows.Where(x => x.c.Language == language && x.c.Kind == Crisis).ToList();
            var others = rows.Where(x => x.c.Language == language && x.c.Kind != Crisis).ToList();
            int found = reports.Count(x => x.term is not null), alarms = others.Count(x => x.term is not null);
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {language} | {reports.Count} | {Share(found, reports.Count)} | {others.Count} | {Share(alarms, others.Count)} | {Share(found, found + alarms)} |"));
        }

        if (listMisses)
        {
            sb.AppendLine().AppendLine("## Misses (id, kind, term found or -, text)");
            foreach (var (c, term) in rows.Where(x => (x.c.Kind == Crisis) != (x.term is not null)))
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"{c.Id}\t{c.Kind}\t{term ?? "-"}\t{c.Text.ReplaceLineEndings(" ")}");
            }
        }

        return sb.ToString();
    }

    private static string Share(int n, int of) => of == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{n} ({(double)n / of:F3})");
}
