using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// A mention's text with its risk terms marked (<c>&lt;mark&gt;</c>), so the analyst sees where the post says what made it
/// count toward a crisis. Terms are found as substrings, ignoring case: Chinese has no spaces between words, so 食品安全 is
/// marked inside 门店食品安全出了问题. A term written differently in the text (投訴 for the rule's 投诉) is listed beside the
/// text but not marked.
/// </summary>
public static class TermMarks
{
    public static IHtmlContent Mark(string text, IReadOnlyList<string> terms)
    {
        var encoder = HtmlEncoder.Default;
        var marked = new bool[text.Length];
        foreach (var term in terms.Where(t => t.Length > 0))
        {
            for (var at = text.IndexOf(term, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(term, at + term.Length, StringComparison.OrdinalIgnoreCase))
            {
                Array.Fill(marked, true, at, term.Length);
            }
        }

        var html = new StringBuilder(text.Length + 32);
        for (var i = 0; i < text.Length;)
        {
            var end = i;
            while (end < text.Length && marked[end] == marked[i])
            {
                end++;
            }

            var part = encoder.Encode(text[i..end]);
            html.Append(marked[i] ? $"<mark data-testid=\"risk-mark\">{part}</mark>" : part);
            i = end;
        }

        return new HtmlString(html.ToString());
    }
}
