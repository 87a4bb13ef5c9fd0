using Microsoft.EntityFrameworkCore;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Cases.Workflow;

/// <summary>
/// Every case a batch of complaints could join, read with one query per kind for the whole batch
/// inside the intake transaction, and answered from memory after that (decisions 150 and 179).
/// Each complaint used to save the batch's work so far and ask the database which open case its
/// thread, original post, near-duplicate or author belonged to: a save and a query per complaint,
/// and every save compared every tracked row again. Now the candidate cases are loaded once
/// (tracked, so what intake changes is what later lookups see), and every case opened and every
/// mention attached during the batch is added here, so later complaints of the same batch find
/// them. The rules are the database queries' rules, applied to the same rows.
/// </summary>
internal sealed class CaseLookups
{
    private readonly Dictionary<long, Case> _cases = [];
    private readonly Dictionary<string, HashSet<long>> _byThread = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _byMention = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Case>> _byAuthor = new(StringComparer.Ordinal);
    private readonly Dictionary<(string WatchId, int Band, int Value), List<(ulong Print, long CaseId)>> _bands = [];

    private CaseLookups()
    {
    }

    /// <summary>True while the batch holds changes not yet saved (see CaseDesk.SaveOrDeferAsync).</summary>
    public bool Unsaved { get; set; }

    /// <summary>Ids for the cases the batch opens, without a save per case (decision 188); null outside a pipeline batch.</summary>
    public CaseIds? Ids { get; set; }

    /// <summary>How many complaints of the batch are still to be taken in (sizes a PostgreSQL id reservation).</summary>
    public int MayStillOpen { get; set; } = 1;

    /// <summary>Cases of the batch left unassigned because every skilled agent was at the limit, per team and category: one log line per batch, not one per case.</summary>
    public Dictionary<(string Team, string Category), int> WaitingForAgents { get; } = [];

    /// <summary>Open cases per owner, read once per batch when the first case is assigned, then kept up to date.</summary>
    public Dictionary<string, int>? AgentLoad { get; set; }

    /// <summary>
    /// Reads the batch's candidates: case mentions sharing a thread, an original post or a
    /// fingerprint band with a complaint, and the cases of the complaints' authors. Only cases that
    /// are open, or resolved since <paramref name="reopenSince"/> (the one way intake opens a closed
    /// case again), can be joined, so only those are loaded. With <paramref name="bands"/> (SQLite) the
    /// near-duplicates are found in memory and read by key; without (PostgreSQL) by the indexed bands.
    /// </summary>
    public static async Task<CaseLookups> ReadAsync(CasesDbContext db, IReadOnlyCollection<(Mention Mention, string WatchId)> complaints, DateTimeOffset reopenSince, CaseBands? bands, CancellationToken cancellationToken)
    {
        var lookups = new CaseLookups();
        if (complaints.Count == 0)
        {
            return lookups;
        }

        var caseIds = new HashSet<long>();
        var threadKeys = complaints.Select(c => CaseDesk.ThreadKey(c.Mention.Source, c.Mention.ThreadId)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (threadKeys.Length > 0)
        {
            var rows = await db.Mentions.AsNoTracking().Where(m => m.ThreadKey != null && threadKeys.Contains(m.ThreadKey))
                .Select(m => new { ThreadKey = m.ThreadKey!, m.CaseId }).Distinct().ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                lookups.AddThread(row.ThreadKey, row.CaseId);
                caseIds.Add(row.CaseId);
            }
        }

        var originals = complaints.Select(c => c.Mention.DuplicateOf).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (originals.Length > 0)
        {
            var rows = await db.Mentions.AsNoTracking().Where(m => originals.Contains(m.MentionId)).Select(m => new { m.MentionId, m.CaseId }).ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                lookups._byMention[row.MentionId] = row.CaseId;
                caseIds.Add(row.CaseId);
            }
        }

