using System.Globalization;
using System.Text;

namespace SentimentWatch.Scoring.Training;

/// <summary>
/// One line of the hand-checked topic sample: a negative training text, the category the keyword
/// rule gave it and the category a person reading it chose. TSV: id, language, rule, checked, text.
/// </summary>
public sealed record TopicCheck(string Id, string Language, string Rule, string Checked, string Text)
{
    public static IReadOnlyList<TopicCheck> Load(string path) =>
        File.ReadLines(path)
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t', 5))
            .Where(p => p.Length == 5)
            .Select(p => new TopicCheck(p[0], p[1], p[2], p[3], p[4]))
            .ToList();

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
