using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace SentimentWatch.Crawling.Parsing;

/// <summary>Readable text of an element: block elements and &lt;br&gt; become line breaks, runs of spaces one space.</summary>
public static partial class HtmlText
{
    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "tr", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "ul", "ol", "dd", "dt", "section", "article",
    };

    private static readonly HashSet<string> Invisible = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "noscript", "template" };

    public static string Of(INode node)
    {
        var builder = new StringBuilder();
        Append(node, builder);
        return Normalize(builder.ToString());
    }

    /// <summary>
    /// Text of an HTML fragment, e.g. a feed entry's content; empty when it does not parse within
    /// <paramref name="maxParseTime"/> (default <see cref="ForumPageParser.DefaultMaxParseTime"/>: thousands of nested elements).
    /// </summary>
    public static string OfFragment(string html, HtmlParser parser, TimeSpan? maxParseTime = null)
    {
        using var deadline = new CancellationTokenSource(maxParseTime ?? ForumPageParser.DefaultMaxParseTime);
        return OfFragment(html, parser, deadline.Token);
    }

    /// <summary>
    /// Text of an HTML fragment read under a deadline shared by a whole feed or API page (one budget per page, not per
    /// fragment). Once it has passed, the fragment is read plainly instead, without the parser (<see cref="Plain"/>): a title
    /// like "AT&amp;T" or an ordinary entry after a hostile one keeps its words.
    /// </summary>
    public static string OfFragment(string html, HtmlParser parser, CancellationToken deadline)
    {
        if (!html.Contains('<', StringComparison.Ordinal) && !html.Contains('&', StringComparison.Ordinal))
        {
            return Normalize(html);
        }

        var document = deadline.IsCancellationRequested ? null : Parse(parser, "<!DOCTYPE html><body>" + html, deadline);
        return document is null ? Plain(html) : document.Body is null ? Normalize(html) : Of(document.Body);
    }

    /// <summary>
    /// A fragment read without a parser, in one linear pass: tags dropped (a block tag or &lt;br&gt; as a line break, script and
    /// style bodies are not removed), entities decoded, spaces folded. For fragments past the parse budget only.
    /// </summary>
    public static string Plain(string html)
    {
        var text = TagPattern().Replace(html, m => BlockTag(m.ValueSpan) ? "\n" : " ");
        return Normalize(System.Net.WebUtility.HtmlDecode(text));
    }

    private static bool BlockTag(ReadOnlySpan<char> tag)
    {
        var name = tag.TrimStart('<').TrimStart('/');
        var end = name.IndexOfAny(" \t\r\n/>");
        return Blocks.Contains((end < 0 ? name : name[..end]).ToString());
    }

    [System.Text.RegularExpressions.GeneratedRegex("<[^<>]*>", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex TagPattern();

    /// <summary>
    /// The document parsed, or null when <paramref name="deadline"/> passed first: AngleSharp's async parse checks it before
    /// each token. A string source is read whole, so the parse runs to its end (or the deadline) on this thread.
    /// </summary>
    public static IHtmlDocument? Parse(HtmlParser parser, string html, CancellationToken deadline)
    {
        try
        {
            return parser.ParseDocumentAsync(html, deadline).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return null;
        }
    }

    // Depth first with a stack of its own, not by recursion: a page of tens of thousands of nested elements that parses within
    // the deadline must not overflow a thread's stack (which no catch can stop).
    private static void Append(INode node, StringBuilder builder)
    {
        var pending = new Stack<(INode Node, bool Closing)>();
        PushChildren(node, pending);
        while (pending.TryPop(out var item))
        {
            if (item.Closing)
            {
                builder.Append('\n');
                continue;
            }

            switch (item.Node)
            {
                case IText text:
                    builder.Append(text.Data);
                    break;
                case IElement element when Invisible.Contains(element.LocalName):
                    break;
                case IElement element:
                    var block = Blocks.Contains(element.LocalName);
                    if (block)
                    {
                        builder.Append('\n');
                        pending.Push((element, true));
                    }

                    PushChildren(element, pending);
                    break;
            }
        }
    }

    private static void PushChildren(INode node, Stack<(INode Node, bool Closing)> pending)
    {
        var children = node.ChildNodes;
        for (var i = children.Length - 1; i >= 0; i--)
        {
            pending.Push((children[i], false));
        }
    }

    private static string Normalize(string text)
    {
        var lines = text.Split('\n')
            .Select(FieldSelector.Collapse)
            .Where(l => l.Length > 0);
        return string.Join('\n', lines);
    }
}
