using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Scoring.Featurization;

/// <summary>What <see cref="ComplaintCues.Score"/> found: summed strength of the English and of the Chinese complaint cues, and of those a negator cancelled.</summary>
public readonly record struct ComplaintCueScore(float English, float Chinese, float Negated, int Cues)
{
    public float Strength => English + Chinese;
}

/// <summary>
/// Service-complaint events that signal a bad experience without any sentiment word ("still waiting",
/// "charged twice", 打不通, 还没到): the hand-written list in Lexicon/complaint-cues.tsv. English cues
/// are word sequences matched on folded words (apostrophes dropped), Chinese cues are character strings
/// matched longest first. A cue inside a negator's scope ("not delayed at all", 没有延误) counts as
/// negated; a cue that starts with a negator ("never arrived", 没收到) is matched before the negator is.
/// Stateless and thread-safe.
/// </summary>
public sealed class ComplaintCues
{
    private const int EnglishScope = 3;
    private const int ChineseScope = 4;
    private const int MaxWords = 512;

    private static readonly HashSet<string> EnglishNegators = new(StringComparer.Ordinal)
    {
        "not", "no", "never", "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent",
        "wont", "wouldnt", "couldnt", "shouldnt", "hardly", "barely", "nothing", "nobody", "without", "aint",
        "havent", "hasnt", "hadnt", "neither", "nor",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> EnglishNegatorLookup =
        EnglishNegators.GetAlternateLookup<ReadOnlySpan<char>>();

    [ThreadStatic]
    private static char[]? t_folded;

    [ThreadStatic]
    private static (int Start, int Length, int Clause)[]? t_words;

    // English: first word -> the cues starting with it (rest of the words), longest first.
    private readonly Dictionary<string, (string[] Tail, float Strength)[]> _english;
    private readonly Dictionary<string, (string[] Tail, float Strength)[]>.AlternateLookup<ReadOnlySpan<char>> _englishLookup;
    private readonly Dictionary<string, float> _chinese;
    private readonly Dictionary<string, float>.AlternateLookup<ReadOnlySpan<char>> _chineseLookup;
    private readonly HashSet<char> _chineseFirst;
    private readonly int _maxChinese;

    public ComplaintCues(IEnumerable<KeyValuePair<string, float>> cues)
    {
        var english = new Dictionary<string, List<(string[], float)>>(StringComparer.Ordinal);
        _chinese = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var (raw, strength) in cues)
        {
            var cue = TextNormalizer.Fold(raw);
            if (cue.Length == 0)
            {
                continue;
            }

            if (TextNormalizer.IsCjk(cue[0]))
            {
                _chinese[cue] = strength;
                continue;
            }

            var words = cue.Replace("'", "", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!english.TryGetValue(words[0], out var list))
            {
                english[words[0]] = list = [];
            }

            list.Add((words[1..], strength));
        }

        _english = english.ToDictionary(kv => kv.Key, kv => kv.Value.OrderByDescending(c => c.Item1.Length).ToArray(), StringComparer.Ordinal);
        _englishLookup = _english.GetAlternateLookup<ReadOnlySpan<char>>();
        _chineseLookup = _chinese.GetAlternateLookup<ReadOnlySpan<char>>();
        _chineseFirst = _chinese.Keys.Select(k => k[0]).ToHashSet();
        _maxChinese = _chinese.Keys.Select(k => k.Length).DefaultIfEmpty(1).Max();
        Count = _english.Values.Sum(v => v.Length) + _chinese.Count;
    }

    /// <summary>The hand-written list shipped as Lexicon/complaint-cues.tsv.</summary>
    public static ComplaintCues Shipped { get; } = new(SentimentLexicon.ReadResource("complaint-cues.tsv"));

    public int Count { get; }

