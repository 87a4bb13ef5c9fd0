using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Scoring.Featurization;

/// <summary>What <see cref="PolarityRules"/> reads in a text.</summary>
/// <param name="English">VADER compound score (-1..1) of the Latin-script words, emoji and emoticons; 0 when none carries polarity.</param>
/// <param name="Chinese">The same compound score over the Chinese runs.</param>
/// <param name="Question">The text asks something (? or ？, or a Chinese question particle 吗 / 呢).</param>
public readonly record struct PolarityScore(float English, float Chinese, bool Question)
{
    /// <summary>No lexicon evidence either way: below this, a compound score is treated as none.</summary>
    public const float EvidenceThreshold = 0.25f;

    /// <summary>A question that carries no lexicon evidence: in review data mostly a complaint, on social media mostly a plain question.</summary>
    public bool PlainQuestion => Question && MathF.Abs(English) < EvidenceThreshold && MathF.Abs(Chinese) < EvidenceThreshold;
}

/// <summary>
/// Rule-based polarity in the manner of VADER (Hutto &amp; Gilbert, ICWSM 2014) over the shipped
/// lexicon: negation scope, "but" shifting weight to the second clause, boosters and dampeners,
/// ALL-CAPS emphasis, ! and ?, emoji and emoticons, a few idioms. Chinese gets the same treatment
/// with its own negators (不/没/别/无/未 …), degree adverbs (很/太/非常/特别 …) and contrast words
/// (但是/不过/可是 …). A dense, domain-independent signal: it knows nothing about the training data.
/// </summary>
public sealed class PolarityRules(SentimentLexicon lexicon)
{
    // Constants from the VADER reference implementation (vaderSentiment.py).
    private const float BoosterIncrement = 0.293f;
    private const float CapsIncrement = 0.733f;
    private const float NegationScalar = -0.74f;
    private const float Alpha = 15f;
    private const float LexiconToValence = 4f; // lexicon polarities are VADER means / 4

    private static readonly Dictionary<string, float> EnglishBoosters = new(StringComparer.Ordinal)
    {
        ["absolutely"] = 1, ["amazingly"] = 1, ["awfully"] = 1, ["completely"] = 1, ["considerably"] = 1, ["decidedly"] = 1,
        ["deeply"] = 1, ["enormously"] = 1, ["entirely"] = 1, ["especially"] = 1, ["exceptionally"] = 1, ["extremely"] = 1,
        ["fabulously"] = 1, ["flipping"] = 1, ["fricking"] = 1, ["frickin"] = 1, ["fucking"] = 1, ["fully"] = 1, ["greatly"] = 1,
        ["hella"] = 1, ["highly"] = 1, ["hugely"] = 1, ["incredibly"] = 1, ["intensely"] = 1, ["majorly"] = 1, ["more"] = 1,
        ["most"] = 1, ["particularly"] = 1, ["purely"] = 1, ["quite"] = 1, ["really"] = 1, ["remarkably"] = 1, ["so"] = 1,
        ["substantially"] = 1, ["thoroughly"] = 1, ["totally"] = 1, ["tremendously"] = 1, ["uber"] = 1, ["unbelievably"] = 1,
        ["unusually"] = 1, ["utterly"] = 1, ["very"] = 1, ["sooo"] = 1, ["soooo"] = 1, ["super"] = 1, ["truly"] = 1,
        ["almost"] = -1, ["barely"] = -1, ["hardly"] = -1, ["kinda"] = -1, ["less"] = -1, ["little"] = -1, ["marginally"] = -1,
        ["occasionally"] = -1, ["partly"] = -1, ["scarcely"] = -1, ["slightly"] = -1, ["somewhat"] = -1, ["sorta"] = -1,
    };

    private static readonly HashSet<string> EnglishNegators = new(StringComparer.Ordinal)
    {
        "not", "no", "never", "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "wont",
        "wouldnt", "couldnt", "shouldnt", "nothing", "nobody", "nowhere", "neither", "nor", "without", "aint", "havent",
        "hasnt", "hadnt", "darent", "neednt", "mightnt", "mustnt", "nope", "uh-uh", "rarely", "seldom", "despite",
    };

