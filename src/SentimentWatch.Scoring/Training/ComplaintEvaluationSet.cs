using System.Globalization;
using System.Text;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Scoring.Training;

/// <summary>
/// One real complaint of the hand-labelled evaluation set (tests/SentimentWatch.Scoring.Tests/Data/complaints.tsv,
/// rubric in docs/complaint-topic-rubric.md): its primary and optional secondary topic. The file holds a key of
/// each text; the texts are looked up in the corpora when it is loaded (they may not be committed).
/// </summary>
public sealed record LabelledComplaint(string Id, string Language, string Source, string Primary, string? Secondary, string Text, string Key = "")
{
    /// <summary>The first line that marks a file as this set.</summary>
    public const string Marker = "# complaint-topics";

    /// <summary>
    /// <c>dev</c> for a third of the items (text key ≡ 0 mod 3), chosen by the key so it never depends on labels or order:
    /// models and rules are selected on it; <c>test</c> (the other two thirds) is only measured (decision 175).
    /// </summary>
    public string Split => SplitOf(Key);

    public static string SplitOf(string key) =>
        uint.TryParse(key, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var k) && k % 3 == 0 ? "dev" : "test";

    public bool Accepts(string topic) => topic == Primary || topic == Secondary;

    public static bool IsComplaintSetFile(string path) =>
        File.ReadLines(path).FirstOrDefault() is { } first && first.StartsWith(Marker, StringComparison.Ordinal);

    public static IReadOnlyList<LabelledComplaint> Load(string path, string dataDirectory)
    {
        var texts = ComplaintCorpora.TextsByKey(dataDirectory);
        var result = new List<LabelledComplaint>();
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0 && l[0] != '#'))
        {
            var p = line.Split('\t');
            if (p.Length != 6)
            {
                throw new InvalidDataException($"{path}: '{line}' does not have 6 tab-separated fields (id, language, source, key, primary, secondary).");
            }

            if (!texts.TryGetValue(p[3], out var text))
            {
                throw new InvalidDataException($"{path}: {p[0]}: no text with key {p[3]} in '{dataDirectory}'; is it the data its README names?");
            }

            result.Add(new LabelledComplaint(p[0], p[1], p[2], p[4], p[5] == "-" ? null : p[5], text, p[3]));
        }

        return result;
    }

    /// <summary>
    /// Accuracy (a hit on either label), macro-F1 (a prediction that names the secondary label is scored
    /// as that class; F1 averaged over the classes that occur), the share answered <c>other</c>, and the
    /// per-class table, for one language or all.
    /// </summary>
    public static string Report(IReadOnlyList<LabelledComplaint> items, IReadOnlyList<string> predicted, IReadOnlyList<float> confidence, IReadOnlyList<string> classes)
    {
        var sb = new StringBuilder();
        var groups = items.Select((item, i) => (item, i)).GroupBy(x => x.item.Language).OrderByDescending(g => g.Key).ToList();
        foreach (var group in groups.Append(items.Select((item, i) => (item, i)).GroupBy(_ => "all").Single()))
        {
            var scored = Score(group.Select(x => (x.item, predicted[x.i], confidence[x.i])).ToList(), classes);
            sb.AppendLine(CultureInfo.InvariantCulture, $"## {group.Key}: {scored.Count} real complaints");
            sb.AppendLine(CultureInfo.InvariantCulture, $"accuracy (either label) {scored.Accuracy:F3}  macro-F1 {scored.MacroF1:F3}  answered other {scored.OtherShare:P1}  mean confidence {scored.MeanConfidence:F3}");
            if (group.Key != "all")
            {
                sb.Append(Evaluation.ClassTable(scored.Actual, scored.Predicted, classes.Where(c => scored.Actual.Contains(c) || scored.Predicted.Contains(c)).ToList()));
            }
        }

        return sb.ToString();
    }

    public static ComplaintScores Score(IReadOnlyList<(LabelledComplaint Item, string Predicted, float Confidence)> rows, IReadOnlyList<string> classes)
    {
        var actual = rows.Select(r => r.Item.Accepts(r.Predicted) ? r.Predicted : r.Item.Primary).ToList();
        var predicted = rows.Select(r => r.Predicted).ToList();
        var present = classes.Where(actual.Contains).ToList();
        return new ComplaintScores(
            rows.Count,
            rows.Count == 0 ? 0 : (double)rows.Count(r => r.Item.Accepts(r.Predicted)) / rows.Count,
            present.Count == 0 ? 0 : Metrics.MacroF1(actual, predicted, present),
            rows.Count == 0 ? 0 : (double)predicted.Count(p => p == ComplaintTopics.Other) / rows.Count,
            rows.Count == 0 ? 0 : rows.Average(r => r.Confidence),
            actual,
            predicted);
    }
}

public sealed record ComplaintScores(int Count, double Accuracy, double MacroF1, double OtherShare, double MeanConfidence, IReadOnlyList<string> Actual, IReadOnlyList<string> Predicted);
