using System.Globalization;
using System.Text;

namespace SentimentWatch.Core.Mentions;

/// <summary>
/// Folds text for matching and fingerprinting: Unicode NFKC (full-width to half-width),
/// lower case, runs of white space collapsed. <see cref="Fold"/> also folds Traditional Chinese to Simplified.
/// </summary>
public static class TextNormalizer
{
    public static string Normalize(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var folded = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var sb = new StringBuilder(folded.Length);
        var lastWasSpace = true;
        foreach (var c in folded)
        {
            if (char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Control)
            {
                if (!lastWasSpace)
                {
                    sb.Append(' ');
                }

                lastWasSpace = true;
            }
            else
            {
                sb.Append(c);
                lastWasSpace = false;
            }
        }

        return sb.ToString().TrimEnd();
    }

    /// <summary>
    /// <see cref="Normalize"/>, then Traditional Chinese characters folded to Simplified (<see cref="ChineseScript"/>):
    /// for matching words against text (watches, keyword rules, lexicons, the featurizer), so 退貨 meets 退货.
    /// Mention ids and fingerprints keep <see cref="Normalize"/>, so keys already stored do not move.
    /// </summary>
    public static string Fold(string text) => ChineseScript.ToSimplified(Normalize(text));

    public static bool IsCjk(char c) =>
        c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF'
            or >= '\u3040' and <= '\u30FF' or >= '\uAC00' and <= '\uD7AF';

    /// <summary>The index just past the run of CJK characters that starts at <paramref name="start"/>.</summary>
    public static int CjkRunEnd(ReadOnlySpan<char> text, int start)
    {
        var end = start;
        while (end < text.Length && IsCjk(text[end]))
        {
            end++;
        }

        return end;
    }
}
