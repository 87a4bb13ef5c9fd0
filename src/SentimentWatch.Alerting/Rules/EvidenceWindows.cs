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

    /// <summary>Watch, source and topic names, one string each, shared by the rows held without their text.</summary>
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>Most names shared; past it a row keeps its own string (a flood of made-up sources cannot grow the table).</summary>
    private const int MaxNames = 4_096;

    private sealed class Window(DateTimeOffset from, bool allText)
    {
        /// <summary>Every evidence row of the watch with <c>At &gt; From</c> is in <see cref="Rows"/>.</summary>
        public DateTimeOffset From { get; set; } = from;

        /// <summary>
        /// Whether every row keeps its text, author and link (an emergingTopic rule reads every row's words); otherwise
        /// only the rows that are negative when they come in do, the only ones a finding quotes (decision 228).
        /// </summary>
        public bool AllText { get; } = allText;

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

    /// <summary>Held rows given their text back from the store after a re-score made them negative (tests).</summary>
    internal int RestoredTexts { get; private set; }

    /// <summary>
    /// The watch's evidence inside <paramref name="ranges"/> (disjoint (from, to] ranges, earliest first, the last
    /// one ending now): the last range from memory (loaded from the store the first time), the others from the store.
    /// </summary>
    /// <param name="allText">
    /// Every row with its text, author and link (the watch has an emergingTopic rule, which reads every row's words).
    /// Otherwise rows held in memory that are not negative come without them (<see cref="MentionEvidence.TextDropped"/>):
    /// no rule counts their authors or quotes them, and the text was most of a row's memory (decision 228). A held row
    /// that has become negative since gets its text back from the store before it is returned.
    /// </param>
    public async Task<List<MentionEvidence>> ReadAsync(AlertingDbContext db, string watch, IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> ranges, CancellationToken cancellationToken,
        bool allText = false)
    {
        var evidence = new List<MentionEvidence>();
        if (ranges.Count == 0)
        {
            return evidence;
        }

        var window = await HoldAsync(db, watch, ranges[^1].From, allText, cancellationToken);
        List<MentionEvidence>? textless = null;
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
                        if (row.TextDropped && row.IsNegative)
                        {
                            (textless ??= []).Add(row);
                        }
                    }
                }
            }
        }

        if (textless is not null)
        {
            await RestoreTextAsync(db, watch, textless, cancellationToken);
        }

        return evidence;
    }

    /// <summary>
    /// Held rows re-scored negative after they came in without their text: the text, author and link the store keeps (the
    /// upsert never changes them; a row is only held textless once it has been stored or is in the batch being stored).
    /// </summary>
    private async Task RestoreTextAsync(AlertingDbContext db, string watch, List<MentionEvidence> rows, CancellationToken cancellationToken)
    {
        foreach (var chunk in rows.Chunk(500))
        {
            var ids = chunk.Select(r => r.MentionId).ToList();
            var stored = await db.Evidence.AsNoTracking()
                .Where(e => e.WatchId == watch && ids.Contains(e.MentionId))
                .Select(e => new { e.MentionId, e.Author, e.Url, e.Excerpt })
                .ToDictionaryAsync(e => e.MentionId, StringComparer.Ordinal, cancellationToken);
            foreach (var row in chunk)
            {
                if (stored.TryGetValue(row.MentionId, out var text))
                {
                    row.Author = text.Author;
                    row.Url = text.Url;
                    row.Excerpt = text.Excerpt;
                    row.TextDropped = false;
                    RestoredTexts++;
                }
            }
        }
    }

    /// <summary>
    /// The row as the window keeps it: itself when the window keeps every text or the row is negative, otherwise a copy
    /// without its text, author and link, its names shared.
    /// </summary>
    private MentionEvidence Held(MentionEvidence row, bool allText) => allText || row.IsNegative
        ? row
        : new MentionEvidence
        {
            WatchId = Name(row.WatchId),
            MentionId = row.MentionId,
            At = row.At,
            Sentiment = row.Sentiment,
            Source = Name(row.Source),
            Topic = row.Topic is null ? null : Name(row.Topic),
            Reach = row.Reach,
            RiskTerms = row.RiskTerms.Length == 0 ? "" : row.RiskTerms,
            Excerpt = "",
            TextDropped = true,
        };

    private string Name(string name)
    {
        if (_names.TryGetValue(name, out var shared))
        {
            return shared;
        }

        if (_names.Count < MaxNames)
        {
            _names[name] = name;
        }

        return name;
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
                window.Rows[row.MentionId] = Held(row, window.AllText);
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

    private async Task<Window> HoldAsync(AlertingDbContext db, string watch, DateTimeOffset from, bool allText, CancellationToken cancellationToken)
    {
        if (_watches.TryGetValue(watch, out var held) && allText && !held.AllText)
        {
            // An emergingTopic rule was added: every row's text is needed, and the held rows lack some.
            _watches.Remove(watch);
        }

        if (!_watches.TryGetValue(watch, out var window))
        {
            window = new Window(from, allText);
            foreach (var row in await ReadStoredAsync(db, watch, from, null, cancellationToken))
            {
                window.Rows[row.MentionId] = Held(row, allText);
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
                window.Rows.TryAdd(row.MentionId, Held(row, window.AllText));
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
