using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Pipeline;

/// <summary>
/// The SimHash band index of the mentions the pipeline has seen, in memory: an earlier mention
/// within <see cref="SimHash.NearDuplicateDistance"/> bits shares at least one of four 16-bit
/// bands, so a lookup walks four short chains instead of querying the ledger per mention
/// (decision 112). Holds fingerprint, publish time, arrival sequence and the id of the original
/// each mention counts as (its root: 56 bytes a mention, ids of another form than MentionId's also as text), so a match needs no ledger query
/// (decision 232). Mentions published before now − window are dropped whenever the arrays would grow.
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

    // Roots of the id scheme's form (20 hexadecimal digits, MentionId) packed into their 80 bits; any other id is kept in
    // _texts and its slot holds TextSlot | its position there (each entry its own, moved with it).
    private UInt128[] _roots;
    private List<string> _texts = [];
    private int _count;

    private static readonly UInt128 TextSlot = UInt128.One << 127;

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
        _roots = new UInt128[initialCapacity];
    }

    public int Count => _count;

    /// <summary>Roots held as text (ids not of <see cref="MentionId"/>'s form): tests.</summary>
    internal int TextRoots => _texts.Count;

    /// <summary>
    /// The earliest mention that arrived before <paramref name="sequence"/>, was published within
    /// the window before this one, and is within the near-duplicate distance: its sequence number
    /// and the original it counts as; null when none is.
    /// </summary>
    public NearDuplicateMatch? FindEarliest(ulong fingerprint, DateTimeOffset publishedAt, long sequence)
    {
        if (fingerprint == 0)
        {
            return null;
        }

        var since = publishedAt.UtcTicks - _window.Ticks;
        var best = -1;
        for (var b = 0; b < Bands; b++)
        {
            var next = _next[b];
            for (var i = _heads[b][Band(fingerprint, b)]; i >= 0; i = next[i])
            {
                var candidate = _sequences[i];
                if (candidate < sequence && (best < 0 || candidate < _sequences[best]) && _published[i] >= since
                    && SimHash.Distance(_fingerprints[i], fingerprint) <= SimHash.NearDuplicateDistance)
                {
                    best = i;
                }
            }
        }

        return best < 0 ? null : new NearDuplicateMatch(_sequences[best], RootAt(best));
    }

    /// <summary>
    /// Remembers a mention: <paramref name="root"/> is the id of the original it counts as, its
    /// <see cref="Mention.DuplicateOf"/> when it is a repost, else its own id.
    /// </summary>
    public void Add(ulong fingerprint, DateTimeOffset publishedAt, long sequence, string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
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
        if (TryPack(root, out var packed))
        {
            _roots[i] = packed;
        }
        else
        {
            _roots[i] = TextSlot | (uint)_texts.Count;
            _texts.Add(root);
        }

        Link(i);
    }

    /// <summary>
    /// Forgets a mention the pipeline parked (every entry with its sequence, which a lapsed lease can
    /// add twice) and the mentions that count it as their original: it is in no index, so nothing
    /// may point at it, neither directly nor through a repost of it. Parks are rare: one walk of the arrays.
    /// </summary>
    public void Forget(long sequence, string id)
    {
        var packed = TryPack(id, out var value) ? value : (UInt128?)null;
        for (var i = 0; i < _count; i++)
        {
            var root = _roots[i];
            if (_sequences[i] == sequence || (packed is { } p ? root == p : IsText(root) && _texts[TextIndex(root)] == id))
            {
                // Outside every window: never matched, and dropped at the next move.
                _published[i] = long.MinValue;
            }
        }
    }

    private string RootAt(int i) => IsText(_roots[i]) ? _texts[TextIndex(_roots[i])] : Unpack(_roots[i]);

    private static bool IsText(UInt128 root) => (root & TextSlot) != UInt128.Zero;

    private static int TextIndex(UInt128 root) => (int)(uint)(root & uint.MaxValue);

    /// <summary>An id of <see cref="MentionId"/>'s form (20 lower-case hexadecimal digits) as its 80 bits.</summary>
    internal static bool TryPack(string id, out UInt128 packed)
    {
        packed = 0;
        if (id.Length != 20)
        {
            return false;
        }

        foreach (var c in id)
        {
            int digit;
            if (c is >= '0' and <= '9')
            {
                digit = c - '0';
            }
            else if (c is >= 'a' and <= 'f')
            {
                digit = c - 'a' + 10;
            }
            else
            {
                return false;
            }

            packed = (packed << 4) | (uint)digit;
        }

        return true;
    }

    /// <summary>The id back from its 80 bits, written as <see cref="MentionId"/> writes it.</summary>
    internal static string Unpack(UInt128 packed)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, packed);
        return Convert.ToHexStringLower(bytes[6..]);
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
        var texts = new List<string>();
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (_published[i] >= cutoff)
            {
                _fingerprints[kept] = _fingerprints[i];
                _published[kept] = _published[i];
                _sequences[kept] = _sequences[i];
                var root = _roots[i];
                if (IsText(root))
                {
                    _roots[kept] = TextSlot | (uint)texts.Count;
                    texts.Add(_texts[TextIndex(root)]);
                }
                else
                {
                    _roots[kept] = root;
                }

                kept++;
            }
        }

        _texts = texts;
        _count = kept;
        if (kept > _fingerprints.Length / 2)
        {
            var capacity = _fingerprints.Length * 2;
            Array.Resize(ref _fingerprints, capacity);
            Array.Resize(ref _published, capacity);
            Array.Resize(ref _sequences, capacity);
            Array.Resize(ref _roots, capacity);
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

/// <summary>An earlier near-duplicate: its arrival sequence and the id of the original it counts as.</summary>
public readonly record struct NearDuplicateMatch(long Sequence, string Root);
