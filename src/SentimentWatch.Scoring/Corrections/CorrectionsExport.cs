using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

using SentimentWatch.Scoring.Models;

namespace SentimentWatch.Scoring.Corrections;

/// <summary>
/// One corrected mention as training and evaluation read it: its current corrected labels and what the model said, and the mention's
/// source (decision 216; null in exports written before, and for corrections stored before the store kept it).
/// </summary>
public sealed record CorrectedText(
    string MentionId,
    string Language,
    string Text,
    string? Sentiment,
    string? Topic,
    string? ModelSentiment,
    string? ModelTopic,
    string? ModelVersion,
    IReadOnlyList<string> Watches,
    DateTimeOffset CorrectedAt,
    string? Source = null);

/// <summary>
/// The corrections export (decision 161): JSON lines, one per corrected mention, ordered by mention id, written by
/// <c>export-corrections</c> from the state store. Training and evaluation read this file, not the store, so a run can be
/// repeated; the model manifest records the file's SHA-256 and count. The texts are mentions as stored (redacted at intake);
/// the file is training data and stays out of the repository.
/// </summary>
public static class CorrectionsExport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Each corrected mention once, with the latest value of each corrected label and the model's labels of its latest correction.</summary>
    public static IReadOnlyList<CorrectedText> FromHistory(IEnumerable<LabelCorrectionRecord> history) =>
        [.. history.GroupBy(r => r.MentionId, StringComparer.Ordinal)
            .Select(g =>
            {
                var rows = g.OrderBy(r => r.Id).ToList();
                var last = rows[^1];
                return new CorrectedText(
                    g.Key, last.Language, last.Text,
                    rows.LastOrDefault(r => r.NewSentiment is not null)?.NewSentiment,
                    rows.LastOrDefault(r => r.NewTopic is not null)?.NewTopic,
                    last.ModelSentiment, last.ModelTopic, last.ModelVersion,
                    last.Watches.Split(' ', StringSplitOptions.RemoveEmptyEntries), last.At,
                    string.IsNullOrEmpty(last.Source) ? null : last.Source);
            })
            .OrderBy(c => c.MentionId, StringComparer.Ordinal)];

    /// <summary>Writes the export; returns its SHA-256 (hex).</summary>
    public static string Write(string path, IReadOnlyList<CorrectedText> corrections)
    {
        var text = new StringBuilder();
        foreach (var correction in corrections)
        {
            text.Append(JsonSerializer.Serialize(correction, Json)).Append('\n');
        }

        var bytes = new UTF8Encoding(false).GetBytes(text.ToString());
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, bytes);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Reads an export; a line that is not a correction fails naming the file and line.</summary>
    public static (IReadOnlyList<CorrectedText> Corrections, string Sha256) Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"--corrections: '{path}' does not exist; write it with `export-corrections --output {path}`.", path);
        }

        var bytes = File.ReadAllBytes(path);
        var corrections = new List<CorrectedText>();
        var number = 0;
        foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n'))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                corrections.Add(JsonSerializer.Deserialize<CorrectedText>(line, Json) ?? throw new JsonException("null"));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"--corrections: {path} line {number} is not a correction ({e.Message}).", e);
            }
        }

        return (corrections, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    public static CorrectionsSource Source(string path, string sha256, int count, int used, int weight) =>
        new(Path.GetFileName(path), sha256, count, used, weight);
}
