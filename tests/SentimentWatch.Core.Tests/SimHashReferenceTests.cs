using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Core.Tests;

/// <summary>
/// Fingerprints are stored in the ledger and compared across releases, so the allocation-free
/// SimHash must give exactly the bits the first, string-based one gave. The reference below is
/// that first implementation, kept verbatim but for the repost-marker pattern, which follows the
/// service's (decision 233 changed which markers are dropped, on purpose); the texts are the
/// bundled demo posts plus edge cases.
/// </summary>
public sealed partial class SimHashReferenceTests
{
    public static TheoryData<string> EdgeCases() =>
    [
        "", "   ", "，。！", "a", "退", "ab cd", "退款", "RT: fw: 转发：hello world again", "RT @lumo_fan: RT: @a: hello world again", "//@绿莫粉丝://@b:转发@c：退款还没到账",
        "转发@绿莫客服，大家评评理：退款还没到账", "绿莫coffee退款refund123 ok",
        "𠀀𠀁 surrogate 字符 test", "The quick brown fox jumps over the lazy dog", new string('字', 2_000), string.Join(' ', Enumerable.Repeat("word", 700)),
    ];

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public void Compute_gives_the_bits_of_the_string_based_reference_on_edge_cases(string text) =>
        SimHash.Compute(text).ShouldBe(Reference(text));

    [Fact]
    public void Compute_gives_the_bits_of_the_string_based_reference_on_the_demo_posts()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "demo-mentions.jsonl");
        var texts = File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToList();
        texts.Count.ShouldBeGreaterThan(100);
        foreach (var text in texts)
        {
            SimHash.Compute(text).ShouldBe(Reference(text), text);
        }
    }

    private static ulong Reference(string text)
    {
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

        hash ^= hash >> 30;
        hash *= 0xbf58476d1ce4e5b9UL;
        hash ^= hash >> 27;
        hash *= 0x94d049bb133111ebUL;
        hash ^= hash >> 31;
        return hash;
    }

    [GeneratedRegex(@"^(?:(?:转发|转|rt|fwd|fw)\s*:\s*(?:@[^\s:,，。!！?？;；]{1,30}\s*:\s*)?|(?:转发|rt)\s*@[^\s:,，。!！?？;；]{1,30}\s*:\s*|//\s*@[^\s:,，。!！?？;；]{1,30}\s*:\s*)+", RegexOptions.CultureInvariant)]
    private static partial Regex RepostPrefix();
}
