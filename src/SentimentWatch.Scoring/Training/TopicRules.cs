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
        var precedenceList = (precedence ?? []).Where(Categories.ContainsKey).Distinct().ToList();
        Precedence = precedenceList;
        OtherCues = (otherCues ?? []).Select(TextNormalizer.Fold).Where(k => k.Length > 0).Distinct().ToList();
        _categoryNames = [.. Categories.Keys];
        var keywords = Categories.Values.SelectMany((list, c) => list.Select(k => (Keyword: k, Category: c))).ToList();
        _keywords = new TermMatcher(keywords.Select(k => k.Keyword).ToList());
        _keywordCategory = keywords.Select(k => k.Category).ToArray();
        _precedenceRank = _categoryNames.Select(c => precedenceList.IndexOf(c) is >= 0 and var rank ? rank : int.MaxValue).ToArray();
    }

    private readonly string[] _categoryNames;
    private readonly TermMatcher _keywords;
    private readonly int[] _keywordCategory;
    private readonly int[] _precedenceRank;

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
    /// <remarks>
    /// One pass over the text finds every keyword (<see cref="TermMatcher"/>); this runs for most negative mentions on
    /// the serving path, where asking each of ~700 keywords in turn was a third of scoring's time (decision 187).
    /// </remarks>
    public string? LabelNormalized(string normalized)
    {
        var found = t_found ??= [];
        found.Clear();
        _keywords.Find(normalized, found);
        if (found.Count == 0)
        {
            return ComplaintTopics.Other;
        }

        // The first precedence category (in order) with a keyword found wins outright.
        var firstPrecedence = int.MaxValue;
        Span<int> hits = stackalloc int[_categoryNames.Length];
        foreach (var id in found)
        {
            var category = _keywordCategory[id];
            hits[category]++;
            firstPrecedence = Math.Min(firstPrecedence, _precedenceRank[category]);
        }

        if (firstPrecedence != int.MaxValue)
        {
            return Precedence[firstPrecedence];
        }

        string? best = null;
        var bestHits = 0;
        var tie = false;
        for (var c = 0; c < hits.Length; c++)
        {
            if (hits[c] > bestHits)
            {
                (best, bestHits, tie) = (_categoryNames[c], hits[c], false);
            }
            else if (hits[c] == bestHits && hits[c] > 0)
            {
                tie = true;
            }
        }

        return tie ? null : best;
    }

    [ThreadStatic]
    private static List<int>? t_found;
}
