using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Pipeline;

/// <summary>
/// The SimHash band index of the mentions the pipeline has seen, in memory: an earlier mention
/// within <see cref="SimHash.NearDuplicateDistance"/> bits shares at least one of four 16-bit
/// bands, so a lookup walks four short chains instead of querying the ledger per mention
/// (decision 112). Holds only fingerprint, publish time and arrival sequence (40 bytes a
/// mention); the few matches are resolved to ids by one ledger query per batch. Mentions
/// published before now − window are dropped whenever the arrays would grow.
/// Not thread-safe: the pipeline's prepare stage is its only user.
/// </summary>
public sealed class NearDuplicateIndex
{
    private const int Bands = 4;
    private const int BandValues = 1 << 16;

    private readonly TimeSpan _window;
    private readonly TimeProvider _clock;
    private readonly int[][] _heads = new int[Bands][];
    private readonly int[][] _next = new int[Bands][];
    private ulong[] _fingerprints;
    private long[] _published;
    private long[] _sequences;
    private int _count;

    public NearDuplicateIndex(TimeSpan window, TimeProvider clock, int initialCapacity = 1 << 16)
    {
        _window = window;
        _clock = clock;
        for (var b = 0; b < Bands; b++)
        {
            _heads[b] = new int[BandValues];
            Array.Fill(_heads[b], -1);
            _next[b] = new int[initialCapacity];
        }

        _fingerprints = new ulong[initialCapacity];
        _published = new long[initialCapacity];
        _sequences = new long[initialCapacity];
    }

    public int Count => _count;

    /// <summary>
    /// The sequence number of the earliest mention that arrived before <paramref name="sequence"/>,
    /// was published within the window before this one, and is within the near-duplicate distance;
    /// null when none is.
    /// </summary>
    public long? FindEarliest(ulong fingerprint, DateTimeOffset publishedAt, long sequence)
    {
        if (fingerprint == 0)
        {
            return null;
        }

        var since = publishedAt.UtcTicks - _window.Ticks;
        var best = long.MaxValue;
        for (var b = 0; b < Bands; b++)
        {
            var next = _next[b];
            for (var i = _heads[b][Band(fingerprint, b)]; i >= 0; i = next[i])
            {
                var candidate = _sequences[i];
                if (candidate < sequence && candidate < best && _published[i] >= since
                    && SimHash.Distance(_fingerprints[i], fingerprint) <= SimHash.NearDuplicateDistance)
                {
                    best = candidate;
                }
            }
        }

        return best == long.MaxValue ? null : best;
    }

    public void Add(ulong fingerprint, DateTimeOffset publishedAt, long sequence)
    {
        if (fingerprint == 0)
        {
            return;
        }

        if (_count == _fingerprints.Length)
        {
            MakeRoom();
        }

        var i = _count++;
        _fingerprints[i] = fingerprint;
        _published[i] = publishedAt.UtcTicks;
        _sequences[i] = sequence;
        Link(i);
    }

    private static int Band(ulong fingerprint, int band) => (int)((fingerprint >> (16 * band)) & 0xFFFF);

    private void Link(int i)
    {
        for (var b = 0; b < Bands; b++)
        {
            ref var head = ref _heads[b][Band(_fingerprints[i], b)];
            _next[b][i] = head;
            head = i;
        }
    }

    /// <summary>Drops mentions published before now − window; grows the arrays if that freed less than half.</summary>
    private void MakeRoom()
    {
        var cutoff = (_clock.GetUtcNow() - _window).UtcTicks;
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (_published[i] >= cutoff)
            {
                _fingerprints[kept] = _fingerprints[i];
                _published[kept] = _published[i];
                _sequences[kept] = _sequences[i];
                kept++;
            }
        }

        _count = kept;
        if (kept > _fingerprints.Length / 2)
        {
            var capacity = _fingerprints.Length * 2;
            Array.Resize(ref _fingerprints, capacity);
            Array.Resize(ref _published, capacity);
            Array.Resize(ref _sequences, capacity);
            for (var b = 0; b < Bands; b++)
            {
                _next[b] = new int[capacity];
            }
        }

        // Chains point at old positions: rebuild them in arrival order (the array order).
        for (var b = 0; b < Bands; b++)
        {
            Array.Fill(_heads[b], -1);
        }

        for (var i = 0; i < _count; i++)
        {
            Link(i);
        }
    }
}
