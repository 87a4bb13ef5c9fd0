using System.Globalization;
using System.Text;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Scoring.Training;

/// <summary>One term of the complaint-topic lexicon: its category, weight and where it came from (seed, cooc, glove).</summary>
public sealed record LexiconTerm(string Category, string Term, float Weight, string Source);

/// <summary>
/// The complaint-topic lexicon (models/topic-lexicon.tsv, decision 125): the seed keywords of each category
/// (weight 1) plus the terms <see cref="TopicLexiconBuilder"/> found by co-occurrence over the corpora and
/// by GloVe neighbours the corpora confirm (weights below 1). It labels the corpora for the topic model
/// (<see cref="WeakLabel"/>); the model, not the lexicon, decides the topic when serving.
/// </summary>
public sealed class TopicLexicon
{
    /// <summary>A text whose best category scores below this (a seed is 1) gets no weak label.</summary>
    public const float MinScore = 0.9f;

    /// <summary>The runner-up must score below this share of the best, or the text is ambiguous and not used.</summary>
    public const float MaxRunnerUpShare = 0.7f;

    private readonly TermMatcher _matcher;
    private readonly Dictionary<string, int> _categoryIndex;

    private readonly TermMatcher _otherCues;

    public TopicLexicon(IReadOnlyList<string> categories, IEnumerable<LexiconTerm> terms, IReadOnlyList<string>? precedence = null, IReadOnlyList<string>? otherCues = null)
    {
        Categories = categories.Where(c => c != ComplaintTopics.Other).Distinct().ToList();
        _categoryIndex = Categories.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        Terms = terms.Where(t => _categoryIndex.ContainsKey(t.Category))
            .Select(t => t with { Term = TextNormalizer.Fold(t.Term) })
            .Where(t => t.Term.Length > 0)
            .GroupBy(t => t.Term, StringComparer.Ordinal)
            // A term two categories claim keeps the stronger claim (seeds before expansions).
            .Select(g => g.OrderByDescending(t => t.Weight).ThenBy(t => _categoryIndex[t.Category]).First())
            .OrderBy(t => _categoryIndex[t.Category]).ThenByDescending(t => t.Weight).ThenBy(t => t.Term, StringComparer.Ordinal)
            .ToList();
        Precedence = (precedence ?? []).Where(_categoryIndex.ContainsKey).ToList();
        _matcher = new TermMatcher(Terms.Select(t => t.Term).ToList());
        OtherCues = (otherCues ?? []).Select(TextNormalizer.Fold).Where(t => t.Length > 0).Distinct().ToList();
        _otherCues = new TermMatcher([.. OtherCues]);
    }

    /// <summary>Phrases that label a text no term matches as <see cref="ComplaintTopics.Other"/> (<see cref="TopicRules.OtherCues"/>).</summary>
    public IReadOnlyList<string> OtherCues { get; }

    /// <summary>The categories in model order, without <see cref="ComplaintTopics.Other"/>.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>The model's classes: <see cref="Categories"/>, then other.</summary>
    public IReadOnlyList<string> Classes => [.. Categories, ComplaintTopics.Other];

    public IReadOnlyList<LexiconTerm> Terms { get; }

    public IReadOnlyList<string> Precedence { get; }

    public static TopicLexicon FromRules(TopicRules rules) =>
        new(rules.Classes, rules.Categories.SelectMany(c => c.Value.Select(k => new LexiconTerm(c.Key, k, 1f, "seed"))), rules.Precedence, rules.OtherCues);

    /// <summary>Sum of the weights of the distinct terms found, per category, for folded text.</summary>
    public float[] Scores(string folded)
    {
        var scores = new float[Categories.Count];
        foreach (var id in _matcher.Find(folded))
        {
            var term = Terms[id];
            scores[_categoryIndex[term.Category]] += term.Weight;
        }

        return scores;
    }

    /// <summary>
    /// The weak label of a negative text: a precedence category with a seed-strength score wins; otherwise
    /// the best-scoring category when it is clear (≥ <see cref="MinScore"/>, runner-up below
    /// <see cref="MaxRunnerUpShare"/> of it). <see cref="WeakLabelKind.None"/> when no term matched at all, unless an
    /// other cue (a boycott, "won't go back") does: then <see cref="ComplaintTopics.Other"/>, clearly.
    /// </summary>
    public (string? Label, WeakLabelKind Kind) WeakLabel(string text)
    {
        var folded = TextNormalizer.Fold(text);
        var scores = Scores(folded);
        foreach (var category in Precedence)
        {
            if (scores[_categoryIndex[category]] >= 1f)
            {
                return (category, WeakLabelKind.Clear);
            }
        }

        int best = -1, second = -1;
        for (var c = 0; c < scores.Length; c++)
        {
            if (best < 0 || scores[c] > scores[best])
            {
                (second, best) = (best, c);
            }
            else if (second < 0 || scores[c] > scores[second])
            {
                second = c;
            }
        }

        if (best < 0 || scores[best] <= 0f)
        {
            return OtherCues.Count > 0 && _otherCues.FindFirst(folded) >= 0 ? (ComplaintTopics.Other, WeakLabelKind.Clear) : (null, WeakLabelKind.None);
        }

        if (scores[best] < MinScore || (second >= 0 && scores[second] >= MaxRunnerUpShare * scores[best]))
        {
            return (null, WeakLabelKind.Unclear);
        }

        return (Categories[best], WeakLabelKind.Clear);
    }

