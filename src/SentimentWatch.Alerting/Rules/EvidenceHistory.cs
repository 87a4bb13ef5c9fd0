using System.Globalization;

namespace SentimentWatch.Alerting;

/// <summary>
/// Since when evidence has been recorded for a watch (scope <c>""</c>) and for each of its
/// sources and topics (<c>source:weibo</c>, <c>topic:refund</c>), kept when the evidence itself is
/// pruned. Baseline rules wait until it spans their history (decision 071), and "it" is not simply
/// the earliest post seen: one old post in a new watch's first crawl (a dead thread on a forum's
/// first page) would make an empty baseline "ready" and any traffic a surge (decision 251).
/// The history starts at the earlier of
/// <list type="bullet">
/// <item>when this service first recorded evidence of the scope (<see cref="Observed"/>, its clock): watched live since then;</item>
/// <item>the publication time of the <see cref="MinBackfill"/>-th earliest post seen (<see cref="Earliest"/>): a backfill or replay of
/// at least that many past posts is history, as decision 071 says; fewer old posts are outliers, not a baseline.</item>
/// </list>
/// </summary>
public sealed class EvidenceHistory
{
    /// <summary>How many posts published in the past make a backfill count as history (decision 251).</summary>
    public const int MinBackfill = 20;

    public required string WatchId { get; set; }
    public required string Scope { get; set; }

    /// <summary>The earliest publication time seen.</summary>
    public DateTimeOffset Since { get; set; }

    /// <summary>When this service first recorded evidence of the scope (rows from before decision 251: <see cref="Since"/>).</summary>
    public DateTimeOffset Observed { get; set; }

    /// <summary>
    /// The <see cref="MinBackfill"/> earliest posts seen: each as its publication time in UTC ticks and a 32-bit hash of its
    /// mention id (<c>ticks:hash</c>), separated by spaces, ascending. Posts, not times: many forums print only the minute or
    /// the day, so distinct times would count a backfill of 500 posts as a few; the hash keeps an at-least-once re-delivery
    /// from counting one post twice.
    /// </summary>
    public string Earliest { get; set; } = string.Empty;

    /// <summary>The stored length of <see cref="Earliest"/> at most: 19 digits, a colon and 8 hex digits per post, and the spaces.</summary>
    public const int EarliestMaxLength = MinBackfill * 29;

    /// <summary>Where the history behind a baseline starts: see the class summary.</summary>
    public DateTimeOffset Start
    {
        get
        {
            var entries = Entries();
            var live = Observed > Since ? Observed : Since;
            return entries.Count >= MinBackfill && entries[MinBackfill - 1].Ticks < live.UtcTicks
                ? new DateTimeOffset(entries[MinBackfill - 1].Ticks, TimeSpan.Zero)
                : live;
        }
    }

    public static IEnumerable<string> ScopesOf(MentionEvidence e) =>
        ["", IncidentKeys.GroupFor(EvidenceGrouping.Source, e.Source), IncidentKeys.GroupFor(EvidenceGrouping.Topic, e.Topic ?? "none")];

    /// <summary>Counts a batch's posts of this scope (publication time, mention id): <see cref="Since"/> and <see cref="Earliest"/>.</summary>
    public void Saw(IEnumerable<(DateTimeOffset At, string MentionId)> posts)
    {
        var entries = Entries();
        var changed = false;
        foreach (var (at, mentionId) in posts)
        {
            if (at < Since)
            {
                Since = at;
            }

            var entry = (at.UtcTicks, Hash(mentionId));
            if ((entries.Count < MinBackfill || entry.CompareTo(entries[^1]) < 0) && entries.BinarySearch(entry) is var index && index < 0)
            {
                entries.Insert(~index, entry);
                if (entries.Count > MinBackfill)
                {
                    entries.RemoveAt(entries.Count - 1);
                }

                changed = true;
            }
        }

        if (changed)
        {
            Earliest = string.Join(' ', entries.Select(e => e.Ticks.ToString(CultureInfo.InvariantCulture) + ":" + e.Hash.ToString("x8", CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>FNV-1a over the id's UTF-16 code units: stable across processes, unlike <see cref="string.GetHashCode()"/>.</summary>
    private static uint Hash(string id)
    {
        var hash = 2166136261u;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    private List<(long Ticks, uint Hash)> Entries()
    {
        var entries = new List<(long Ticks, uint Hash)>(MinBackfill + 1);
        foreach (var part in Earliest.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0
                && long.TryParse(part.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && uint.TryParse(part.AsSpan(colon + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash))
            {
                entries.Add((ticks, hash));
            }
        }

        entries.Sort();
        return entries;
    }
}
