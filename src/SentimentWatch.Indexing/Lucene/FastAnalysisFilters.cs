using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// Lucene's <c>LowerCaseFilter</c> with the same output and a fast path (decision 190): a token of
/// ASCII and caseless characters (Han, kana, Hangul: most tokens of a Chinese post are one Han
/// character) is lowered in place without ICU; any other token goes through Lucene's own
/// <see cref="CharacterUtils.ToLower"/>, which the whole token used to.
/// </summary>
internal sealed class FastLowerCaseFilter : TokenFilter
{
    private readonly CharacterUtils _characterUtils;
    private readonly ICharTermAttribute _term;

    public FastLowerCaseFilter(LuceneVersion version, TokenStream input)
        : base(input)
    {
        _characterUtils = CharacterUtils.GetInstance(version);
        _term = AddAttribute<ICharTermAttribute>();
    }

    public override bool IncrementToken()
    {
        if (!m_input.IncrementToken())
        {
            return false;
        }

        var buffer = _term.Buffer;
        var length = _term.Length;
        for (var i = 0; i < length; i++)
        {
            var c = buffer[i];
            if (c < '\u0080')
            {
                continue;
            }

            if (!Caseless(c))
            {
                _characterUtils.ToLower(buffer, 0, length);
                return true;
            }
        }

        for (var i = 0; i < length; i++)
        {
            if (buffer[i] is >= 'A' and <= 'Z')
            {
                buffer[i] = (char)(buffer[i] | 0x20);
            }
        }

        return true;
    }

    /// <summary>Characters without case: CJK ideographs, kana, Hangul, CJK punctuation.</summary>
    private static bool Caseless(char c) =>
        c is >= '\u3000' and <= '\u303F' or >= '\u3040' and <= '\u30FF' or >= '\u3400' and <= '\u4DBF' or >= '\u4E00' and <= '\u9FFF'
            or >= '\uAC00' and <= '\uD7AF' or >= '\uF900' and <= '\uFAFF';
}

/// <summary>
/// Lucene's <c>KeywordRepeatFilter</c> without the copy of every attribute per token (decision 190):
/// each token is emitted first marked as a keyword (the stemmer leaves it alone), then again at
/// the same position unmarked for the stemmer. Between the two nothing downstream changes the
/// token's attributes (the stemmer skips keywords, duplicate removal only reads), so the second
/// emission needs only the position increment and the keyword flag set; the original captured and
/// restored the whole attribute state for every token.
/// </summary>
internal sealed class CheapKeywordRepeatFilter : TokenFilter
{
    private readonly IKeywordAttribute _keyword;
    private readonly IPositionIncrementAttribute _position;
    private bool _repeat;

    public CheapKeywordRepeatFilter(TokenStream input)
        : base(input)
    {
        _keyword = AddAttribute<IKeywordAttribute>();
        _position = AddAttribute<IPositionIncrementAttribute>();
    }

    public override bool IncrementToken()
    {
        if (_repeat)
        {
            _repeat = false;
            _position.PositionIncrement = 0;
            _keyword.IsKeyword = false;
            return true;
        }

        if (!m_input.IncrementToken())
        {
            return false;
        }

        _repeat = true;
        _keyword.IsKeyword = true;
        return true;
    }

    public override void Reset()
    {
        base.Reset();
        _repeat = false;
    }
}

/// <summary>
/// Lucene's <c>RemoveDuplicatesTokenFilter</c> without a new <c>char[]</c> per token (decision 229): a token is dropped when
/// an earlier token at the same position had the same text. Lucene's filter copies every token into a fresh array for its
/// set (3 % of the service's allocations at a million mentions); this one copies into buffers it keeps, and compares with
/// the few tokens of the current position directly (the keyword repeat puts two there).
/// </summary>
internal sealed class ReusingRemoveDuplicatesFilter : TokenFilter
{
    private readonly ICharTermAttribute _term;
    private readonly IPositionIncrementAttribute _position;
    private readonly List<char[]> _seen = [];
    private readonly List<int> _seenLength = [];
    private int _seenCount;

    public ReusingRemoveDuplicatesFilter(TokenStream input)
        : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _position = AddAttribute<IPositionIncrementAttribute>();
    }

    public override bool IncrementToken()
    {
        while (m_input.IncrementToken())
        {
            var term = _term.Buffer.AsSpan(0, _term.Length);
            if (_position.PositionIncrement > 0)
            {
                _seenCount = 0;
            }

            var duplicate = false;
            for (var i = 0; i < _seenCount && !duplicate; i++)
            {
                duplicate = term.SequenceEqual(_seen[i].AsSpan(0, _seenLength[i]));
            }

            if (duplicate)
            {
                continue;
            }

            Remember(term);
            return true;
        }

        return false;
    }

    public override void Reset()
    {
        base.Reset();
        _seenCount = 0;
    }

    private void Remember(ReadOnlySpan<char> term)
    {
        if (_seenCount == _seen.Count)
        {
            _seen.Add(new char[Math.Max(16, term.Length)]);
            _seenLength.Add(0);
        }
        else if (_seen[_seenCount].Length < term.Length)
        {
            _seen[_seenCount] = new char[term.Length * 2];
        }

        term.CopyTo(_seen[_seenCount]);
        _seenLength[_seenCount] = term.Length;
        _seenCount++;
    }
}
