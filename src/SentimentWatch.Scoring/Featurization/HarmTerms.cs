using System.Reflection;

namespace SentimentWatch.Scoring.Featurization;

/// <summary>
/// Finds a report of harm (food or product safety, injury, illness, fire, recall) in a post's folded text, from the
/// hand-written Lexicon/harm-terms.tsv (decision 121). A sentiment v2 model moves the probabilities of such a post
/// towards negative by the shifts in its manifest: the training corpora hold few harm reports, so the n-grams alone
/// read "my kid was hospitalized after eating their burger" as neutral news.
/// </summary>
public sealed class HarmTerms
{
    private const int ChineseNegationWindow = 3;

    private static readonly string[] EnglishNegators = ["no", "not", "never", "without", "nobody", "none", "wasn't", "weren't", "didn't", "isn't", "aren't", "n't"];

    private readonly string[] _chinese;
    private readonly string[] _english;

    public HarmTerms(IEnumerable<string> terms)
    {
        var list = terms.Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0 && t[0] != '#').Distinct().ToList();
        _chinese = [.. list.Where(t => t.Any(IsCjk))];
        _english = [.. list.Where(t => !t.Any(IsCjk))];
    }

    /// <summary>The shipped list (Lexicon/harm-terms.tsv).</summary>
    public static HarmTerms Shipped { get; } = new(ReadResource("harm-terms.tsv"));

    public IReadOnlyList<string> Terms => [.. _chinese, .. _english];

    /// <summary>The first harm term the folded text reports (not negated), or null.</summary>
    public string? Find(string folded)
    {
        if (string.IsNullOrEmpty(folded))
        {
            return null;
        }

        var span = folded.AsSpan();
        foreach (var term in _chinese)
        {
            for (var at = span.IndexOf(term, StringComparison.Ordinal); at >= 0;)
            {
                if (!ChineseNegated(span, at))
                {
                    return term;
                }

                var next = span[(at + term.Length)..].IndexOf(term, StringComparison.Ordinal);
                at = next < 0 ? -1 : at + term.Length + next;
            }
        }

        foreach (var term in _english)
        {
            for (var at = span.IndexOf(term, StringComparison.Ordinal); at >= 0;)
            {
                var end = at + term.Length;
                var whole = (at == 0 || !char.IsLetter(span[at - 1])) && (end == span.Length || !char.IsLetter(span[end]));
                if (whole && !EnglishNegated(span[..at]))
                {
                    return term;
                }

                var next = span[end..].IndexOf(term, StringComparison.Ordinal);
                at = next < 0 ? -1 : end + next;
            }
        }

        return null;
    }

    // 没有拉肚子, 不会中毒, 无人受伤, 未起火: a negator just before the term.
    private static bool ChineseNegated(ReadOnlySpan<char> text, int at)
    {
        var from = Math.Max(0, at - ChineseNegationWindow);
        foreach (var c in text[from..at])
        {
            if (c is '没' or '不' or '无' or '未' or '别' or '防')
            {
                return true;
            }
        }

        return false;
    }

    // "no one was injured", "nobody got hurt", "didn't get sick": a negator among the two words before.
    private static bool EnglishNegated(ReadOnlySpan<char> before)
    {
        var words = before.ToString().Split([' ', '\t', '\n', ',', '.', '!', '?'], StringSplitOptions.RemoveEmptyEntries);
        foreach (var word in words.TakeLast(3))
        {
            if (EnglishNegators.Contains(word) || word.EndsWith("n't", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCjk(char c) => c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf';

    private static IEnumerable<string> ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SentimentWatch.Scoring.Lexicon." + name)
            ?? throw new InvalidOperationException($"Embedded lexicon {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n').Select(l => l.Split('\t')[0]).ToList();
    }
}