        var printed = complaints.Where(c => c.Mention.Fingerprint != 0).ToList();
        if (printed.Count > 0)
        {
            if (bands is not null)
            {
                // SQLite: the bands are held in memory (decision 194), with the case each print was written on; a
                // case merged since hands its rows to the survivor, so follow it there as the rows went.
                var near = await bands.NearAsync(db, printed.Select(c => (c.WatchId, c.Mention.Fingerprint)), cancellationToken);
                var survivors = await SurvivorsAsync(db, near.Select(n => n.CaseId).ToHashSet(), cancellationToken);
                foreach (var (watchId, print, caseId) in near)
                {
                    var current = survivors.GetValueOrDefault(caseId, caseId);
                    lookups.AddFingerprint(watchId, print, current);
                    caseIds.Add(current);
                }
            }
            else
            {
                var watchIds = printed.Select(c => c.WatchId).Distinct(StringComparer.Ordinal).ToArray();
                var bandValues = printed.Select(c => CaseMention.Bands(c.Mention.Fingerprint)).ToList();
                var b0 = bandValues.Select(b => b.Item1).Distinct().ToArray();
                var b1 = bandValues.Select(b => b.Item2).Distinct().ToArray();
                var b2 = bandValues.Select(b => b.Item3).Distinct().ToArray();
                var b3 = bandValues.Select(b => b.Item4).Distinct().ToArray();
                var rows = await db.Mentions.AsNoTracking()
                    .Where(m => watchIds.Contains(m.WatchId) && (b0.Contains(m.Band0) || b1.Contains(m.Band1) || b2.Contains(m.Band2) || b3.Contains(m.Band3)))
                    .Select(m => new { m.WatchId, m.Fingerprint, m.CaseId })
                    .ToListAsync(cancellationToken);
                foreach (var row in rows)
                {
                    lookups.AddFingerprint(row.WatchId, unchecked((ulong)row.Fingerprint), row.CaseId);
                    caseIds.Add(row.CaseId);
                }
            }
        }

        var authorKeys = complaints.Select(c => CaseDesk.AuthorKey(c.Mention.Source, c.Mention.Author)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var cases = new List<Case>();
        if (authorKeys.Length > 0)
        {
            cases.AddRange(await db.Cases
                .Where(c => c.AuthorKey != null && authorKeys.Contains(c.AuthorKey) && (c.IsOpen || (c.Status == CaseStatus.Resolved && c.MergedIntoId == null && c.ResolvedAt >= reopenSince)))
                .ToListAsync(cancellationToken));
            caseIds.ExceptWith(cases.Select(c => c.Id));
        }

        if (caseIds.Count > 0)
        {
            var ids = caseIds.ToArray();
            cases.AddRange(await db.Cases
                .Where(c => ids.Contains(c.Id) && (c.IsOpen || (c.Status == CaseStatus.Resolved && c.MergedIntoId == null && c.ResolvedAt >= reopenSince)))
                .ToListAsync(cancellationToken));
        }

        foreach (var c in cases)
        {
            lookups.Added(c);
        }

        return lookups;
    }

    /// <summary>Where each merged case of <paramref name="caseIds"/> ended up (following merges of merges); cases not merged are left out.</summary>
    private static async Task<Dictionary<long, long>> SurvivorsAsync(CasesDbContext db, HashSet<long> caseIds, CancellationToken cancellationToken)
    {
        var survivors = new Dictionary<long, long>();
        var asking = caseIds.ToArray();
        var next = new Dictionary<long, long>();
        while (asking.Length > 0)
        {
            var merged = await db.Cases.AsNoTracking().Where(c => asking.Contains(c.Id) && c.MergedIntoId != null)
                .Select(c => new { c.Id, Into = c.MergedIntoId!.Value }).ToListAsync(cancellationToken);
            foreach (var m in merged)
            {
                next[m.Id] = m.Into;
            }

            asking = merged.Select(m => m.Into).Where(id => !next.ContainsKey(id)).Distinct().ToArray();
        }

        foreach (var id in caseIds)
        {
            var current = id;
            for (var hops = 0; next.TryGetValue(current, out var into) && hops < next.Count; hops++)
            {
                current = into;
            }

            if (current != id)
            {
                survivors[id] = current;
            }
        }

        return survivors;
    }

