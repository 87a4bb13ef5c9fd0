using System.Text;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Core.Watches;

/// <summary>
/// A parsed watch query. Grammar (operators in upper case, so a lower-case "or" is a term; implicit AND between terms):
/// <code>
/// query  := or
/// or     := and ( OR and )*
/// and    := unary ( [AND] unary )*
/// unary  := ( NOT | - ) unary | '(' or ')' | "quoted phrase" | term
/// </code>
/// Latin terms match whole words (so "refund" does not match "refunding" unless written
/// <c>refund*</c>); Chinese terms match as substrings, since Chinese has no spaces. Query and text are
/// folded alike (<see cref="TextNormalizer.Fold"/>), so a watch on 华为 also matches posts written 華為.
/// </summary>
public sealed class WatchQuery
{
    /// <summary>Longest query accepted: a watch or a search box is a few dozen words, not a document.</summary>
    public const int MaxLength = 2_000;

    /// <summary>Most terms and phrases in one query; beyond this a query is a list, and Lucene's clause limit is near.</summary>
    public const int MaxTerms = 200;

    /// <summary>Deepest nesting of parentheses and NOTs; the parser and matcher recurse, so depth must be bounded.</summary>
    public const int MaxDepth = 32;

    private readonly Node _root;

    private WatchQuery(string text, Node root)
    {
        Text = text;
        _root = root;
    }

    public string Text { get; }

    /// <summary>The positive terms of the query, for highlighting and index queries.</summary>
    public IReadOnlyList<string> Terms => _root.PositiveTerms().Distinct().ToList();

    public static WatchQuery Parse(string text)
    {
        if (!TryParse(text, out var query, out var error))
        {
            throw new FormatException(error);
        }

        return query;
    }

    public static bool TryParse(string? text, out WatchQuery query, out string error)
    {
        query = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the query is empty";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"the query is {text.Length} characters long; at most {MaxLength} are allowed";
            return false;
        }

