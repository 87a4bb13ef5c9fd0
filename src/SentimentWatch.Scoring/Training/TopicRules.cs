using System.Text.Json;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Scoring.Training;

/// <summary>
/// The seed keywords per complaint category (configuration: models/topic-keywords.json) and the
/// rule that labels a negative text with the category whose keywords it matches most; ties
/// are left unlabelled, texts matching none are <see cref="ComplaintTopics.Other"/>. Categories named
/// in <see cref="Precedence"/> win whenever one of their keywords matches, in that order (harm to
/// people outranks every other grievance: 食品安全 is <see cref="ComplaintTopics.Safety"/>).
/// </summary>
public sealed class TopicRules
{
    public TopicRules(IReadOnlyDictionary<string, IReadOnlyList<string>> categories, IReadOnlyList<string>? precedence = null, IReadOnlyList<string>? otherCues = null)
    {
        if (categories.Count == 0)
        {
            throw new ArgumentException("At least one complaint category with keywords is needed.", nameof(categories));
        }

        Categories = categories.ToDictionary(
            c => c.Key,
            c => (IReadOnlyList<string>)c.Value.Select(TextNormalizer.Fold).Where(k => k.Length > 0).Distinct().ToList());
        Classes = [.. Categories.Keys.Where(k => k != ComplaintTopics.Other), ComplaintTopics.Other];
        Precedence = (precedence ?? []).Where(Categories.ContainsKey).Distinct().ToList();
        OtherCues = (otherCues ?? []).Select(TextNormalizer.Fold).Where(k => k.Length > 0).Distinct().ToList();
    }

    /// <summary>
    /// Phrases of a complaint that names no aspect of any category: a boycott, shame on a company, "won't go back" about a
    /// place (the rubric's <c>other</c>). They only weak-label texts no category term matches (decision 175).
    /// </summary>
    public IReadOnlyList<string> OtherCues { get; }

    /// <summary>Categories that win whenever one of their keywords matches, first listed first.</summary>
    public IReadOnlyList<string> Precedence { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Categories { get; }

    /// <summary>The model's classes in order: the configured categories, then "other".</summary>
    public IReadOnlyList<string> Classes { get; }

    public static TopicRules Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        if (!document.RootElement.TryGetProperty("categories", out var categories) || categories.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"'{path}' has no \"categories\" object mapping each category to its keywords.");
        }

        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var category in categories.EnumerateObject())
        {
            result[category.Name] = category.Value.EnumerateArray().Select(k => k.GetString() ?? "").ToList();
        }

        var precedence = document.RootElement.TryGetProperty("precedence", out var first) && first.ValueKind == JsonValueKind.Array
            ? first.EnumerateArray().Select(p => p.GetString() ?? "").ToList()
            : [];
        var otherCues = document.RootElement.TryGetProperty("otherCues", out var cues) && cues.ValueKind == JsonValueKind.Array
            ? cues.EnumerateArray().Select(p => p.GetString() ?? "").ToList()
            : [];
        return new TopicRules(result, precedence, otherCues);
    }

    /// <summary>The rule's label, or null when two categories tie.</summary>
    public string? Label(string text) => LabelNormalized(TextNormalizer.Fold(text));

    /// <summary>As <see cref="Label"/>, for text already passed through <see cref="TextNormalizer.Fold"/>.</summary>
    public string? LabelNormalized(string normalized)
    {
        foreach (var category in Precedence)
        {
            foreach (var keyword in Categories[category])
            {
                if (Matches(normalized, keyword))
                {
                    return category;
                }
            }
        }

        string? best = null;
        var bestHits = 0;
        var tie = false;
        foreach (var (category, keywords) in Categories)
        {
            var hits = 0;
            foreach (var keyword in keywords)
            {
                if (Matches(normalized, keyword))
                {
                    hits++;
                }
            }

            if (hits > bestHits)
            {
                (best, bestHits, tie) = (category, hits, false);
            }
            else if (hits == bestHits && hits > 0)
            {
                tie = true;
            }
        }

        return bestHits == 0 ? ComplaintTopics.Other : tie ? null : best;
    }

    // Latin keywords match whole words (so "late" is not found in "plate"); Chinese ones as substrings.
    private static bool Matches(string text, string keyword)
    {
        var start = 0;
        while ((start = text.IndexOf(keyword, start, StringComparison.Ordinal)) >= 0)
        {
            var end = start + keyword.Length;
            var latin = char.IsAsciiLetter(keyword[0]);
            if (!latin || ((start == 0 || !char.IsAsciiLetter(text[start - 1])) && (end == text.Length || !char.IsAsciiLetter(text[end]))))
            {
                return true;
            }

            start++;
        }

        return false;
    }
}
