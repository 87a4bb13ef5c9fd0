using System.Text;
using Lucene.Net.Analysis.Core;
using Lucene.Net.QueryParsers.Classic;
using Lucene.Net.Search;
using Lucene.Net.Util;
using SentimentWatch.Core.Watches;

namespace SentimentWatch.Indexing;

/// <summary>
/// Checks a search box query (Lucene's classic syntax, which Elasticsearch's <c>query_string</c>
/// shares) before either engine sees it, so a malformed query is a 400 that says what is wrong
/// and where, never a 500 from deep inside the engine (decision 080). Stray quotes and colons
/// stay forgiven — the engines search such text as words — but a dangling operator, an
/// unbalanced parenthesis, an empty field value, or a query too long to be a search is refused.
/// </summary>
public static class SearchQuerySyntax
{
    public const int MaxLength = WatchQuery.MaxLength;
    public const int MaxTerms = WatchQuery.MaxTerms;

    private const string Specials = "+-!():^[]\"{}~*?\\/";

    /// <summary>
    /// The fields a query may name (<c>source:weibo</c>); any other <c>word:</c> is searched as the word, so a pasted URL
    /// (<c>https://t.cn/x</c>) or <c>reach:abc</c> reads the same in both engines (decision 254: Elasticsearch refused a
    /// query on a numeric or date field with a 500, Lucene answered nothing).
    /// </summary>
    public static readonly IReadOnlySet<string> Fields = new HashSet<string>(StringComparer.Ordinal)
    {
        "text", "source", "author", "topic", "sentiment", "watch", "language", "thread", "id",
    };

    /// <summary>
    /// How the engines read a search box query, in order, until one parses (decision 254):
    /// <list type="number">
    /// <item>as written, except that <c>/</c> is a character, never a regular expression (one pattern such as
    /// <c>/[ab]*a[ab]{24}/</c> builds an automaton of millions of states: a request that takes the service down), and a colon
    /// after a name that is not one of <see cref="Fields"/> is a character;</item>
    /// <item>the same with an unclosed quote taken as a character, so <c>refund -spam "slow</c> still excludes spam;</item>
    /// <item>every operator character escaped: the words alone (before decision 254 the only fallback, which turned a
    /// stray quote's <c>-spam</c> into a required word).</item>
    /// </list>
    /// </summary>
    public static IEnumerable<string> Readings(string query)
    {
        var plain = Normalise(query);
        yield return plain;
        // Balanced first, then normalised: what followed the stray quote was copied as a phrase's text, and must now be read
        // for slashes and colons like the rest (a reviewer's "x /[ab]*a[ab]{24}/ came back as a regular expression).
        var balanced = Normalise(BalanceQuotes(query));
        if (!string.Equals(balanced, plain, StringComparison.Ordinal))
        {
            yield return balanced;
        }

        yield return QueryParserBase.Escape(query);
    }

    /// <summary>
    /// The first of <see cref="Readings"/> that <paramref name="parse"/> accepts, with what it made of it; the last
    /// <see cref="ParseException"/> when none does. The one loop the check and both engines read a query with.
    /// </summary>
    public static (string Reading, T Result) FirstReading<T>(string query, Func<string, T> parse)
    {
        ParseException? failed = null;
        foreach (var reading in Readings(query))
        {
            try
            {
                return (reading, parse(reading));
            }
            catch (ParseException ex)
            {
                failed = ex;
            }
        }

        throw failed!;
    }

    private static string Normalise(string query)
    {
        var result = new StringBuilder(query.Length + 8);
        var word = 0;
        var quoted = false;
        for (var i = 0; i < query.Length; i++)
        {
            var c = query[i];
            if (c == '\\' && i + 1 < query.Length)
            {
                result.Append(c).Append(query[++i]);
                continue;
            }

            if (quoted)
            {
                result.Append(c);
                quoted = c != '"';
                word = result.Length;
                continue;
            }

            switch (c)
            {
                case '"':
                    quoted = true;
                    result.Append(c);
                    break;
                case '/':
                    result.Append("\\/");
                    break;
                case ':' when !Fields.Contains(result.ToString(word, result.Length - word).TrimStart('+', '-', '!')):
                    result.Append("\\:");
                    break;
                default:
                    result.Append(c);
                    if (char.IsWhiteSpace(c) || c is '(' or ')' or ':')
                    {
                        word = result.Length;
                    }

                    break;
            }
        }

        return result.ToString();
    }

