using Lucene.Net.Index;
using Lucene.Net.Util;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// Which mention ids may already be in the index: a Bloom filter (no false negatives, about 1%
/// false positives at capacity). An upsert of an id the filter has never seen is an append, so
/// the index can use <c>AddDocument</c> and skip the delete-by-id that <c>UpdateDocument</c>
/// makes Lucene look up in every segment at each commit (measured: about a sixth of the CPU of a
/// bulk load). A false positive only costs that lookup; correctness never depends on the filter
/// saying "absent" wrongly, which it cannot.
/// Not thread-safe: the index calls it under its upsert lock.
/// </summary>
internal sealed class IdPresenceFilter
{
    private const int HashFunctions = 7;
    private const int BitsPerId = 10;
    private const int MinimumCapacity = 1 << 16;

    private readonly ulong[] bits;
    private readonly ulong bitCount;

    public IdPresenceFilter(int capacity)
    {
        Capacity = Math.Max(capacity, MinimumCapacity);
        bitCount = (ulong)Capacity * BitsPerId;
        bits = new ulong[(bitCount + 63) / 64];
    }

    /// <summary>How many ids the filter holds at its designed false-positive rate.</summary>
    public int Capacity { get; }

    /// <summary>Ids added so far (a re-added id counts again; this only decides when to grow).</summary>
    public int Count { get; private set; }

    public bool IsFull => Count >= Capacity;

    /// <summary>A filter holding every id in <paramref name="reader"/> (deleted documents' ids too: harmless false positives), sized for twice as many.</summary>
    public static IdPresenceFilter Load(IndexReader reader)
    {
        var filter = new IdPresenceFilter((int)Math.Min(int.MaxValue / BitsPerId, 2L * Math.Max(reader.MaxDoc, MinimumCapacity / 2)));
        var term = new BytesRef();
        foreach (var leaf in reader.Leaves)
        {
            var ids = leaf.AtomicReader.GetSortedDocValues(MentionDocument.Id);
            if (ids is null)
            {
                continue;
            }

            for (var ord = 0; ord < ids.ValueCount; ord++)
            {
                ids.LookupOrd(ord, term);
                filter.Add(term.Utf8ToString());
            }
        }

        return filter;
    }

    public bool MightContain(string id)
    {
        var (first, step) = Hash(id);
        for (var i = 0UL; i < HashFunctions; i++)
        {
            var bit = (first + (i * step)) % bitCount;
            if ((bits[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    public void Add(string id)
    {
        var (first, step) = Hash(id);
        for (var i = 0UL; i < HashFunctions; i++)
        {
            var bit = (first + (i * step)) % bitCount;
            bits[bit >> 6] |= 1UL << (int)(bit & 63);
        }

        Count++;
    }

    /// <summary>Two independent-enough 64-bit values (FNV-1a, then the SplitMix64 finaliser) for double hashing.</summary>
    private static (ulong First, ulong Step) Hash(string id)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        var first = Mix(hash);
        var step = Mix(first ^ 0x9E3779B97F4A7C15UL) | 1;
        return (first, step);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
