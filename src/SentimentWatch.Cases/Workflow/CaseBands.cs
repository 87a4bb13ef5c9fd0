using Microsoft.EntityFrameworkCore;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Cases.Workflow;

/// <summary>
/// The SimHash bands of the case mentions a complaint could be a near-duplicate of, kept in memory on SQLite so
/// <c>case_mentions</c> needs no index per band (decision 194). Every complaint intake writes a case mention, and
/// each insert maintained four band indexes beside the thread, case and mention-id ones; the batch's band query was
/// all they served, and it returned every row sharing a band value: a viral complaint's thousands of identical
/// reposts, read again for every batch. This index holds, per watch and band value, each distinct (fingerprint,
/// case) pair once. Before each lookup it reads the rows written since (<c>Id &gt;</c> the last one seen: on SQLite
/// one process writes, in id order, and rows are never deleted), so it misses none, whoever wrote them. A merge
/// moves rows to the surviving case without touching this index: <see cref="CaseLookups"/> follows the merged
/// case's <c>MergedIntoId</c>, as the moved rows do. Mentions of closed cases (nothing joins a closed case) are left
/// out when it loads, and it loads again once a day to drop those closed since. On PostgreSQL several workers write
/// and ids commit out of order: the bands stay indexed there and are queried as before. Not thread-safe: the desk's
/// writer gate serialises calls.
/// </summary>
internal sealed class CaseBands(TimeProvider clock)
{
    /// <summary>How long the held rows serve before they are read again without closed cases' mentions.</summary>
    internal static readonly TimeSpan ReloadAfter = TimeSpan.FromDays(1);

    private readonly Dictionary<string, Watch> _watches = new(StringComparer.Ordinal);
    private long _lastRowId = -1;
    private DateTimeOffset _loadedAt;

    private sealed class Watch
    {
        public Dictionary<int, List<(ulong Print, long CaseId)>> Bands { get; } = [];

        public HashSet<(ulong Print, long CaseId)> Held { get; } = [];
    }

    /// <summary>Distinct (fingerprint, case) pairs held (tests).</summary>
    internal int Count { get; private set; }

    /// <summary>
    /// The held (fingerprint, case) pairs of each print's watch within the near-duplicate distance of it, after
    /// taking in the rows written since the last call. A case may since have been merged into another.
    /// </summary>
    public async Task<HashSet<(string WatchId, ulong Print, long CaseId)>> NearAsync(CasesDbContext db, IEnumerable<(string WatchId, ulong Fingerprint)> prints, CancellationToken cancellationToken)
    {
        await CatchUpAsync(db, cancellationToken);
        var found = new HashSet<(string, ulong, long)>();
        foreach (var (watchId, fingerprint) in prints)
        {
            if (fingerprint == 0 || !_watches.TryGetValue(watchId, out var watch))
            {
                continue;
            }

            foreach (var key in Keys(fingerprint))
            {
                if (!watch.Bands.TryGetValue(key, out var held))
                {
                    continue;
                }

                foreach (var (print, caseId) in held)
                {
                    if (SimHash.Distance(print, fingerprint) <= SimHash.NearDuplicateDistance)
                    {
                        found.Add((watchId, print, caseId));
                    }
                }
            }
        }

        return found;
    }

    private async Task CatchUpAsync(CasesDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_lastRowId < 0 || now - _loadedAt >= ReloadAfter)
        {
            _watches.Clear();
            Count = 0;
            _loadedAt = now;
            _lastRowId = await db.Mentions.Select(m => (long?)m.Id).MaxAsync(cancellationToken) ?? 0;
            var last = _lastRowId;
            // Rows up to the mark, of cases that can still be joined; later rows come in by the catch-up below.
            var held = await db.Mentions.AsNoTracking()
                .Where(m => m.Id <= last && m.Fingerprint != 0 && db.Cases.Any(c => c.Id == m.CaseId && c.Status != CaseStatus.Closed))
                .Select(m => new { m.WatchId, m.Fingerprint, m.CaseId })
                .Distinct()
                .ToListAsync(cancellationToken);
            foreach (var row in held)
            {
                Add(row.WatchId, unchecked((ulong)row.Fingerprint), row.CaseId);
            }
        }

        var from = _lastRowId;
        var added = await db.Mentions.AsNoTracking()
            .Where(m => m.Id > from)
            .Select(m => new { m.Id, m.WatchId, m.Fingerprint, m.CaseId })
            .ToListAsync(cancellationToken);
        foreach (var row in added)
        {
            if (row.Fingerprint != 0)
            {
                Add(row.WatchId, unchecked((ulong)row.Fingerprint), row.CaseId);
            }

            _lastRowId = Math.Max(_lastRowId, row.Id);
        }
    }

    private static int[] Keys(ulong fingerprint)
    {
        var (b0, b1, b2, b3) = CaseMention.Bands(fingerprint);
        return [b0, (1 << 16) | b1, (2 << 16) | b2, (3 << 16) | b3];
    }

    private void Add(string watchId, ulong fingerprint, long caseId)
    {
        if (!_watches.TryGetValue(watchId, out var watch))
        {
            _watches[watchId] = watch = new Watch();
        }

        if (!watch.Held.Add((fingerprint, caseId)))
        {
            return;
        }

        foreach (var key in Keys(fingerprint))
        {
            if (!watch.Bands.TryGetValue(key, out var held))
            {
                watch.Bands[key] = held = [];
            }

            held.Add((fingerprint, caseId));
        }

        Count++;
    }
}