    /// <summary>An odd number of unescaped quotes: the last one is a character.</summary>
    private static string BalanceQuotes(string query)
    {
        var last = -1;
        var count = 0;
        for (var i = 0; i < query.Length; i++)
        {
            if (query[i] == '\\')
            {
                i++;
            }
            else if (query[i] == '"')
            {
                count++;
                last = i;
            }
        }

        return count % 2 == 0 ? query : string.Concat(query.AsSpan(0, last), "\\", query.AsSpan(last));
    }

    /// <summary>Null when <paramref name="query"/> can be searched; otherwise what to fix, with the position (1-based).</summary>
    public static string? Check(string? query) => Diagnose(query)?.Message;

    /// <summary>
    /// <see cref="Check"/> with a stable code and the figures in it (<see cref="SearchQueryProblem"/>), for readers that
    /// say it in their own language (the console); the message is the API's English sentence.
    /// </summary>
    public static SearchQueryProblem? Diagnose(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return null;
        }

        if (query.Length > MaxLength)
        {
            return new("query-too-long", $"the query is {query.Length} characters long; at most {MaxLength} are allowed", N(query.Length), N(MaxLength));
        }

        var tokens = Tokenize(query);
        var terms = tokens.Count(t => t.Kind is Kind.Term or Kind.Phrase);
        if (terms > MaxTerms)
        {
            return new("query-too-many-terms", $"the query has {terms} terms; at most {MaxTerms} are allowed", N(terms), N(MaxTerms));
        }

