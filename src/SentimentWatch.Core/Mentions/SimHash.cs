using System.Numerics;
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
        // (Anchored at the start, so one match at most; cut by hand because Replace re-parses its
        // replacement whenever the GC has cleared the regex's weakly held cache of it.)
        var normalized = TextNormalizer.Normalize(text);
        foreach (var prefix in RepostPrefix().EnumerateMatches(normalized))
        {
            normalized = normalized[(prefix.Index + prefix.Length)..];
            break;
        }

        // Units (a CJK character, or a run of letters and digits) are ranges of the normalised
        // text; shingles are hashed straight from it, without a string per unit or shingle
        // (this runs for every mention at the intake door).
        const int StackLimit = 512;
        Span<int> starts = normalized.Length <= StackLimit ? stackalloc int[normalized.Length + 1] : new int[normalized.Length + 1];
        Span<int> lengths = normalized.Length <= StackLimit ? stackalloc int[normalized.Length + 1] : new int[normalized.Length + 1];
        var count = Units(normalized, starts, lengths);
        if (count == 0)
        {
            return 0;
        }

        // Per bit, how many features have it set: branch-free (the bits are random, so a branch
        // per bit mispredicts half the time). A bit is set in the result when most features set it.
        Span<int> ones = stackalloc int[64];
        var features = 0;
        if (count < 3)
        {
            for (var u = 0; u < count; u++)
            {
                AddFeature(ones, Avalanche(Fnv1a64(Fnv1aOffset, normalized.AsSpan(starts[u], lengths[u]))));
                features++;
            }
        }
        else
        {
            // Trigrams of units: order matters, single common characters do not dominate.
            for (var u = 0; u + 2 < count; u++)
            {
                var hash = Fnv1a64(Fnv1aOffset, normalized.AsSpan(starts[u], lengths[u]));
                hash = Fnv1a64(hash, UnitSeparator);
                hash = Fnv1a64(hash, normalized.AsSpan(starts[u + 1], lengths[u + 1]));
                hash = Fnv1a64(hash, UnitSeparator);
                hash = Fnv1a64(hash, normalized.AsSpan(starts[u + 2], lengths[u + 2]));
                AddFeature(ones, Avalanche(hash));
                features++;
            }
        }

        ulong result = 0;
        for (var bit = 0; bit < 64; bit++)
        {
            // Set by more features than leave it clear (a tie leaves it clear).
            if (2 * ones[bit] > features)
            {
                result |= 1UL << bit;
            }
        }

        return result;
    }

    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    private const ulong Fnv1aOffset = 14695981039346656037UL;

    private static ReadOnlySpan<char> UnitSeparator => "\u0001";

    /// <summary>Splits into units: each CJK character alone, runs of letters and digits, anything else separates.</summary>
    private static int Units(string normalized, Span<int> starts, Span<int> lengths)
    {
        var count = 0;
        var wordStart = -1;
        for (var i = 0; i < normalized.Length; i++)
        {
            var c = normalized[i];
            if (TextNormalizer.IsCjk(c))
            {
                if (wordStart >= 0)
                {
                    starts[count] = wordStart;
                    lengths[count++] = i - wordStart;
                    wordStart = -1;
                }

                starts[count] = i;
                lengths[count++] = 1;
            }
            else if (char.IsLetterOrDigit(c))
            {
                if (wordStart < 0)
                {
                    wordStart = i;
                }
            }
            else if (wordStart >= 0)
            {
                starts[count] = wordStart;
                lengths[count++] = i - wordStart;
                wordStart = -1;
            }
        }

        if (wordStart >= 0)
        {
            starts[count] = wordStart;
            lengths[count++] = normalized.Length - wordStart;
        }

        return count;
    }

    private static void AddFeature(Span<int> ones, ulong h)
    {
        for (var bit = 0; bit < 64; bit++)
        {
            ones[bit] += (int)((h >> bit) & 1);
        }
    }

    private static ulong Fnv1a64(ulong hash, ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }

        return hash;
    }

    // Final avalanche (splitmix64) so neighbouring shingles spread over all bits.
    private static ulong Avalanche(ulong hash)
    {
        hash ^= hash >> 30;
        hash *= 0xbf58476d1ce4e5b9UL;
        hash ^= hash >> 27;
        hash *= 0x94d049bb133111ebUL;
        hash ^= hash >> 31;
        return hash;
    }

    // 转发: / 转: / RT: / Fwd: / Fw:, the retweet's "RT @user:" (also "RT: @user:", "转发@user:"), and Weibo's "//@user:" that
    // opens a repost without a comment of its own, possibly repeated (after normalisation full-width ： is ':' and the text is
    // lower case). "回复@user:" is a reply, and a comment before "//@" is the reposter's own post: both stay text.
    [GeneratedRegex(@"^(?:(?:转发|转|rt|fwd|fw)\s*:\s*(?:" + RepostOf + @")?|(?:转发|rt)\s*" + RepostOf + "|//\\s*" + RepostOf + ")+", RegexOptions.CultureInvariant)]
    private static partial Regex RepostPrefix();

    // "@name:", a name being 1-30 characters without spaces, colons or clause punctuation (so it cannot run to a later colon).
    private const string RepostOf = @"@[^\s:,，。!！?？;；]{1,30}\s*:\s*";
}