    /// <summary>The open case a complaint joins, by the first rule that finds one: thread, original post, near-duplicate, author.</summary>
    public (Case? Case, string Reason) FindOpenCase(Mention mention, string watchId, DateTimeOffset authorSince)
    {
        if (CaseDesk.ThreadKey(mention.Source, mention.ThreadId) is { } threadKey && _byThread.TryGetValue(threadKey, out var threadCases)
            && Latest(threadCases.Select(Known), c => c.IsOpen) is { } byThread)
        {
            return (byThread, "thread");
        }

        if (mention.DuplicateOf is { } original && _byMention.TryGetValue(original, out var originalCase)
            && Known(originalCase) is { IsOpen: true } byRepost)
        {
            return (byRepost, "repost");
        }

        if (mention.Fingerprint != 0 && Latest(NearDuplicateCases(watchId, mention.Fingerprint), c => c.IsOpen) is { } near)
        {
            return (near, "near_duplicate");
        }

        if (CaseDesk.AuthorKey(mention.Source, mention.Author) is { } authorKey && _byAuthor.TryGetValue(authorKey, out var theirs)
            && Latest(theirs, c => c.WatchId == watchId && c.IsOpen && (c.LastMentionAt >= authorSince || c.Status == CaseStatus.WaitingOnCustomer)) is { } byAuthor)
        {
            return (byAuthor, "author");
        }

        return (null, string.Empty);
    }

    /// <summary>
    /// The author's most recently resolved case of the watch, resolved since <paramref name="since"/>: the one a new
    /// complaint reopens when it was published after the resolution (a post crawled late but written before it only
    /// attaches, decision 253).
    /// </summary>
    public Case? RecentlyResolved(string authorKey, string watchId, DateTimeOffset since)
    {
        if (!_byAuthor.TryGetValue(authorKey, out var theirs))
        {
            return null;
        }

        return theirs.Where(c => c.WatchId == watchId && c.Status == CaseStatus.Resolved && c.MergedIntoId == null && c.ResolvedAt >= since)
            .OrderByDescending(c => c.ResolvedAt).ThenByDescending(c => c.Id)
            .FirstOrDefault();
    }

    /// <summary>Remembers a case mention written in this batch (its case must be known here).</summary>
    public void Added(CaseMention mention)
    {
        _byMention[mention.MentionId] = mention.CaseId;
        if (mention.ThreadKey is { } threadKey)
        {
            AddThread(threadKey, mention.CaseId);
        }

        if (mention.Fingerprint != 0)
        {
            AddFingerprint(mention.WatchId, unchecked((ulong)mention.Fingerprint), mention.CaseId);
        }
    }

    /// <summary>Remembers a case read for, or opened in, this batch (tracked by the batch's context).</summary>
    public void Added(Case c)
    {
        if (!_cases.TryAdd(c.Id, c))
        {
            return;
        }

        if (c.AuthorKey is { } authorKey)
        {
            if (!_byAuthor.TryGetValue(authorKey, out var theirs))
            {
                _byAuthor[authorKey] = theirs = [];
            }

            theirs.Add(c);
        }
    }

    private Case? Known(long caseId) => _cases.GetValueOrDefault(caseId);

    private static Case? Latest(IEnumerable<Case?> cases, Func<Case, bool> where) =>
        cases.OfType<Case>().Where(where).OrderByDescending(c => c.LastMentionAt).ThenByDescending(c => c.Id).FirstOrDefault();

    private IEnumerable<Case?> NearDuplicateCases(string watchId, ulong fingerprint)
    {
        var (b0, b1, b2, b3) = CaseMention.Bands(fingerprint);
        var seen = new HashSet<long>();
        foreach (var key in new[] { (watchId, 0, b0), (watchId, 1, b1), (watchId, 2, b2), (watchId, 3, b3) })
        {
            if (!_bands.TryGetValue(key, out var prints))
            {
                continue;
            }

            foreach (var (print, caseId) in prints)
            {
                if (SimHash.Distance(print, fingerprint) <= SimHash.NearDuplicateDistance && seen.Add(caseId))
                {
                    yield return Known(caseId);
                }
            }
        }
    }

    private void AddThread(string threadKey, long caseId)
    {
        if (!_byThread.TryGetValue(threadKey, out var caseIds))
        {
            _byThread[threadKey] = caseIds = [];
        }

        caseIds.Add(caseId);
    }

    private void AddFingerprint(string watchId, ulong fingerprint, long caseId)
    {
        var (b0, b1, b2, b3) = CaseMention.Bands(fingerprint);
        Add((watchId, 0, b0), fingerprint, caseId);
        Add((watchId, 1, b1), fingerprint, caseId);
        Add((watchId, 2, b2), fingerprint, caseId);
        Add((watchId, 3, b3), fingerprint, caseId);
    }

    private void Add((string, int, int) key, ulong fingerprint, long caseId)
    {
        if (!_bands.TryGetValue(key, out var prints))
        {
            _bands[key] = prints = [];
        }

        prints.Add((fingerprint, caseId));
    }
}