    // Multi-word expressions whose polarity is not the sum of their words (VADER's special cases,
    // plus negated comparatives and fixed complaints English social posts use). Apostrophes are
    // dropped before matching, as in the featurizer.
    private static readonly (string[] Words, float Valence, bool HasNegator)[] EnglishIdioms = WithNegators(
    [
        (["the", "shit"], 3f), (["the", "bomb"], 3f), (["bad", "ass"], 1.5f), (["yeah", "right"], -2f),
        (["kiss", "of", "death"], -1.5f), (["to", "die", "for"], 3f), (["broken", "heart"], -2.9f),
        (["couldnt", "be", "happier"], 3f), (["could", "not", "be", "happier"], 3f), (["couldnt", "be", "better"], 3f),
        (["could", "not", "be", "better"], 3f), (["cant", "complain"], 1.5f), (["cannot", "complain"], 1.5f),
        (["no", "complaints"], 1.5f), (["cant", "wait"], 1.5f), (["second", "to", "none"], 2.5f), (["cant", "beat"], 2f),
        (["waste", "of", "time"], -2.5f), (["waste", "of", "money"], -2.5f), (["rip", "off"], -2.5f),
        (["fell", "apart"], -2f), (["stopped", "working"], -2f), (["doesnt", "work"], -2f), (["dont", "work"], -2f),
        (["didnt", "work"], -2f), (["not", "working"], -2f), (["worth", "every", "penny"], 3f),
    ]);

    private static readonly string[] ChineseNegators = ["再也不", "一点也不", "一点都不", "从来不", "从来没", "不是", "没有", "从不", "从没", "并不", "并没", "毫无", "绝不", "不", "没", "别", "无", "未", "莫", "勿"];

    // Words that start with a negating character but do not negate (非常 = very, 不过 = but).
    private static readonly string[] ChineseNonNegations = ["不过", "不少", "不断", "不久", "不仅", "不管", "不禁", "不得不", "不愧", "不一样", "无论", "未来", "别人", "别的", "没想到", "无限", "莫名"];

    private static readonly (string Word, float Scalar)[] ChineseDegrees =
    [
        ("非常", 1), ("特别", 1), ("超级", 1), ("十分", 1), ("极其", 1), ("相当", 1), ("格外", 1), ("太", 1), ("很", 1),
        ("超", 1), ("真", 1), ("最", 1), ("更", 1), ("挺", 1), ("巨", 1), ("贼", 1), ("好", 0.5f),
        ("有点", -1), ("有些", -1), ("稍微", -1), ("略", -1), ("比较", -0.5f),
    ];

    private static readonly string[] ChineseContrasts = ["但是", "不过", "可是", "然而", "只是", "但", "却"];

    private static readonly (string Text, float Valence)[] ChineseIdioms = [("没毛病", 2f), ("没得挑", 2.5f), ("无可挑剔", 2.5f), ("没话说", 2f)];

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> NegatorLookup = EnglishNegators.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly Dictionary<string, float>.AlternateLookup<ReadOnlySpan<char>> BoosterLookup = EnglishBoosters.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly bool[] ChineseFirstChars = FirstCharsOf(ChineseContrasts, ChineseNegators, ChineseDegrees.Select(d => d.Word), ChineseIdioms.Select(i => i.Text));

    [ThreadStatic]
    private static Scratch? t_scratch;

    public static PolarityRules Shipped { get; } = new(SentimentLexicon.Shipped);

    /// <summary>Scores text as written (case matters: ALL-CAPS words are emphasis).</summary>
    public PolarityScore Score(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return default;
        }

        var scratch = t_scratch ??= new Scratch();
        scratch.Clear();
        var words = scratch.Words;
        var chinese = scratch.Chinese;
        int exclamations = 0, questions = 0, upper = 0, lower = 0;
        var question = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if ((i == 0 || char.IsWhiteSpace(text[i - 1])) && TryEmoticon(text, ref i, scratch))
            {
                continue;
            }