        var open = new Stack<Token>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            Token? previous = i > 0 ? tokens[i - 1] : null;
            Token? next = i + 1 < tokens.Count ? tokens[i + 1] : null;
            switch (token.Kind)
            {
                case Kind.Binary:
                    if (previous is null || !EndsOperand(previous.Value.Kind))
                    {
                        return new("query-operator-needs-term-before", $"'{token.Text}' at position {token.Position + 1} needs a term before it", token.Text, N(token.Position + 1));
                    }

                    if (next is null || !StartsOperand(next.Value.Kind))
                    {
                        return new("query-operator-needs-term-after", $"'{token.Text}' at position {token.Position + 1} needs a term after it", token.Text, N(token.Position + 1));
                    }

                    break;
                case Kind.Not:
                    if (next is null || !StartsOperand(next.Value.Kind))
                    {
                        return new("query-operator-needs-term-after", $"'{token.Text}' at position {token.Position + 1} needs a term after it", token.Text, N(token.Position + 1));
                    }

                    break;
                case Kind.Field:
                    if (next is null || next.Value.Kind is not (Kind.Term or Kind.Phrase or Kind.Open))
                    {
                        return new("query-field-needs-value", $"'{token.Text}' at position {token.Position + 1} needs a value after it, e.g. {token.Text}weibo", token.Text, N(token.Position + 1));
                    }

                    break;
                case Kind.Open:
                    if (open.Count >= WatchQuery.MaxDepth)
                    {
                        return new("query-too-deep", $"parentheses nest deeper than {WatchQuery.MaxDepth} levels at position {token.Position + 1}", N(WatchQuery.MaxDepth), N(token.Position + 1));
                    }

                    if (next is { Kind: Kind.Close } close)
                    {
                        return new("query-empty-parentheses", $"the parentheses at position {token.Position + 1} hold nothing (')' at position {close.Position + 1})", N(token.Position + 1), N(close.Position + 1));
                    }

                    open.Push(token);
                    break;
                case Kind.Close:
                    if (open.Count == 0)
                    {
                        return new("query-unopened-parenthesis", $"')' at position {token.Position + 1} closes no '('", N(token.Position + 1));
                    }

                    open.Pop();
                    break;
            }
        }

        if (open.Count > 0)
        {
            return new("query-unclosed-parenthesis", $"'(' at position {open.Peek().Position + 1} is never closed", N(open.Peek().Position + 1));
        }

        // What the hand check above does not know about the classic grammar, Lucene's own parser
        // finds; the engines try each of Readings in turn, so only a failure of all is an error.
        return LuceneCheck(query);
    }

    private static SearchQueryProblem? LuceneCheck(string query)
    {
        try
        {
            FirstReading(query, reading => Parser().Parse(reading));
            return null;
        }
        catch (ParseException ex)
        {
            return new("query-unreadable", $"the query cannot be read: {FirstLine(ex.Message)}", FirstLine(ex.Message));
        }
        catch (BooleanQuery.TooManyClausesException)
        {
            return new("query-too-many-clauses", $"the query has more than {BooleanQuery.MaxClauseCount} clauses; shorten it", N(BooleanQuery.MaxClauseCount));
        }
    }

    private static string N(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static QueryParser Parser() => new(LuceneVersion.LUCENE_48, "text", new WhitespaceAnalyzer(LuceneVersion.LUCENE_48))
    {
        DefaultOperator = Operator.AND,
        AllowLeadingWildcard = false,
    };

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    private static bool EndsOperand(Kind kind) => kind is Kind.Term or Kind.Phrase or Kind.Close;

    private static bool StartsOperand(Kind kind) => kind is Kind.Term or Kind.Phrase or Kind.Open or Kind.Not or Kind.Field;

    private enum Kind
    {
        Term,
        Phrase,
        Binary,
        Not,
        Field,
        Open,
        Close,
    }

    private readonly record struct Token(Kind Kind, string Text, int Position);

    private static List<Token> Tokenize(string query)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < query.Length)
        {
            var c = query[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '(')
            {
                tokens.Add(new Token(Kind.Open, "(", i++));
            }
            else if (c == ')')
            {
                tokens.Add(new Token(Kind.Close, ")", i++));
            }
            else if (c == '"')
            {
                // An unclosed quote is forgiven (the engines search the words), so it runs to the end.
                var start = i++;
                while (i < query.Length && query[i] != '"')
                {
                    i += query[i] == '\\' ? 2 : 1;
                }

                i = Math.Min(query.Length, i + 1);
                tokens.Add(new Token(Kind.Phrase, query[start..i], start));
            }
            else if (c is '+' or '-' or '!' && i + 1 < query.Length && !char.IsWhiteSpace(query[i + 1]))
            {
                // A prefix operator binds to what follows; '-' and '+' alone are searched as characters.
                tokens.Add(new Token(Kind.Not, c.ToString(), i++));
            }
            else
            {
                var start = i;
                while (i < query.Length && !char.IsWhiteSpace(query[i]) && query[i] is not ('(' or ')' or '"'))
                {
                    if (query[i] == '\\')
                    {
                        i++;
                    }
                    else if (query[i] == ':' && i > start && i + 1 <= query.Length)
                    {
                        i++;
                        break;
                    }

                    i++;
                }

                i = Math.Min(i, query.Length);
                var word = query[start..i];
                tokens.Add(word switch
                {
                    "AND" or "OR" or "&&" or "||" => new Token(Kind.Binary, word, start),
                    "NOT" => new Token(Kind.Not, word, start),
                    _ when word.Length > 1 && word[^1] == ':' && word[^2] != '\\' && word.IndexOfAny(Specials.ToCharArray(), 0, word.Length - 1) < 0 => new Token(Kind.Field, word, start),
                    _ => new Token(Kind.Term, word, start),
                });
            }
        }

        return tokens;
    }
}

/// <summary>Why a search query is refused: a stable <see cref="Code"/>, the <see cref="Arguments"/> in it, and the API's English <see cref="Message"/>.</summary>
public sealed record SearchQueryProblem(string Code, string Message, params string[] Arguments);
