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

        var folded = FoldCommonScripts(text) ?? text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        // Most texts have nothing to collapse: the folded text is the result, with no copy (decision 229: this runs for
        // every mention at the door and again for scoring, and its copies were 5 % of the service's allocations).
        if (IsCollapsed(folded))
        {
            return folded;
        }

        const int StackLimit = 1024;
        var rented = folded.Length > StackLimit ? System.Buffers.ArrayPool<char>.Shared.Rent(folded.Length) : null;
        try
        {
            var buffer = rented is null ? stackalloc char[folded.Length] : rented.AsSpan(0, folded.Length);
            var length = 0;
            var lastWasSpace = true;
            foreach (var c in folded)
            {
                if (IsSpace(c))
                {
                    if (!lastWasSpace)
                    {
                        buffer[length++] = ' ';
                    }

                    lastWasSpace = true;
                }
                else
                {
                    buffer[length++] = c;
                    lastWasSpace = false;
                }
            }

            // What is left of trailing white space is one collapsed space.
            if (length > 0 && buffer[length - 1] == ' ')
            {
                length--;
            }

            return new string(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                // Mention text may hold personal data not yet redacted: cleared before another renter sees it.
                System.Buffers.ArrayPool<char>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    /// <summary>White space and control characters: each run of them becomes one space, none at the ends.</summary>
    private static bool IsSpace(char c) => char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Control;

    /// <summary>True when <see cref="Normalize"/> would change nothing: no control character, and white space only as single inner spaces.</summary>
    private static bool IsCollapsed(string folded)
    {
        var lastWasSpace = true;
        foreach (var c in folded)
        {
            if (c == ' ')
            {
                if (lastWasSpace)
                {
                    return false;
                }

                lastWasSpace = true;
            }
            else if (c < '\u0080' ? c < ' ' || c == '\u007F' : IsSpace(c))
            {
                return false;
            }
            else
            {
                lastWasSpace = false;
            }
        }

        return !lastWasSpace;
    }

    /// <summary>
    /// NFKC and lower case without ICU for the text most mentions are made of (every text is folded
    /// at the door, for watches and for scoring; ICU's normalisation and case mapping were ~10 % of
    /// the service's CPU): ASCII, CJK Unified Ideographs, the CJK punctuation that has no
    /// decomposition, and the full-width forms and ideographic space whose NFKC is their ASCII
    /// counterpart. None of these compose with a neighbour, so mapping each alone is the NFKC of the
    /// whole, and only ASCII letters among them have a lower case. Null when the text holds anything
    /// else: then ICU decides.
    /// </summary>
    internal static string? FoldCommonScripts(string text)
    {
        var changes = false;
        foreach (var c in text)
        {
            if (c is < '\u0080' and not (>= 'A' and <= 'Z') || c is >= '\u4E00' and <= '\u9FFF' or '\u3001' or '\u3002' or >= '\u3008' and <= '\u3011' or '\u2018' or '\u2019' or '\u201C' or '\u201D')
            {
                continue;
            }

            if (c is >= '\uFF01' and <= '\uFF5E' or '\u3000' or >= 'A' and <= 'Z')
            {
                changes = true;
                continue;
            }

            return null;
        }

        return !changes ? text : string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                c = c switch
                {
                    >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                    '\u3000' => ' ',
                    _ => c,
                };
                span[i] = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
            }
        });
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