    /// <summary>Writes the lexicon as TSV: a header naming the categories and precedence, then category, term, weight, source.</summary>
    public void Save(string path)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# complaint-topic lexicon (decision 125): seeds from topic-keywords.json (weight 1), co-occurrence (cooc) and GloVe (glove) expansions; built by `train --topics`.");
        sb.AppendLine("# categories\t" + string.Join('\t', Categories));
        sb.AppendLine("# precedence\t" + string.Join('\t', Precedence));
        if (OtherCues.Count > 0)
        {
            sb.AppendLine("# other-cues\t" + string.Join('\t', OtherCues));
        }

        foreach (var t in Terms)
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{t.Category}\t{t.Term}\t{t.Weight:0.###}\t{t.Source}"));
        }

        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
    }

    public static TopicLexicon Load(string path)
    {
        List<string> categories = [], precedence = [], otherCues = [];
        var terms = new List<LexiconTerm>();
        foreach (var line in File.ReadLines(path))
        {
            var p = line.Split('\t');
            if (line.StartsWith("# categories", StringComparison.Ordinal))
            {
                categories = [.. p.Skip(1).Where(x => x.Length > 0)];
            }
            else if (line.StartsWith("# precedence", StringComparison.Ordinal))
            {
                precedence = [.. p.Skip(1).Where(x => x.Length > 0)];
            }
            else if (line.StartsWith("# other-cues", StringComparison.Ordinal))
            {
                otherCues = [.. p.Skip(1).Where(x => x.Length > 0)];
            }
            else if (line.Length > 0 && line[0] != '#' && p.Length == 4)
            {
                terms.Add(new LexiconTerm(p[0], p[1], float.Parse(p[2], CultureInfo.InvariantCulture), p[3]));
            }
        }

        if (categories.Count == 0)
        {
            throw new InvalidDataException($"'{path}' has no '# categories' line; rebuild it with `train --topics`.");
        }

        return new TopicLexicon(categories, terms, precedence, otherCues);
    }
}

public enum WeakLabelKind
{
    /// <summary>No lexicon term matched.</summary>
    None,

    /// <summary>Terms matched but no category clearly won.</summary>
    Unclear,

    /// <summary>One category clearly won.</summary>
    Clear,
}

/// <summary>
/// Finds which of many terms occur in folded text in one pass: candidates are indexed by first character;
/// Latin terms match whole words only (so "late" is not found in "plate"), Chinese ones anywhere.
/// </summary>
public sealed class TermMatcher
{
    private readonly Dictionary<char, (string Term, int Id)[]> _byFirst;

    public TermMatcher(IReadOnlyList<string> terms)
    {
        _byFirst = terms.Select((t, i) => (Term: t, Id: i)).Where(t => t.Term.Length > 0)
            .GroupBy(t => t.Term[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Term.Length).ToArray());
    }

    /// <summary>The id of the first term found (scanning from the start), or -1; allocation-free for the serving path.</summary>
    public int FindFirst(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!_byFirst.TryGetValue(text[i], out var candidates))
            {
                continue;
            }

            var wordStart = i == 0 || !char.IsAsciiLetter(text[i - 1]);
            foreach (var (term, id) in candidates)
            {
                var end = i + term.Length;
                if (text.AsSpan(i).StartsWith(term, StringComparison.Ordinal)
                    && (!char.IsAsciiLetter(term[0]) || (wordStart && (end == text.Length || !char.IsAsciiLetter(text[end])))))
                {
                    return id;
                }
            }
        }

        return -1;
    }

    /// <summary>The ids (positions in the constructor's list) of the distinct terms found.</summary>
    public List<int> Find(string text)
    {
        var found = new List<int>();
        Find(text, found);
        return found;
    }

    /// <summary>As <see cref="Find(string)"/>, adding to <paramref name="found"/> (a reused list keeps the serving path free of allocations).</summary>
    public void Find(string text, List<int> found)
    {
        var start = found.Count;
        for (var i = 0; i < text.Length; i++)
        {
            if (!_byFirst.TryGetValue(text[i], out var candidates))
            {
                continue;
            }

            var wordStart = i == 0 || !char.IsAsciiLetter(text[i - 1]);
            foreach (var (term, id) in candidates)
            {
                if (!text.AsSpan(i).StartsWith(term, StringComparison.Ordinal))
                {
                    continue;
                }

                var latin = char.IsAsciiLetter(term[0]);
                var end = i + term.Length;
                if (latin && (!wordStart || (end < text.Length && char.IsAsciiLetter(text[end]))))
                {
                    continue;
                }

                if (found.IndexOf(id, start) < 0)
                {
                    found.Add(id);
                }
            }
        }
    }
}
