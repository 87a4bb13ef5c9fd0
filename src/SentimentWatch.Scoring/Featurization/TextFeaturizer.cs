using System.Globalization;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Scoring.Featurization;

/// <summary>
/// Turns a mention's text into hashed n-gram features plus dense lexicon features. The same code
/// featurizes training data for ML.NET and live mentions on the serving path, so the two agree
/// by construction. Stateless and thread-safe; callers bring their own <see cref="FeatureVector"/>.
/// </summary>
public sealed class TextFeaturizer(FeaturizerSettings settings, SentimentLexicon lexicon)
{
    // Negation scope: English words after a negator, Chinese characters after one.
    private const int EnglishScope = 3;
    private const int ChineseScope = 4;
    private const float NegatedPolarity = -0.7f;
    private const int MaxBracketEmoticon = 8;

    private static readonly HashSet<string> EnglishNegators = new(StringComparer.Ordinal)
    {
        "not", "no", "never", "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent",
        "wont", "wouldnt", "couldnt", "shouldnt", "hardly", "barely", "nothing", "nobody", "nowhere", "neither",
        "nor", "without", "aint", "havent", "hasnt", "hadnt", "n't",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> EnglishNegatorLookup =
        EnglishNegators.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly HashSet<string> EnglishClauseBreakers = new(StringComparer.Ordinal) { "but", "however", "though", "although" };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> EnglishClauseBreakerLookup =
        EnglishClauseBreakers.GetAlternateLookup<ReadOnlySpan<char>>();

    // Words that start with a negating character but do not negate what follows (非常 = very).
    private static readonly string[] ChineseNonNegations =
    [
        "不过", "不少", "不断", "不久", "不仅", "不管", "不禁", "不得不", "不愧", "不一样", "非常", "无论", "未来", "别人",
        "别的", "没想到", "无限", "莫名",
    ];

    private static readonly string[] ChineseNegationWords = ["再也不", "不是", "没有", "从不", "从没", "并不", "并没", "毫无", "绝不", "从来不", "一点也不", "一点都不"];

    private readonly int _mask = settings.HashedSize - 1;
    private readonly PolarityRules _rules = new(lexicon);

    public FeaturizerSettings Settings => settings;

    public void Featurize(string? text, FeatureVector vector) =>
        FeaturizeNormalized(Prepare(text), vector, text);

    /// <summary>
    /// The text as this featurizer reads it: <see cref="TextNormalizer.Fold"/> (Traditional Chinese folded to Simplified)
    /// when <see cref="FeaturizerSettings.FoldTraditional"/>, else <see cref="TextNormalizer.Normalize"/>.
    /// </summary>
    public string Prepare(string? text) =>
        settings.FoldTraditional ? TextNormalizer.Fold(text ?? string.Empty) : TextNormalizer.Normalize(text ?? string.Empty);

    /// <summary>Featurizes text already passed through <see cref="Prepare"/> (saves a second pass when the caller needs it too).</summary>
    /// <param name="original">The text as written, for the rule features (ALL-CAPS emphasis needs the case); the normalized text when null.</param>
    public void FeaturizeNormalized(string normalized, FeatureVector vector, string? original = null)
    {
        vector.Clear();
        var state = new TextState();
        Scan(normalized, vector, ref state);
        NormalizeHashed(vector);

        var cues = settings.ComplaintCues ? ComplaintCues.Shipped.Score(normalized) : default;
        state.Negative += settings.ComplaintCuesAsNegative * cues.Strength;
        var total = Math.Max(1, state.CjkChars + state.LatinChars);
        var scale = settings.LexiconScale;
        AddDense(vector, 0, scale * MathF.Log(1 + state.Positive));
        AddDense(vector, 1, scale * MathF.Log(1 + state.Negative));
        AddDense(vector, 2, scale * MathF.Tanh(state.Positive - state.Negative));
        AddDense(vector, 3, state.Negators > 0 ? 1 : 0);
        AddDense(vector, 4, state.Exclamations > 0 ? 1 : 0);
        AddDense(vector, 5, state.Questions > 0 ? 1 : 0);
        AddDense(vector, 6, (float)state.CjkChars / total);
        AddDense(vector, 7, (float)state.LatinChars / total);
        if (settings.RuleFeatures)
        {
            // The rules read the text as written (ALL-CAPS emphasis needs the case), folded like the rest when the settings fold.
            var written = original ?? normalized;
            var rules = _rules.Score(settings.FoldTraditional ? ChineseScript.ToSimplified(written) : written);
            AddDense(vector, FeaturizerSettings.RuleEnglishSlot, rules.English);
            AddDense(vector, FeaturizerSettings.RuleChineseSlot, rules.Chinese);
            AddDense(vector, FeaturizerSettings.PlainQuestionSlot, rules.PlainQuestion ? 1 : 0);
        }

        if (settings.ComplaintCues)
        {
            AddDense(vector, settings.ComplaintCueSlot, settings.ComplaintCueScale * MathF.Log(1 + cues.English));
            AddDense(vector, settings.ComplaintCueSlot + 1, settings.ComplaintCueScale * MathF.Log(1 + cues.Chinese));
            AddDense(vector, settings.ComplaintCueSlot + 2, settings.ComplaintCueScale * MathF.Log(1 + cues.Negated));
        }

        if (settings.GloveSlots)
        {
            AddDense(vector, settings.GloveSlot, settings.GloveScale * MathF.Log(1 + state.GlovePositive));
            AddDense(vector, settings.GloveSlot + 1, settings.GloveScale * MathF.Log(1 + state.GloveNegative));
        }
    }

    /// <summary>Featurizes into a fresh dense-index/value pair, for building ML.NET training rows.</summary>
    public (int[] Indices, float[] Values) FeaturizeToArrays(string? text)
    {
        var vector = new FeatureVector();
        Featurize(text, vector);
        return (vector.Indices.ToArray(), vector.Values.ToArray());
    }

    private void AddDense(FeatureVector vector, int slot, float value)
    {
        if (value != 0)
        {
            vector.Add(settings.HashedSize + slot, value);
        }
    }

    private void Scan(string text, FeatureVector vector, ref TextState state)
    {
        var i = 0;
        var chunkStart = true;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == ' ')
            {
                chunkStart = true;
                i++;
                continue;
            }

            if (chunkStart && TryMarker(text, ref i, vector, ref state))
            {
                continue;
            }

            chunkStart = false;
            if (c == '[' && settings.WebLexicon && TryBracketEmoticon(text, ref i, vector, ref state))
            {
                continue;
            }

            if (c == '@')
            {
                i = SkipMention(text, i);
                if (settings.MentionFeature)
                {
                    AddHashed(vector, Hash("<user>", 7));
                }

                state.BreakClause();
            }
            else if (TextNormalizer.IsCjk(c))
            {
                var end = TextNormalizer.CjkRunEnd(text, i);

                ChineseRun(text.AsSpan(i, end - i), vector, ref state);
                i = end;
            }
            else if (char.IsLetterOrDigit(c))
            {
                var end = i;
                while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '\'') && !TextNormalizer.IsCjk(text[end]))
                {
                    end++;
                }

