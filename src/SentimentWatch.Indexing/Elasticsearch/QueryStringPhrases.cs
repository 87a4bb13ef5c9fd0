using System.Text;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace SentimentWatch.Indexing.Elasticsearch;

/// <summary>
/// Makes Elasticsearch's <c>query_string</c> read a word the way the Lucene engine does
/// (decision 030). Lucene's classic parser, set to auto-generate phrases, searches a word that
/// analyses into several positions — 退款到账 into the bigrams 退款 款到 到账 — as a phrase.
/// Elasticsearch's <c>query_string</c> has had no such option since 7.0: it joins those terms
/// with <c>default_operator</c>, so with AND a text holding 退款, 款到 and 到账 anywhere would
/// match. Quoting exactly those words makes them phrases in both engines.
/// </summary>
internal static class QueryStringPhrases
{
    private const string Operators = "+-!():^[]\"{}~*?\\/";

    /// <summary>
    /// <paramref name="query"/> (classic syntax that parses) with every bare word of
    /// <paramref name="textField"/> that <paramref name="analyzer"/> turns into more than one
    /// position wrapped in quotes; quoted phrases, ranges, regular expressions, wildcard and
    /// fuzzy terms, operators and words of other fields are left as they are.
    /// </summary>
    public static string Quote(string query, Analyzer analyzer, string textField)
    {
        var output = new StringBuilder(query.Length + 8);
        var groupFields = new Stack<string?>();
        string? groupField = null;
        string? nextField = null;
        var i = 0;
        while (i < query.Length)
        {
            var c = query[i];
            if (IsWhitespace(c))
            {
                output.Append(c);
                i++;
            }
            else if (c is '"' or '/')
            {
                i = CopyThrough(query, i, c, output);
                nextField = null;
            }
            else if (c is '[' or '{')
            {
                i = CopyThrough(query, i, c == '[' ? ']' : '}', output);
                nextField = null;
            }
            else if (c == '(')
            {
                groupFields.Push(groupField);
                groupField = nextField ?? groupField;
                nextField = null;
                output.Append(c);
                i++;
            }
            else if (c == ')')
            {
                groupField = groupFields.Count > 0 ? groupFields.Pop() : null;
                output.Append(c);
                i++;
            }
            else if (c != '*' && c != '?' && c != '\\' && Operators.Contains(c, StringComparison.Ordinal))
            {
                output.Append(c);
                i++;
            }
            else
            {
                var start = i;
                i = EndOfTerm(query, i);
                var raw = query[start..i];
                if (i < query.Length && query[i] == ':')
                {
                    nextField = Unescape(raw);
                    output.Append(raw);
                    continue;
                }

                var field = nextField ?? groupField ?? textField;
                nextField = null;
                var plain = raw is "AND" or "OR" or "NOT" or "&&" or "||"
                    || HasWildcard(raw)
                    || (i < query.Length && query[i] == '~')
                    || field != textField;
                var word = Unescape(raw);
                output.Append(!plain && IsSeveralPositions(analyzer, textField, word)
                    ? "\"" + word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
                    : raw);
            }
        }

        return output.ToString();
    }

    /// <summary>What makes Lucene's query builder produce a phrase: several tokens over more than one position.</summary>
    private static bool IsSeveralPositions(Analyzer analyzer, string field, string word)
    {
        var tokens = 0;
        var positions = 0;
        using var stream = analyzer.GetTokenStream(field, word);
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens++;
            positions += increment.PositionIncrement;
        }

        stream.End();
        return tokens > 1 && positions > 1;
    }

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\u3000';

    /// <summary>A term runs until whitespace or an operator; '+' and '-' may appear after its first character, escapes anywhere.</summary>
    private static int EndOfTerm(string query, int i)
    {
        var start = i;
        while (i < query.Length)
        {
            var c = query[i];
            if (c == '\\' && i + 1 < query.Length)
            {
                i += 2;
                continue;
            }

            if (IsWhitespace(c) || (c is not ('*' or '?') && Operators.Contains(c, StringComparison.Ordinal) && !(i > start && c is '+' or '-')))
            {
                break;
            }

            i++;
        }

        return i == start ? i + 1 : i;
    }

    private static int CopyThrough(string query, int i, char end, StringBuilder output)
    {
        output.Append(query[i++]);
        while (i < query.Length)
        {
            var c = query[i++];
            output.Append(c);
            if (c == '\\' && i < query.Length)
            {
                output.Append(query[i++]);
            }
            else if (c == end)
            {
                break;
            }
        }

        return i;
    }

    private static bool HasWildcard(string raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\\')
            {
                i++;
            }
            else if (raw[i] is '*' or '?')
            {
                return true;
            }
        }

        return false;
    }

    private static string Unescape(string raw)
    {
        var text = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\\' && i + 1 < raw.Length)
            {
                i++;
            }

            text.Append(raw[i]);
        }

        return text.ToString();
    }
}