        try
        {
            var tokens = Tokenize(text);
            var terms = tokens.Count(t => t.Kind is TokenKind.Term or TokenKind.Phrase);
            if (terms > MaxTerms)
            {
                error = $"the query has {terms} terms; at most {MaxTerms} are allowed (split it into several watches)";
                return false;
            }

            var parser = new Parser(tokens);
            var root = parser.ParseOr();
            if (!parser.AtEnd)
            {
                error = parser.Peek.Kind == TokenKind.Close
                    ? $"unexpected ')' at position {parser.Peek.Position + 1}: it closes no '('"
                    : $"unexpected '{parser.Peek.Text}' at position {parser.Peek.Position + 1}";
                return false;
            }

            if (!root.PositiveTerms().Any())
            {
                error = "the query has no positive term: a query of only exclusions would match everything";
                return false;
            }

            query = new WatchQuery(text.Trim(), root);
            error = string.Empty;
            return true;
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    public bool Matches(string text) => _root.Matches(new MatchTarget(TextNormalizer.Fold(text)));

    public override string ToString() => Text;

    private enum TokenKind
    {
        Term,
        Phrase,
        And,
        Or,
        Not,
        Open,
        Close,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Position);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or '（')
            {
                tokens.Add(new Token(TokenKind.Open, "(", i++));
            }
            else if (c is ')' or '）')
            {
                tokens.Add(new Token(TokenKind.Close, ")", i++));
            }
            else if (c is '"' or '“' or '”')
            {
                var start = i++;
                var sb = new StringBuilder();
                while (i < text.Length && text[i] is not ('"' or '“' or '”'))
                {
                    sb.Append(text[i++]);
                }

                if (i >= text.Length)
                {
                    throw new FormatException($"unclosed quote starting at position {start + 1}");
                }

                i++;
                var phrase = TextNormalizer.Fold(sb.ToString());
                if (phrase.Length == 0)
                {
                    throw new FormatException($"empty phrase at position {start + 1}");
                }

                tokens.Add(new Token(TokenKind.Phrase, phrase, start));
            }
            else if (c == '-' && (i + 1 < text.Length) && !char.IsWhiteSpace(text[i + 1]) && (tokens.Count == 0 || i == 0 || char.IsWhiteSpace(text[i - 1]) || text[i - 1] == '('))
            {
                tokens.Add(new Token(TokenKind.Not, "-", i++));
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or '（' or '）' or '"' or '“' or '”'))
                {
                    i++;
                }

                var word = text[start..i];
                tokens.Add(word switch
                {
                    "AND" or "&&" => new Token(TokenKind.And, word, start),
                    "OR" or "||" or "|" => new Token(TokenKind.Or, word, start),
                    "NOT" => new Token(TokenKind.Not, word, start),
                    _ => new Token(TokenKind.Term, TextNormalizer.Fold(word), start),
                });
            }
        }

        return tokens;
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int _pos;
        private int _depth;

        public bool AtEnd => _pos >= tokens.Count;

        public Token Peek => tokens[_pos];

        public Node ParseOr()
        {
            var left = ParseAnd();
            while (!AtEnd && Peek.Kind == TokenKind.Or)
            {
                _pos++;
                left = new OrNode(left, ParseAnd());
            }

            return left;
        }

        private Node ParseAnd()
        {
            var left = ParseUnary();
            while (!AtEnd && Peek.Kind is not (TokenKind.Or or TokenKind.Close))
            {
                if (Peek.Kind == TokenKind.And)
                {
                    _pos++;
                }

                left = new AndNode(left, ParseUnary());
            }

            return left;
        }

        private Node ParseUnary()
        {
            if (AtEnd)
            {
                // Name the operator left dangling, so "lumo AND" says which AND and where.
                throw new FormatException(_pos > 0 && tokens[_pos - 1] is { Kind: not (TokenKind.Term or TokenKind.Phrase or TokenKind.Close) } last
                    ? $"the query ends where a term was expected: '{last.Text}' at position {last.Position + 1} has no term after it"
                    : "the query ends where a term was expected");
            }

            var token = tokens[_pos++];
            switch (token.Kind)
            {
                case TokenKind.Not:
                case TokenKind.Open:
                    if (++_depth > MaxDepth)
                    {
                        throw new FormatException($"the query nests deeper than {MaxDepth} levels at position {token.Position + 1}");
                    }

                    var node = token.Kind == TokenKind.Not ? new NotNode(ParseUnary()) : ParseGroup(token);
                    _depth--;
                    return node;
                case TokenKind.Term:
                case TokenKind.Phrase:
                    return new TermNode(token.Text);
                case TokenKind.And or TokenKind.Or:
                    throw new FormatException($"unexpected '{token.Text}' at position {token.Position + 1}: it needs a term before it");
                default:
                    throw new FormatException($"unexpected '{token.Text}' at position {token.Position + 1}");
            }
        }

        private Node ParseGroup(Token open)
        {
            if (!AtEnd && Peek.Kind == TokenKind.Close)
            {
                throw new FormatException($"unexpected ')' at position {Peek.Position + 1}: the parentheses at position {open.Position + 1} hold nothing");
            }

            var inner = ParseOr();
            if (AtEnd || Peek.Kind != TokenKind.Close)
            {
                throw new FormatException($"unclosed '(' at position {open.Position + 1}");
            }

            _pos++;
            return inner;
        }
    }

    private sealed class MatchTarget(string normalized)
    {
        public string Text { get; } = normalized;
    }

    private abstract class Node
    {
        public abstract bool Matches(MatchTarget target);

        public abstract IEnumerable<string> PositiveTerms();
    }

    private sealed class AndNode(Node left, Node right) : Node
    {
        public override bool Matches(MatchTarget target) => left.Matches(target) && right.Matches(target);

        public override IEnumerable<string> PositiveTerms() => left.PositiveTerms().Concat(right.PositiveTerms());
    }

    private sealed class OrNode(Node left, Node right) : Node
    {
        public override bool Matches(MatchTarget target) => left.Matches(target) || right.Matches(target);

        public override IEnumerable<string> PositiveTerms() => left.PositiveTerms().Concat(right.PositiveTerms());
    }

    private sealed class NotNode(Node inner) : Node
    {
        public override bool Matches(MatchTarget target) => !inner.Matches(target);

        public override IEnumerable<string> PositiveTerms() => [];
    }

    private sealed class TermNode : Node
    {
        private readonly string _term;
        private readonly bool _prefix;

        public TermNode(string term)
        {
            _prefix = term.Length > 1 && term.EndsWith('*');
            _term = _prefix ? term[..^1] : term;
        }

        public override IEnumerable<string> PositiveTerms() => [_term];

        public override bool Matches(MatchTarget target)
        {
            var text = target.Text;
            var start = 0;
            while (true)
            {
                var at = text.IndexOf(_term, start, StringComparison.Ordinal);
                if (at < 0)
                {
                    return false;
                }

                if (IsBoundary(text, at - 1, _term[0]) && (_prefix || IsBoundary(text, at + _term.Length, _term[^1])))
                {
                    return true;
                }

                start = at + 1;
            }
        }

        // Latin letters and digits need a word boundary; CJK text has none, so any neighbour will do.
        private static bool IsBoundary(string text, int index, char termEdge)
        {
            if (index < 0 || index >= text.Length || TextNormalizer.IsCjk(termEdge) || !char.IsLetterOrDigit(termEdge))
            {
                return true;
            }

            var neighbour = text[index];
            return !char.IsLetterOrDigit(neighbour) || TextNormalizer.IsCjk(neighbour);
        }
    }
}