                EnglishWord(text.AsSpan(i, end - i), vector, ref state);
                i = end;
            }
            else if (char.IsSurrogate(c) || char.GetUnicodeCategory(c) is UnicodeCategory.OtherSymbol)
            {
                var length = char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1;
                var symbol = text.AsSpan(i, length);
                AddHashed(vector, Hash(symbol, 11));
                AddPolarity(symbol, negated: false, ref state);
                i += length;
            }
            else
            {
                var end = i;
                while (end < text.Length && text[end] == c)
                {
                    end++;
                }

                Punctuation(c, end - i, vector, ref state);
                i = end;
            }
        }
    }

    // URLs, emoticons and repeated laughs are whole white-space chunks; catching them before the
    // character scan keeps ":(" from being read as two punctuation marks.
    private bool TryMarker(string text, ref int i, FeatureVector vector, ref TextState state)
    {
        var end = text.IndexOf(' ', i);
        if (end < 0)
        {
            end = text.Length;
        }

        var chunk = text.AsSpan(i, end - i);
        if (chunk.StartsWith("http://") || chunk.StartsWith("https://") || chunk.StartsWith("www."))
        {
            var urlEnd = i;
            while (urlEnd < end && !TextNormalizer.IsCjk(text[urlEnd]))
            {
                urlEnd++;
            }

            AddHashed(vector, Hash("<url>", 7));
            state.BreakClause();
            i = urlEnd;
            return true;
        }

        if (chunk.Length is >= 2 and <= 5 && !char.IsLetter(chunk[0]) && chunk[0] < 0x2000 && lexicon.TryGet(chunk, out var polarity))
        {
            AddHashed(vector, Hash(chunk, 13));
            state.Add(polarity);
            i = end;
            return true;
        }

        return false;
    }

    // Weibo-style bracket emoticons ([怒], [赞], [good]) written inside text, as the web lexicon spells them.
    private bool TryBracketEmoticon(string text, ref int i, FeatureVector vector, ref TextState state)
    {
        var close = text.IndexOf(']', i + 1, Math.Min(MaxBracketEmoticon, text.Length - i - 1));
        if (close < 0 || !lexicon.TryGet(text.AsSpan(i, close + 1 - i), out var polarity))
        {
            return false;
        }

        var token = text.AsSpan(i, close + 1 - i);
        AddHashed(vector, Hash(token, 13));
        state.Add(polarity);
        state.BreakClause();
        i = close + 1;
        return true;
    }

    private static int SkipMention(string text, int i)
    {
        i++;
        while (i < text.Length && text[i] is not (' ' or ':' or ',' or '\u3001' or '\u3002'))
        {
            i++;
        }

        return i;
    }

    private void Punctuation(char c, int run, FeatureVector vector, ref TextState state)
    {
        switch (c)
        {
            case '!':
                state.Exclamations++;
                if (run > 1)
                {
                    AddHashed(vector, Hash("<!!>", 17));
                }

                break;
            case '?':
                state.Questions++;
                if (run > 1)
                {
                    AddHashed(vector, Hash("<??>", 17));
                }

                break;
            case '.' or '\u3002' or '\u2026' when run > 2 || c != '.':
                if (run > 1 || c == '\u2026')
                {
                    AddHashed(vector, Hash("<...>", 17));
                }

                break;
        }

        if (c is not ('\'' or '-' or '_' or '#' or '"'))
        {
            state.BreakClause();
        }
    }

    private void EnglishWord(ReadOnlySpan<char> word, FeatureVector vector, ref TextState state)
    {
        state.LatinChars += word.Length;
        Span<char> folded = stackalloc char[Math.Min(word.Length, 64)];
        var length = 0;
        foreach (var ch in word)
        {
            if (ch != '\'' && length < folded.Length)
            {
                folded[length++] = ch;
            }
        }

        var token = folded[..length];
        if (token.IsEmpty)
        {
            return;
        }

        if (EnglishClauseBreakerLookup.Contains(token))
        {
            state.BreakClause();
        }

        var negated = state.EnglishScope > 0;
        var seed = negated ? 23u : 19u;
        var unigram = Hash(token, seed);
        AddHashed(vector, unigram);
        if (settings.WordBigrams && state.PreviousWord != 0)
        {
            AddHashed(vector, Mix(state.PreviousWord, unigram));
        }

        if (settings.LatinCharNgrams && token.Length >= 3)
        {
            Span<char> padded = stackalloc char[token.Length + 2];
            padded[0] = '<';
            token.CopyTo(padded[1..]);
            padded[^1] = '>';
            for (var k = 0; k + 3 <= padded.Length; k++)
            {
                AddHashed(vector, Hash(padded.Slice(k, 3), 29));
            }
        }

        if (token.Length > 1 || !settings.SkipFoldedLetters)
        {
            if (!AddPolarity(token, negated, ref state) && settings.GloveSlots && SentimentLexicon.Glove.TryGet(token, out var glove))
            {
                state.AddGlove(negated ? glove * NegatedPolarity : glove);
            }
        }

        state.PreviousWord = unigram;
        if (state.EnglishScope > 0)
        {
            state.EnglishScope--;
        }

        if (EnglishNegatorLookup.Contains(token) || token.EndsWith("nt") && word.EndsWith("n't"))
        {
            state.Negators++;
            state.EnglishScope = EnglishScope;
        }
    }

    private void ChineseRun(ReadOnlySpan<char> run, FeatureVector vector, ref TextState state)
    {
        state.CjkChars += run.Length;
        state.PreviousWord = 0;
        state.EnglishScope = 0;
        Span<bool> negated = run.Length <= 512 ? stackalloc bool[run.Length] : new bool[run.Length];

        // Lexicon pass: longest match first, so 不错 and 不满意 are read as words, and a bare
        // negator opens a scope over the next few characters.
        var scopeEnd = -1;
        var p = 0;
        while (p < run.Length)
        {
            var inScope = p < scopeEnd;
            negated[p] = inScope;
            var matched = LongestLexiconMatch(run[p..], out var polarity);
            if (matched > 0)
            {
                state.Add(inScope ? polarity * NegatedPolarity : polarity);
                for (var k = p + 1; k < p + matched; k++)
                {
                    negated[k] = inScope;
                }

                p += matched;
                continue;
            }

            var negator = ChineseNegatorLength(run[p..]);
            if (negator > 0)
            {
                state.Negators++;
                for (var k = p + 1; k < p + negator; k++)
                {
                    negated[k] = inScope;
                }

                p += negator;
                scopeEnd = p + ChineseScope;
                continue;
            }

            p++;
        }

        for (var k = 0; k < run.Length; k++)
        {
            var seed = negated[k] ? 41u : 37u;
            if (settings.CjkUnigrams)
            {
                AddHashed(vector, Hash(run.Slice(k, 1), seed));
            }

            if (k + 2 <= run.Length)
            {
                AddHashed(vector, Hash(run.Slice(k, 2), seed + 100));
            }

            if (settings.CjkTrigrams && k + 3 <= run.Length)
            {
                AddHashed(vector, Hash(run.Slice(k, 3), seed + 200));
            }
        }

        if (settings.ChineseWords && run.Length >= 2)
        {
            // jieba.NET's words of the run (decision 208's experiment), negated where their first character is.
            var at = 0;
            foreach (var word in JiebaWords.Cut(run.ToString()))
            {
                if (word.Length >= 2)
                {
                    AddHashed(vector, Hash(word, at < run.Length && negated[at] ? 53u : 47u));
                }

                at += word.Length;
            }
        }
    }

    private int LongestLexiconMatch(ReadOnlySpan<char> rest, out float polarity)
    {
        var longest = rest.Length >= 2 && lexicon.StartsCjkTerm(rest[..2]) ? Math.Min(rest.Length, lexicon.MaxCjkTermLength) : 1;
        for (var length = longest; length >= 1; length--)
        {
            if (lexicon.TryGet(rest[..length], out polarity))
            {
                return length;
            }
        }

        polarity = 0;
        return 0;
    }

    /// <summary>Length of the Chinese negator at the start of <paramref name="rest"/> (再也不, 没有, 不 …), 0 when none.</summary>
    internal static int ChineseNegatorLength(ReadOnlySpan<char> rest)
    {
        foreach (var word in ChineseNonNegations)
        {
            if (rest.StartsWith(word))
            {
                return 0;
            }
        }

        foreach (var word in ChineseNegationWords)
        {
            if (rest.StartsWith(word))
            {
                return word.Length;
            }
        }

        return rest[0] is '不' or '没' or '无' or '别' or '未' or '非' or '莫' or '勿' ? 1 : 0;
    }

    private bool AddPolarity(ReadOnlySpan<char> term, bool negated, ref TextState state)
    {
        if (lexicon.TryGet(term, out var polarity))
        {
            state.Add(negated ? polarity * NegatedPolarity : polarity);
            return true;
        }

        return false;
    }

    private void AddHashed(FeatureVector vector, uint hash) => vector.Add((int)(hash & (uint)_mask), 1f);

    // Presence features scaled to unit length, so a 300-character review and a 20-character
    // post weigh alike: the product is judged on short posts, the training data is long reviews.
    private void NormalizeHashed(FeatureVector vector)
    {
        var indices = vector.IndexBuffer;
        indices.Sort();
        var unique = 0;
        for (var k = 0; k < indices.Length; k++)
        {
            if (unique == 0 || indices[k] != indices[unique - 1])
            {
                indices[unique++] = indices[k];
            }
        }

        vector.Truncate(unique);
        var value = unique == 0 ? 0f : 1f / MathF.Sqrt(unique);
        vector.ValueBuffer.Fill(value);
    }

    private static uint Hash(ReadOnlySpan<char> chars, uint seed)
    {
        var hash = 2166136261u ^ (seed * 16777619u);
        foreach (var ch in chars)
        {
            hash = (hash ^ ch) * 16777619u;
        }

        return Finalize(hash);
    }

    private static uint Mix(uint left, uint right) => Finalize((left * 0x9E3779B1u) ^ right ^ 0x85EBCA6Bu);

    private static uint Finalize(uint hash)
    {
        hash ^= hash >> 16;
        hash *= 0x7FEB352Du;
        hash ^= hash >> 15;
        hash *= 0x846CA68Bu;
        return hash ^ (hash >> 16);
    }

    private struct TextState
    {
        public float Positive;
        public float Negative;
        public float GlovePositive;
        public float GloveNegative;
        public int Negators;
        public int Exclamations;
        public int Questions;
        public int CjkChars;
        public int LatinChars;
        public int EnglishScope;
        public uint PreviousWord;

        public void Add(float polarity)
        {
            if (polarity > 0)
            {
                Positive += polarity;
            }
            else
            {
                Negative -= polarity;
            }
        }

        /// <summary>Evidence from the GloVe list kept apart from the hand-made lists' (<see cref="FeaturizerSettings.GloveSlots"/>).</summary>
        public void AddGlove(float polarity)
        {
            if (polarity > 0)
            {
                GlovePositive += polarity;
            }
            else
            {
                GloveNegative -= polarity;
            }
        }

        public void BreakClause()
        {
            EnglishScope = 0;
            PreviousWord = 0;
        }
    }
}

/// <summary>
/// jieba.NET cuts for decision 208's experiment (never served): a segmenter per thread over jieba's dictionary, which is
/// process-wide and read from the build output's jieba folder. Alerting adds brand and risk terms to that same dictionary
/// (SentimentWatch.Text.ChineseWords.AddWords), so a served model with <see cref="FeaturizerSettings.ChineseWords"/> would cut
/// by the configured watches; the setting is for training experiments only.
/// </summary>
internal static class JiebaWords
{
    private static readonly ThreadLocal<JiebaNet.Segmenter.JiebaSegmenter> Segmenter = new(() =>
    {
        JiebaNet.Segmenter.ConfigManager.ConfigFileBaseDir = Path.Combine(AppContext.BaseDirectory, "jieba");
        return new JiebaNet.Segmenter.JiebaSegmenter();
    });

    public static IEnumerable<string> Cut(string run) => Segmenter.Value!.Cut(run, cutAll: false, hmm: true);
}