            if (TextNormalizer.IsCjk(c))
            {
                var end = TextNormalizer.CjkRunEnd(text, i);

                ChineseRun(text.AsSpan(i, end - i), chinese, ref question);
                i = end;
            }
            else if (char.IsLetterOrDigit(c))
            {
                var end = i;
                while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] is '\'' or '\u2019') && !TextNormalizer.IsCjk(text[end]))
                {
                    end++;
                }

                var word = text.AsSpan(i, end - i);
                foreach (var ch in word)
                {
                    upper += char.IsUpper(ch) ? 1 : 0;
                    lower += char.IsLower(ch) ? 1 : 0;
                }

                words.Add(MakeWord(word, scratch));
                i = end;
            }
            else if (char.IsSurrogate(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.OtherSymbol)
            {
                var length = char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1;
                var valence = lexicon.TryGet(text.AsSpan(i, length), out var p) ? p * LexiconToValence : 0;
                words.Add(scratch.Symbol(text.AsSpan(i, length), valence));
                i += length;
            }
            else
            {
                switch (c)
                {
                    case '!' or '\uFF01':
                        exclamations++;
                        break;
                    case '?' or '\uFF1F':
                        questions++;
                        question = true;
                        break;
                }

                i++;
            }
        }

        // ALL-CAPS only counts as emphasis when the rest of the text is not shouting too.
        var mixedCase = upper > 0 && lower > 0;
        var english = Compound(EnglishSum(scratch, mixedCase), exclamations, questions);
        var chineseScore = Compound(ChineseSum(chinese), exclamations, questions);
        return new PolarityScore(english, chineseScore, question);
    }

    private Word MakeWord(ReadOnlySpan<char> raw, Scratch scratch)
    {
        var start = scratch.Reserve(Math.Min(raw.Length, 64));
        var folded = scratch.Folded.AsSpan(start, Math.Min(raw.Length, 64));
        var length = 0;
        var allCaps = raw.Length >= 2;
        foreach (var ch in raw)
        {
            if (ch is '\'' or '\u2019' || length == folded.Length)
            {
                continue;
            }

            allCaps &= !char.IsLetter(ch) || char.IsUpper(ch);
            folded[length++] = char.ToLowerInvariant(ch);
        }

        var token = folded[..length];
        // Single letters carry no polarity: the emoji ranking's circled letters (ⓘ, ⓐ …) fold to them.
        var valence = token.Length > 1 && lexicon.TryGet(token, out var p) ? p * LexiconToValence : 0;
        return Scratch.Describe(token, start, valence, allCaps && raw.ContainsAnyInRange('A', 'Z'), symbol: false);
    }

    private bool TryEmoticon(string text, ref int i, Scratch scratch)
    {
        var end = text.IndexOf(' ', i);
        if (end < 0)
        {
            end = text.Length;
        }

        var chunk = text.AsSpan(i, end - i);
        if (chunk.Length is >= 2 and <= 5 && !char.IsLetter(chunk[0]) && chunk[0] < 0x2000 && lexicon.TryGet(chunk, out var polarity))
        {
            scratch.Words.Add(scratch.Symbol(chunk, polarity * LexiconToValence));
            i = end;
            return true;
        }

        return false;
    }

    private static float EnglishSum(Scratch scratch, bool mixedCase)
    {
        var words = scratch.Words;
        if (words.Count == 0)
        {
            return 0;
        }

        var valences = scratch.Valences(words.Count);
        for (var k = 0; k < words.Count; k++)
        {
            var word = words[k];
            var valence = word.Valence;
            if (valence == 0 || word.Booster != 0)
            {
                continue;
            }

            if (word.AllCaps && mixedCase)
            {
                valence += MathF.Sign(valence) * CapsIncrement;
            }

            for (var back = 1; back <= 3 && k - back >= 0; back++)
            {
                var previous = words[k - back];
                if (previous.Symbol)
                {
                    break;
                }

                if (previous.Booster != 0)
                {
                    var direction = previous.Booster;
                    var scalar = direction * BoosterIncrement * (back == 1 ? 1f : back == 2 ? 0.95f : 0.9f);
                    if (previous.AllCaps && mixedCase)
                    {
                        scalar += direction * CapsIncrement;
                    }

                    valence += MathF.Sign(valence) * scalar;
                }

                if (previous.Negator)
                {
                    valence *= NegationScalar;
                }
            }

            valences[k] = valence;
        }

        ApplyIdioms(scratch, valences);

        // "but" moves the weight to the second clause: half before, one and a half after.
        var but = words.FindIndex(w => w.But);
        var sum = 0.0;
        for (var k = 0; k < words.Count; k++)
        {
            sum += but < 0 ? valences[k] : valences[k] * (k < but ? 0.5f : k > but ? 1.5f : 1f);
        }

        return (float)sum;
    }

    private static void ApplyIdioms(Scratch scratch, float[] valences)
    {
        var words = scratch.Words;
        foreach (var (idiom, valence, hasNegator) in EnglishIdioms)
        {
            for (var start = 0; start + idiom.Length <= words.Count; start++)
            {
                var match = true;
                for (var j = 0; j < idiom.Length && match; j++)
                {
                    match = scratch.Text(words[start + j]).SequenceEqual(idiom[j]);
                }

                if (!match)
                {
                    continue;
                }

                for (var j = 0; j < idiom.Length; j++)
                {
                    valences[start + j] = 0;
                }

                // Words after an idiom with a negator in it ("can't complain, fast delivery") keep their own polarity.
                if (hasNegator)
                {
                    for (var j = start + idiom.Length; j < Math.Min(words.Count, start + idiom.Length + 3); j++)
                    {
                        valences[j] = words[j].Valence;
                    }
                }

                valences[start + idiom.Length - 1] = valence;
            }
        }
    }

    // Terms' valences in order; NaN marks a contrast word (但是, 不过 ...).
    private void ChineseRun(ReadOnlySpan<char> run, List<float> terms, ref bool question)
    {
        var firstChars = ChineseFirstChars;
        var negatedUntil = -1;
        var negations = 0;
        var degree = 0f;
        var degreeUntil = -1;
        var p = 0;
        while (p < run.Length)
        {
            var rest = run[p..];
            if (!firstChars[run[p]])
            {
                // No rule word starts with this character: only a lexicon term can.
                var plain = LongestLexiconMatch(rest, out var plainPolarity);
                if (plain > 0)
                {
                    AddChineseTerm(terms, plainPolarity, p, degreeUntil, degree, negatedUntil, negations);
                    p += plain;
                    negatedUntil = -1;
                    negations = 0;
                }
                else
                {
                    p++;
                }

                continue;
            }

            if (StartsWithAny(rest, ChineseContrasts, out var contrast))
            {
                terms.Add(float.NaN);
                p += contrast;
                negatedUntil = -1;
                continue;
            }

            if (TryIdiom(rest, out var idiomLength, out var idiomValence))
            {
                terms.Add(idiomValence);
                p += idiomLength;
                continue;
            }

            var matched = LongestLexiconMatch(rest, out var polarity);
            if (matched > 0)
            {
                AddChineseTerm(terms, polarity, p, degreeUntil, degree, negatedUntil, negations);
                p += matched;
                negatedUntil = -1;
                negations = 0;
                continue;
            }

            if (!StartsWithAny(rest, ChineseNonNegations, out _) && StartsWithAny(rest, ChineseNegators, out var negator))
            {
                negations = p < negatedUntil ? negations + 1 : 1;
                p += negator;
                negatedUntil = p + 4;
                continue;
            }

            if (TryDegree(rest, out var degreeLength, out var scalar))
            {
                degree = scalar;
                p += degreeLength;
                degreeUntil = p + 2;
                continue;
            }

            if (run[p] is '吗' or '呢' && (p == run.Length - 1 || p + 1 < run.Length && run[p + 1] is '还'))
            {
                question = true;
            }

            p++;
        }
    }

    private static void AddChineseTerm(List<float> terms, float polarity, int p, int degreeUntil, float degree, int negatedUntil, int negations)
    {
        var valence = polarity * LexiconToValence;
        if (p < degreeUntil)
        {
            valence += MathF.Sign(valence) * degree * BoosterIncrement;
        }

        if (p < negatedUntil)
        {
            for (var n = 0; n < negations; n++)
            {
                valence *= NegationScalar;
            }
        }

        terms.Add(valence);
    }

    // The first contrast word splits the text, as VADER does with "but": half before, one and a half after.
    private static float ChineseSum(List<float> terms)
    {
        var contrast = terms.FindIndex(float.IsNaN);
        var sum = 0f;
        for (var k = 0; k < terms.Count; k++)
        {
            if (!float.IsNaN(terms[k]))
            {
                sum += contrast < 0 ? terms[k] : k < contrast ? 0.5f * terms[k] : 1.5f * terms[k];
            }
        }

        return sum;
    }

    private static float Compound(float sum, int exclamations, int questions)
    {
        if (sum == 0)
        {
            return 0;
        }

        var emphasis = Math.Min(exclamations, 4) * 0.292f + (questions > 1 ? (questions <= 3 ? questions * 0.18f : 0.96f) : 0);
        sum += MathF.Sign(sum) * emphasis;
        return sum / MathF.Sqrt((sum * sum) + Alpha);
    }

    private int LongestLexiconMatch(ReadOnlySpan<char> rest, out float polarity)
    {
        var longest = rest.Length >= 2 && lexicon.StartsCjkTerm(rest[..2]) ? Math.Min(rest.Length, lexicon.MaxCjkTermLength) : 1;
        for (var length = longest; length >= 2; length--)
        {
            if (lexicon.TryGet(rest[..length], out polarity))
            {
                return length;
            }
        }

        polarity = 0;
        return 0;
    }

    private static bool StartsWithAny(ReadOnlySpan<char> rest, string[] words, out int length)
    {
        foreach (var word in words)
        {
            if (rest.StartsWith(word, StringComparison.Ordinal))
            {
                length = word.Length;
                return true;
            }
        }

        length = 0;
        return false;
    }

    private static bool TryDegree(ReadOnlySpan<char> rest, out int length, out float scalar) =>
        TryPrefix(rest, ChineseDegrees, out length, out scalar);

    private static bool TryIdiom(ReadOnlySpan<char> rest, out int length, out float valence) =>
        TryPrefix(rest, ChineseIdioms, out length, out valence);

    /// <summary>The first entry of <paramref name="table"/> that <paramref name="rest"/> starts with: its length and value.</summary>
    private static bool TryPrefix(ReadOnlySpan<char> rest, (string Text, float Value)[] table, out int length, out float value)
    {
        foreach (var (text, v) in table)
        {
            if (rest.StartsWith(text, StringComparison.Ordinal))
            {
                length = text.Length;
                value = v;
                return true;
            }
        }

        length = 0;
        value = 0;
        return false;
    }

    private static (string[] Words, float Valence, bool HasNegator)[] WithNegators((string[] Words, float Valence)[] idioms) =>
        idioms.Select(i => (i.Words, i.Valence, i.Words.Any(EnglishNegators.Contains))).ToArray();

    private static bool[] FirstCharsOf(params IEnumerable<string>[] lists)
    {
        var first = new bool[char.MaxValue + 1];
        foreach (var word in lists.SelectMany(l => l))
        {
            first[word[0]] = true;
        }

        first['吗'] = first['呢'] = true;
        return first;
    }

    /// <summary>A word, emoji or emoticon: where its folded text sits in <see cref="Scratch.Folded"/>, and what the rules need to know about it.</summary>
    private readonly record struct Word(int Start, int Length, float Valence, bool AllCaps, bool Symbol, float Booster, bool Negator, bool But);

    /// <summary>Per-thread buffers, so scoring a mention allocates nothing in the steady state.</summary>
    private sealed class Scratch
    {
        private float[] _valences = new float[64];
        private int _used;

        public List<Word> Words { get; } = new(64);

        public List<float> Chinese { get; } = new(32);

        public char[] Folded { get; private set; } = new char[1024];

        public void Clear()
        {
            Words.Clear();
            Chinese.Clear();
            _used = 0;
        }

        public int Reserve(int length)
        {
            if (_used + length > Folded.Length)
            {
                var bigger = new char[Math.Max(Folded.Length * 2, _used + length)];
                Folded.AsSpan(0, _used).CopyTo(bigger);
                Folded = bigger;
            }

            var start = _used;
            _used += length;
            return start;
        }

        public ReadOnlySpan<char> Text(Word word) => Folded.AsSpan(word.Start, word.Length);

        public Word Symbol(ReadOnlySpan<char> text, float valence)
        {
            var start = Reserve(text.Length);
            text.CopyTo(Folded.AsSpan(start));
            return Describe(text, start, valence, allCaps: false, symbol: true);
        }

        public static Word Describe(ReadOnlySpan<char> token, int start, float valence, bool allCaps, bool symbol) =>
            new(start, token.Length, valence, allCaps, symbol, BoosterLookup.TryGetValue(token, out var direction) ? direction : 0,
                NegatorLookup.Contains(token), token.SequenceEqual("but"));

        public float[] Valences(int count)
        {
            if (_valences.Length < count)
            {
                _valences = new float[count * 2];
            }

            Array.Clear(_valences, 0, count);
            return _valences;
        }
    }
}
