using System.Net;
using System.Text;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace SentimentWatch.Indexing;

/// <summary>
/// Highlighted snippets without a highlighter package: re-analyse the hit's text with the
/// index analyzer, mark the tokens the query looked for (so 退款 matches its bigram and
/// "refund" matches "refunds"), cut a window around the first mark, HTML-escape the rest.
/// </summary>
public static class MentionSnippet
{
    public const int DefaultLength = 160;

    public static string Build(Analyzer analyzer, string field, string text, IReadOnlySet<string> terms, int length = DefaultLength)
    {
        var marks = terms.Count == 0 ? [] : Marks(analyzer, field, text, terms);
        var first = marks.Count > 0 ? marks[0].Start : 0;
        // Some context before the first hit reads better than starting mid-sentence at the hit.
        var start = Math.Max(0, Math.Min(first - (length / 4), text.Length - length));
        var end = Math.Min(text.Length, start + length);
        var snippet = new StringBuilder(length + 32);
        if (start > 0)
        {
            snippet.Append('…');
        }

        var position = start;
        foreach (var (markStart, markEnd) in marks)
        {
            if (markEnd <= start || markStart >= end)
            {
                continue;
            }

            var from = Math.Max(markStart, position);
            var to = Math.Min(markEnd, end);
            snippet.Append(WebUtility.HtmlEncode(text[position..from]));
            snippet.Append("<em>").Append(WebUtility.HtmlEncode(text[from..to])).Append("</em>");
            position = to;
        }

        snippet.Append(WebUtility.HtmlEncode(text[position..end]));
        if (end < text.Length)
        {
            snippet.Append('…');
        }

        return snippet.ToString();
    }

    private static List<(int Start, int End)> Marks(Analyzer analyzer, string field, string text, IReadOnlySet<string> terms)
    {
        var marks = new List<(int Start, int End)>();
        using (var stream = analyzer.GetTokenStream(field, text))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            var offset = stream.AddAttribute<IOffsetAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                if (terms.Contains(term.ToString()))
                {
                    marks.Add((offset.StartOffset, offset.EndOffset));
                }
            }

            stream.End();
        }

        marks.Sort();
        // Overlapping bigrams (退款, 款慢) merge into one highlighted run.
        var merged = new List<(int Start, int End)>(marks.Count);
        foreach (var mark in marks)
        {
            if (merged.Count > 0 && mark.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, mark.End));
            }
            else
            {
                merged.Add(mark);
            }
        }

        return merged;
    }
}
