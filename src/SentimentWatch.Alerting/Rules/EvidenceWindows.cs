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

    /// <summary>
    /// The batch being evaluated before its rows are committed (decision 199), by watch, each mention once (its last row):
    /// reads show them as the store will hold them after the commit.
    /// </summary>
    private Dictionary<string, Dictionary<string, MentionEvidence>>? _staged;

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
                var storedTo = to < window.From ? to : window.From;
                evidence.AddRange(WithStaged(watch, await ReadStoredAsync(db, watch, from, storedTo, cancellationToken), from, storedTo));
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

    /// <summary>
    /// Takes a batch's rows before they are committed, so the rules can be evaluated before the one write transaction
    /// that stores them with the evaluation's changes (decision 199): held windows take them as <see cref="Record"/> does,
    /// a window loaded later takes them after its stored rows, and ranges read from the store show them as the upsert
    /// will leave them. Call <see cref="Committed"/> once the commit has landed, <see cref="Clear"/> if it did not.
    /// </summary>
    public void Stage(IReadOnlyList<MentionEvidence> batch)
    {
        _staged = new Dictionary<string, Dictionary<string, MentionEvidence>>(StringComparer.Ordinal);
        foreach (var row in batch)
        {
            if (!_staged.TryGetValue(row.WatchId, out var rows))
            {
                _staged[row.WatchId] = rows = new Dictionary<string, MentionEvidence>(StringComparer.Ordinal);
            }

            rows[row.MentionId] = row;
        }

        Record(batch);
    }

    /// <summary>The staged batch is in the store now.</summary>
    public void Committed() => _staged = null;

    /// <summary>
    /// Stored rows of (<paramref name="from"/>, <paramref name="to"/>] as they will be once the staged batch is committed:
    /// a row given again takes the new sentiment, topic, reach and risk terms, a new one inside the range is added.
    /// </summary>
    private List<MentionEvidence> WithStaged(string watch, List<MentionEvidence> stored, DateTimeOffset from, DateTimeOffset to)
    {
        if (_staged is null || !_staged.TryGetValue(watch, out var staged))
        {
            return stored;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in stored)
        {
            seen.Add(row.MentionId);
            if (staged.TryGetValue(row.MentionId, out var again))
            {
                row.Sentiment = again.Sentiment;
                row.Topic = again.Topic;
                row.Reach = again.Reach;
                row.RiskTerms = again.RiskTerms;
            }
        }

        stored.AddRange(staged.Values.Where(r => r.At > from && r.At <= to && !seen.Contains(r.MentionId)));
        return stored;
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
    public void Clear()
    {
        _watches.Clear();
        _staged = null;
    }

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
            if (_staged is not null && _staged.TryGetValue(watch, out var staged))
            {
                Record(staged.Values);
            }

            return window;
        }

        if (from < window.From)
        {
            // A longer window than before (rules changed, or the clock went back): fetch the part not held.
            foreach (var row in WithStaged(watch, await ReadStoredAsync(db, watch, from, window.From, cancellationToken), from, window.From))
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
