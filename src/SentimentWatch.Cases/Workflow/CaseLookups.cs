using Microsoft.EntityFrameworkCore;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Cases.Workflow;

/// <summary>
/// What a batch of complaints could match on existing cases, read with one query per kind for the
/// whole batch inside the intake transaction (decision 150). Most complaints start a new case:
/// their thread, original, near-duplicate and author lookups would find nothing, and each used to
/// cost a database round trip. A lookup runs only where these keys say it could find a row; every
/// case mention and case written during the batch is added, so later mentions of the same batch
/// still find what earlier ones opened. The keys are a superset of what the lookups can return,
/// so the answers are the same as asking every time.
/// </summary>
internal sealed class CaseLookups
{
    private readonly HashSet<string> _threadKeys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _mentionIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _authorKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<(string WatchId, int Band, int Value), List<ulong>> _bands = [];

    private CaseLookups()
    {
    }

    /// <summary>True while the batch holds changes not yet saved (see CaseDesk.SaveOrDeferAsync).</summary>
    public bool Unsaved { get; set; }

    /// <summary>Open cases per owner, read once per batch when the first case is assigned, then kept up to date.</summary>
    public Dictionary<string, int>? AgentLoad { get; set; }

    public static async Task<CaseLookups> ReadAsync(CasesDbContext db, IReadOnlyCollection<(Mention Mention, string WatchId)> complaints, CancellationToken cancellationToken)
    {
        var lookups = new CaseLookups();
        if (complaints.Count == 0)
        {
            return lookups;
        }

        var threadKeys = complaints.Select(c => CaseDesk.ThreadKey(c.Mention.Source, c.Mention.ThreadId)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (threadKeys.Length > 0)
        {
            lookups._threadKeys.UnionWith(await db.Mentions.AsNoTracking().Where(m => m.ThreadKey != null && threadKeys.Contains(m.ThreadKey))
                .Select(m => m.ThreadKey!).Distinct().ToListAsync(cancellationToken));
        }

        var originals = complaints.Select(c => c.Mention.DuplicateOf).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (originals.Length > 0)
        {
            lookups._mentionIds.UnionWith(await db.Mentions.AsNoTracking().Where(m => originals.Contains(m.MentionId)).Select(m => m.MentionId).ToListAsync(cancellationToken));
        }

        var authorKeys = complaints.Select(c => CaseDesk.AuthorKey(c.Mention.Source, c.Mention.Author)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (authorKeys.Length > 0)
        {
            lookups._authorKeys.UnionWith(await db.Cases.AsNoTracking().Where(c => c.AuthorKey != null && authorKeys.Contains(c.AuthorKey))
                .Select(c => c.AuthorKey!).Distinct().ToListAsync(cancellationToken));
        }

        var printed = complaints.Where(c => c.Mention.Fingerprint != 0).ToList();
        if (printed.Count > 0)
        {
            var watchIds = printed.Select(c => c.WatchId).Distinct(StringComparer.Ordinal).ToArray();
            var bands = printed.Select(c => CaseMention.Bands(c.Mention.Fingerprint)).ToList();
            var b0 = bands.Select(b => b.Item1).Distinct().ToArray();
            var b1 = bands.Select(b => b.Item2).Distinct().ToArray();
            var b2 = bands.Select(b => b.Item3).Distinct().ToArray();
            var b3 = bands.Select(b => b.Item4).Distinct().ToArray();
            var rows = await db.Mentions.AsNoTracking()
                .Where(m => watchIds.Contains(m.WatchId) && (b0.Contains(m.Band0) || b1.Contains(m.Band1) || b2.Contains(m.Band2) || b3.Contains(m.Band3)))
                .Select(m => new { m.WatchId, m.Fingerprint })
                .ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                lookups.AddFingerprint(row.WatchId, unchecked((ulong)row.Fingerprint));
            }
        }

        return lookups;
    }

    public bool MayHaveThread(string threadKey) => _threadKeys.Contains(threadKey);

    public bool MayHaveMention(string mentionId) => _mentionIds.Contains(mentionId);

    public bool MayHaveAuthor(string authorKey) => _authorKeys.Contains(authorKey);

    /// <summary>True when a case mention of <paramref name="watchId"/> shares a band with the fingerprint and is within the near-duplicate distance.</summary>
    public bool MayHaveNearDuplicate(string watchId, ulong fingerprint)
    {
        var (b0, b1, b2, b3) = CaseMention.Bands(fingerprint);
        return Near(watchId, 0, b0, fingerprint) || Near(watchId, 1, b1, fingerprint) || Near(watchId, 2, b2, fingerprint) || Near(watchId, 3, b3, fingerprint);
    }

    /// <summary>Remembers a case mention written in this batch.</summary>
    public void Added(CaseMention mention)
    {
        _mentionIds.Add(mention.MentionId);
        if (mention.ThreadKey is { } threadKey)
        {
            _threadKeys.Add(threadKey);
        }

        if (mention.Fingerprint != 0)
        {
            AddFingerprint(mention.WatchId, unchecked((ulong)mention.Fingerprint));
        }
    }

    /// <summary>Remembers a case written in this batch.</summary>
    public void Added(Case c)
    {
        if (c.AuthorKey is { } authorKey)
        {
            _authorKeys.Add(authorKey);
        }
    }

    private bool Near(string watchId, int band, int value, ulong fingerprint) =>
        _bands.TryGetValue((watchId, band, value), out var prints) && prints.Exists(p => SimHash.Distance(p, fingerprint) <= SimHash.NearDuplicateDistance);

    private void AddFingerprint(string watchId, ulong fingerprint)
    {
        var (b0, b1, b2, b3) = CaseMention.Bands(fingerprint);
        Add((watchId, 0, b0), fingerprint);
        Add((watchId, 1, b1), fingerprint);
        Add((watchId, 2, b2), fingerprint);
        Add((watchId, 3, b3), fingerprint);
    }

    private void Add((string, int, int) key, ulong fingerprint)
    {
        if (!_bands.TryGetValue(key, out var prints))
        {
            _bands[key] = prints = [];
        }

        prints.Add(fingerprint);
    }
}