    /// <summary>Scores text already passed through <see cref="TextNormalizer.Normalize"/> or <see cref="TextNormalizer.Fold"/> (the cues are folded).</summary>
    public ComplaintCueScore Score(ReadOnlySpan<char> normalized)
    {
        var folded = t_folded ??= new char[1024];
        // A per-thread buffer, not stackalloc: zeroing 6 KB of stack per text was 5 % of the service's CPU.
        // Only words[..count] is ever read, so what an earlier text left there does not matter.
        Span<(int Start, int Length, int Clause)> words = t_words ??= new (int, int, int)[MaxWords];
        var count = 0;
        var used = 0;
        var clause = 0;
        float english = 0, chinese = 0, negated = 0;
        var cues = 0;
        var i = 0;
        while (i < normalized.Length)
        {
            var c = normalized[i];
            if (TextNormalizer.IsCjk(c))
            {
                var end = TextNormalizer.CjkRunEnd(normalized, i);

                Chinese(normalized[i..end], ref chinese, ref negated, ref cues);
                clause++;
                i = end;
            }
            else if (char.IsLetterOrDigit(c))
            {
                var end = i;
                while (end < normalized.Length && (char.IsLetterOrDigit(normalized[end]) || normalized[end] is '\'' or '\u2019') && !TextNormalizer.IsCjk(normalized[end]))
                {
                    end++;
                }

                if (count < MaxWords)
                {
                    if (used + (end - i) > folded.Length)
                    {
                        Array.Resize(ref folded, Math.Max(folded.Length * 2, used + end - i));
                        t_folded = folded;
                    }

                    var start = used;
                    for (var k = i; k < end; k++)
                    {
                        if (normalized[k] is not ('\'' or '\u2019'))
                        {
                            folded[used++] = normalized[k];
                        }
                    }

                    if (used > start)
                    {
                        words[count++] = (start, used - start, clause);
                    }
                }

                i = end;
            }
            else
            {
                if (c is not (' ' or '\'' or '-' or '#' or '"' or '\u2019'))
                {
                    clause++;
                }

                i++;
            }
        }

        English(folded, words[..count], ref english, ref negated, ref cues);
        return new ComplaintCueScore(english, chinese, negated, cues);
    }

    private void English(ReadOnlySpan<char> folded, ReadOnlySpan<(int Start, int Length, int Clause)> words, ref float strength, ref float negated, ref int cues)
    {
        var scopeEnd = -1;
        var scopeClause = -1;
        var w = 0;
        while (w < words.Length)
        {
            var word = folded.Slice(words[w].Start, words[w].Length);
            var inScope = w < scopeEnd && words[w].Clause == scopeClause;
            if (_englishLookup.TryGetValue(word, out var candidates))
            {
                var matched = -1;
                var matchedStrength = 0f;
                foreach (var (rest, cueStrength) in candidates)
                {
                    if (Matches(folded, words, w + 1, rest))
                    {
                        matched = rest.Length + 1;
                        matchedStrength = cueStrength;
                        break;
                    }
                }

                if (matched > 0)
                {
                    cues++;
                    if (inScope && !EnglishNegatorLookup.Contains(word))
                    {
                        negated += matchedStrength;
                    }
                    else
                    {
                        strength += matchedStrength;
                    }

                    w += matched;
                    continue;
                }
            }

            if (EnglishNegatorLookup.Contains(word))
            {
                scopeEnd = w + 1 + EnglishScope;
                scopeClause = words[w].Clause;
            }

            w++;
        }
    }

    private static bool Matches(ReadOnlySpan<char> folded, ReadOnlySpan<(int Start, int Length, int Clause)> words, int from, string[] rest)
    {
        if (from + rest.Length > words.Length)
        {
            return false;
        }

        for (var k = 0; k < rest.Length; k++)
        {
            var word = words[from + k];
            if (word.Clause != words[from - 1].Clause || !folded.Slice(word.Start, word.Length).SequenceEqual(rest[k]))
            {
                return false;
            }
        }

        return true;
    }

    private void Chinese(ReadOnlySpan<char> run, ref float strength, ref float negated, ref int cues)
    {
        var scopeEnd = -1;
        var p = 0;
        while (p < run.Length)
        {
            if (_chineseFirst.Contains(run[p]))
            {
                var longest = Math.Min(run.Length - p, _maxChinese);
                var found = false;
                for (var length = longest; length >= 2; length--)
                {
                    if (_chineseLookup.TryGetValue(run.Slice(p, length), out var cueStrength))
                    {
                        cues++;
                        if (p < scopeEnd && TextFeaturizer.ChineseNegatorLength(run[p..]) == 0)
                        {
                            negated += cueStrength;
                        }
                        else
                        {
                            strength += cueStrength;
                        }

                        p += length;
                        found = true;
                        break;
                    }
                }

                if (found)
                {
                    continue;
                }
            }

            var negator = TextFeaturizer.ChineseNegatorLength(run[p..]);
            if (negator > 0)
            {
                p += negator;
                scopeEnd = p + ChineseScope;
                continue;
            }

            p++;
        }
    }
}
