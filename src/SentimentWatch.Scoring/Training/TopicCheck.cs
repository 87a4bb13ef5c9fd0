using System.Globalization;
using System.Text;

namespace SentimentWatch.Scoring.Training;

/// <summary>
/// One line of the hand-checked topic sample: a negative training text, the category the keyword
/// rule gave it and the category a person reading it chose. TSV: id, language, rule, checked,
/// text key (FNV-1a hash of the text, hex). The training data may not be committed, so the texts
/// are looked up in the data folder by key when the file is loaded.
/// </summary>
public sealed record TopicCheck(string Id, string Language, string Rule, string Checked, string Text)
{
    public static IReadOnlyList<TopicCheck> Load(string path, string dataDirectory)
    {
        var texts = TrainingCorpus.LoadChinese(dataDirectory).Concat(TrainingCorpus.LoadEnglish(dataDirectory))
            .GroupBy(t => Key(t.Text)).ToDictionary(g => g.Key, g => g.First().Text);
        return File.ReadLines(path)
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t', 5))
            .Where(p => p.Length == 5)
            .Select(p => new TopicCheck(p[0], p[1], p[2], p[3], texts.TryGetValue(p[4], out var text)
                ? text
                : throw new InvalidDataException($"{path}: {p[0]}: no text with key {p[4]} in '{dataDirectory}'; is it the data the README names?")))
            .ToList();
    }

    public static string Key(string text) => TrainingRun.StableHash(text).ToString("x8", CultureInfo.InvariantCulture);

    public static bool IsTopicCheckFile(string path) =>
        File.ReadLines(path).FirstOrDefault(l => l.Length > 0 && l[0] != '#') is { } first && first.Split('\t').Length == 5;

    /// <summary>Per rule category: how many sampled texts the person agreed with.</summary>
    public static string RulePrecision(IReadOnlyList<TopicCheck> checks)
    {
        var sb = new StringBuilder("Keyword-rule precision on the hand-checked sample:\n\n| rule category | sampled | agreed | precision |\n|---|---|---|---|\n");
        foreach (var g in checks.GroupBy(c => c.Rule).OrderBy(g => g.Key))
        {
            var agreed = g.Count(c => c.Checked == c.Rule);
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {g.Key} | {g.Count()} | {agreed} | {(double)agreed / g.Count():F2} |"));
        }

        var total = checks.Count(c => c.Checked == c.Rule);
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| all | {checks.Count} | {total} | {(double)total / Math.Max(1, checks.Count):F2} |"));
        return sb.ToString();
    }
}
