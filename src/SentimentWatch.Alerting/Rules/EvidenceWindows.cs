using Microsoft.EntityFrameworkCore;

namespace SentimentWatch.Alerting;

/// <summary>
/// The recent evidence of each watch, kept in memory so an evaluation does not read every row of its windows from the
/// state store again (in a burst every row is inside them, and each batch read them all: decision 193). Holds, per
/// watch, every evidence row newer than its <c>From</c>; older ranges (the same window in earlier weeks) are still
/// read from the store. Only correct while this process writes all evidence, which holds on SQLite (one process,
/// decision 147); on PostgreSQL several workers write it and <see cref="IncidentDesk"/> reads the store instead.
/// Not thread-safe: the desk's gate serialises every call.
/// </summary>
internal sealed class EvidenceWindows
{
    /// <summary>How far a window's start may fall behind before its old rows are dropped (dropping scans every row).</summary>
    private static readonly TimeSpan TrimStep = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, Window> _watches = new(StringComparer.Ordinal);

    private sealed class Window(DateTimeOffset from)
    {
        /// <summary>Every evidence row of the watch with <c>At &gt; From</c> is in <see cref="Rows"/>.</summary>
        public DateTimeOffset From { get; set; } = from;

        public Dictionary<string, MentionEvidence> Rows { get; } = new(StringComparer.Ordinal);

        /// <summary>Drops the rows at or before <paramref name="at"/>; the window then starts there.</summary>
        public void DropThrough(DateTimeOffset at)
        {
            foreach (var id in Rows.Values.Where(r => r.At <= at).Select(r => r.MentionId).ToList())
            {
                Rows.Remove(id);
            }

            From = at;
        }
    }

    /// <summary>Watches held in memory (tests).</summary>
    internal int Count => _watches.Count;

    /// <summary>
    /// The watch's evidence inside <paramref name="ranges"/> (disjoint (from, to] ranges, earliest first, the last
    /// one ending now): the last range from memory (loaded from the store the first time), the others from the store.
    /// </summary>
    public async Task<List<MentionEvidence>> ReadAsync(AlertingDbContext db, string watch, IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> ranges, CancellationToken cancellationToken)
    {
        var evidence = new List<MentionEvidence>();
        if (ranges.Count == 0)
        {
            return evidence;
        }

        var window = await HoldAsync(db, watch, ranges[^1].From, cancellationToken);
        foreach (var (from, to) in ranges)
        {
            if (from < window.From)
            {
                evidence.AddRange(await ReadStoredAsync(db, watch, from, to < window.From ? to : window.From, cancellationToken));
            }

            if (to > window.From)
            {
                var memoryFrom = from > window.From ? from : window.From;
                foreach (var row in window.Rows.Values)
                {
                    if (row.At > memoryFrom && row.At <= to)
                    {
                        evidence.Add(row);
                    }
                }
            }
        }

        return evidence;
    }

    /// <summary>
    /// Takes rows just committed to the store, as <see cref="EvidenceWriter"/>'s upsert left them: a row delivered
    /// again keeps its time, source and text and takes the new sentiment, topic, reach and risk terms.
    /// </summary>
    /// <remarks>
    /// One case differs from the store: a mention whose first row has left the window and which comes again with a
    /// later time (a publish time in the future is stored as the time it was seen) is held with the later time. Only a
    /// future-dated post re-delivered after the window has passed does that.
    /// </remarks>
    public void Record(IEnumerable<MentionEvidence> committed)
    {
        // As the writer does, a row given twice in one batch counts as its last.
        foreach (var row in committed.GroupBy(e => (e.WatchId, e.MentionId)).Select(g => g.Last()))
        {
            if (!_watches.TryGetValue(row.WatchId, out var window))
            {
                continue; // read from the store on the watch's first evaluation
            }

            if (window.Rows.TryGetValue(row.MentionId, out var held))
            {
                held.Sentiment = row.Sentiment;
                held.Topic = row.Topic;
                held.Reach = row.Reach;
                held.RiskTerms = row.RiskTerms;
            }
            else if (row.At > window.From)
            {
                window.Rows[row.MentionId] = row;
            }
        }
    }

    /// <summary>Drops what the store dropped: rows older than <paramref name="expired"/> (evidence retention).</summary>
    public void Forget(DateTimeOffset expired)
    {
        foreach (var window in _watches.Values.Where(w => w.From < expired))
        {
            window.DropThrough(expired);
        }
    }

    /// <summary>Forgets everything (after the store's evidence changed behind the desk's back, e.g. a failed commit).</summary>
    public void Clear() => _watches.Clear();

    private async Task<Window> HoldAsync(AlertingDbContext db, string watch, DateTimeOffset from, CancellationToken cancellationToken)
    {
        if (!_watches.TryGetValue(watch, out var window))
        {
            window = new Window(from);
            foreach (var row in await ReadStoredAsync(db, watch, from, null, cancellationToken))
            {
                window.Rows[row.MentionId] = row;
            }

            _watches[watch] = window;
            return window;
        }

        if (from < window.From)
        {
            // A longer window than before (rules changed, or the clock went back): fetch the part not held.
            foreach (var row in await ReadStoredAsync(db, watch, from, window.From, cancellationToken))
            {
                window.Rows.TryAdd(row.MentionId, row);
            }

            window.From = from;
        }
        else if (from - window.From > TrimStep)
        {
            window.DropThrough(from);
        }

        return window;
    }

    /// <summary>The watch's stored evidence in (<paramref name="from"/>, <paramref name="to"/>]; no <paramref name="to"/> reads to the newest.</summary>
    public static Task<List<MentionEvidence>> ReadStoredAsync(AlertingDbContext db, string watch, DateTimeOffset from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var rows = db.Evidence.AsNoTracking().Where(e => e.WatchId == watch && e.At > from);
        if (to is { } end)
        {
            rows = rows.Where(e => e.At <= end);
        }

        return rows.ToListAsync(cancellationToken);
    }
}
