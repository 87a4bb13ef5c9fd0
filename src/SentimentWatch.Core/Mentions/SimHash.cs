using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace SentimentWatch.Core.Mentions;

/// <summary>
/// 64-bit SimHash over character shingles of the normalised text: reposts that differ by a
/// few characters (a tracking link, an emoji, "转发") land within a small Hamming distance.
/// Shingles are characters for CJK and words for Latin text, so both languages work.
/// </summary>
public static partial class SimHash
{
    public const int NearDuplicateDistance = 3;

    public static ulong Compute(string text)
    {
        // A leading repost marker adds shingles the original lacks (enough to flip 4-6 bits of a
        // tweet-length text), so it is dropped: a repost is the text it reposts.
        var normalized = RepostPrefix().Replace(TextNormalizer.Normalize(text), string.Empty);
        Span<int> weights = stackalloc int[64];
        var any = false;
        foreach (var feature in Features(normalized))
        {
            any = true;
            var h = Fnv1a64(feature);
            for (var bit = 0; bit < 64; bit++)
            {
                weights[bit] += ((h >> bit) & 1) == 1 ? 1 : -1;
            }
        }

        if (!any)
        {
            return 0;
        }

        ulong result = 0;
        for (var bit = 0; bit < 64; bit++)
        {
            if (weights[bit] > 0)
            {
                result |= 1UL << bit;
            }
        }

        return result;
    }

    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    private static IEnumerable<string> Features(string normalized)
    {
        var units = new List<string>();
        var word = new StringBuilder();
        foreach (var c in normalized)
        {
            if (TextNormalizer.IsCjk(c))
            {
                Flush();
                units.Add(c.ToString());
            }
            else if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else
            {
                Flush();
            }
        }

        Flush();
        if (units.Count < 3)
        {
            return units;
        }

        // Trigrams of units: order matters, single common characters do not dominate.
        return Enumerable.Range(0, units.Count - 2).Select(i => units[i] + "\u0001" + units[i + 1] + "\u0001" + units[i + 2]);

        void Flush()
        {
            if (word.Length > 0)
            {
                units.Add(word.ToString());
                word.Clear();
            }
        }
    }

    private static ulong Fnv1a64(string s)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in s)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }

        // Final avalanche (splitmix64) so neighbouring shingles spread over all bits.
        hash ^= hash >> 30;
        hash *= 0xbf58476d1ce4e5b9UL;
        hash ^= hash >> 27;
        hash *= 0x94d049bb133111ebUL;
        hash ^= hash >> 31;
        return hash;
    }

    // 转发: / 转: / RT: / Fwd: / Fw: (after normalisation full-width ： is ':'), possibly repeated.
    [GeneratedRegex(@"^(?:(?:转发|转|rt|fwd|fw)\s*:\s*)+", RegexOptions.CultureInvariant)]
    private static partial Regex RepostPrefix();
}
