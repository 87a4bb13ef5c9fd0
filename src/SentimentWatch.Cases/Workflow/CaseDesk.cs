using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Intake;
using SentimentWatch.Cases.Sla;
using SentimentWatch.Core;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Privacy;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Storage;

namespace SentimentWatch.Cases.Workflow;

/// <summary>
/// Where complaint cases are opened and worked. As a pipeline observer it opens a case per
/// complaint and attaches later mentions of the same complaint; people assign, take, move, note,
/// reply, merge, override and record satisfaction through it. Every change is one transaction
/// with its audit entries and moves the case's row version; people's commands, and what the pipeline
/// does that changes what they decide on (a resume, a reopen, an assignment), move its version (the
/// ETag) too, and a mere attachment does not (decision 258).
/// </summary>
public sealed class CaseDesk(
    IDbContextFactory<CasesDbContext> dbs,
    IOptionsMonitor<CasesOptions> options,
    IEnumerable<IAlertDirectory> alertDirectories,
    IEnumerable<IMentionIndex> mentionIndexes,
    IEnumerable<IComplaintTaxonomy> taxonomies,
    TimeProvider clock,
    ILogger<CaseDesk> logger) : IMentionObserver
{
    public const string PipelineActor = "pipeline";
    private const int ExcerptLength = 500;
    private const int TitleLength = 120;

    // One writer at a time: intake reads then writes (attach or open), and people change cases too.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IAlertDirectory? _alerts = alertDirectories.FirstOrDefault();
    private readonly IMentionIndex? _index = mentionIndexes.FirstOrDefault();
    private readonly IComplaintTaxonomy? _taxonomy = taxonomies.FirstOrDefault();
    private CasesOptions? _policiesFrom;
    private CaseBands? _bands;
    private SlaPolicies? _policies;

    public CasesOptions Options => options.CurrentValue;

    public SlaPolicies Policies
    {
        get
        {
            var current = options.CurrentValue;
            if (!ReferenceEquals(current, _policiesFrom) || _policies is null)
            {
                _policies = new SlaPolicies(current);
                _policiesFrom = current;
            }

            return _policies;
        }
    }

    public IAlertDirectory? Alerts => _alerts;

    /// <summary>Runs <paramref name="work"/> as the one writer (the SLA watch changes cases too).</summary>
    internal async Task<T> AsWriterAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            _gate.Release();
        }
    }

    // ---- intake -------------------------------------------------------------------------

    public async ValueTask OnIndexedAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (settings.Watches.Count == 0 || mentions.Count == 0)
        {
            return;
        }

        // Filter in memory first: most mentions are not complaints and must cost no database work.
        var complaints = new List<(Mention Mention, WatchCaseSettings Watch)>();
        foreach (var mention in mentions)
        {
            if (WatchFor(mention, settings) is { } watch && ComplaintClassifier.Qualifies(mention, watch))
            {
                complaints.Add((mention, watch));
            }
        }

        // Any other post by a customer whose case waits on them may be their answer ("thanks, got
        // it" is not a complaint). One indexed read per batch, outside the writer gate; usually empty.
        var answers = AnswerCandidates(mentions, complaints, settings);
        if (answers.Count > 0)
        {
            await using var peek = await dbs.CreateDbContextAsync(cancellationToken);
            if ((await MatchAnswersAsync(peek, answers, cancellationToken)).Count == 0)
            {
                answers = [];
            }
        }

        if (complaints.Count == 0 && answers.Count == 0)
        {
            return;
        }

        // Asked before the write transaction: the alert store is another context on the same file.
        var alertsByMention = await OpenAlertsAsync(complaints.Select(c => c.Mention.Id).ToArray(), cancellationToken);

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            // Other pipeline workers on the same PostgreSQL: one intake at a time there too, or two
            // workers each open a case for one author's complaints (decision 166).
            await using var intakeLock = await StateStoreLock.HoldAsync(db, StateStoreLock.CaseIntake, cancellationToken);
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            // A failed SaveChanges abandons the whole batch: no savepoint per SaveChanges to journal pages for (decision 231).
            db.Database.AutoSavepointsEnabled = false;
            db.IntakeBatch = true;
            var ids = complaints.Select(c => c.Mention.Id).Concat(answers.Select(a => a.Id)).ToArray();
            var known = (await db.Mentions.Where(m => ids.Contains(m.MentionId)).Select(m => m.MentionId).ToListAsync(cancellationToken))
                .ToHashSet(StringComparer.Ordinal);
            // On SQLite the near-duplicate bands are held here rather than indexed in the store (decision 194).
            var bands = db.Database.IsSqlite() ? _bands ??= new CaseBands(clock) : null;
            var lookups = await CaseLookups.ReadAsync(db, complaints.Select(c => (c.Mention, c.Watch.Watch)).ToList(), clock.GetUtcNow() - settings.ReopenWindow, bands, cancellationToken);
            lookups.Ids = new CaseIds(db);
            var opened = 0;
            var attached = 0;
            var left = complaints.Count;
            foreach (var (mention, watch) in complaints)
            {
                lookups.MayStillOpen = left--;
                // Re-delivery after a crash: a mention already on a case changes nothing.
                if (!known.Add(mention.Id))
                {
                    continue;
                }

                var alertIds = alertsByMention.GetValueOrDefault(mention.Id) ?? [];
                if (await IntakeOneAsync(db, mention, watch, alertIds, settings, lookups, cancellationToken))
                {
                    opened++;
                }
                else
                {
                    attached++;
                }
            }

            var resumed = 0;
            if (answers.Count > 0)
            {
                // Read again inside the transaction: a person may have moved the case meanwhile.
                await FlushAsync(db, lookups, cancellationToken);
                var now = clock.GetUtcNow();
                foreach (var (mention, caseId) in await MatchAnswersAsync(db, answers, cancellationToken))
                {
                    if (!known.Add(mention.Id))
                    {
                        continue;
                    }

                    var c = await db.Cases.SingleAsync(x => x.Id == caseId, cancellationToken);
                    if (c.Status == CaseStatus.WaitingOnCustomer)
                    {
                        await AttachAsync(db, c, mention, c.WatchId, "customer_reply", [], now, cancellationToken, lookups);
                        resumed++;
                    }
                }
            }

            await FlushAsync(db, lookups, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            ReportWaitingForAgents(lookups.WaitingForAgents);

            if (opened + attached + resumed > 0)
            {
                logger.LogInformation("Complaint intake: {Opened} cases opened, {Attached} mentions attached to open cases, {Resumed} waiting cases resumed by the customer's reply",
                    opened, attached, resumed);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Logs cases left unassigned because a team's skilled agents are all at their limit: at most one line per team and
    /// category per <see cref="WaitingReportInterval"/>, counting every case since the last line. During a storm intake
    /// runs several times a second, and a line per batch (or per case, before) buried the log.
    /// </summary>
    private void ReportWaitingForAgents(Dictionary<(string Team, string Category), int> waiting)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, count) in waiting)
        {
            var (since, pending) = _waitingReports.GetValueOrDefault(key, (DateTimeOffset.MinValue, 0));
            pending += count;
            if (now - since >= WaitingReportInterval)
            {
                logger.LogWarning("Unassigned: {Waiting} new case(s) of category {Category} for team {Team} since the last report, whose agents with that skill are all at the open-case limit; they are assigned as agents free up",
                    pending, key.Category, key.Team);
                _waitingReports[key] = (now, 0);
            }
            else
            {
                _waitingReports[key] = (since, pending);
            }
        }
    }

    /// <summary>How often the unassigned-cases warning may repeat for one team and category.</summary>
    internal static readonly TimeSpan WaitingReportInterval = TimeSpan.FromMinutes(1);

    // Read and written under the writer gate.
    private readonly Dictionary<(string Team, string Category), (DateTimeOffset Since, int Pending)> _waitingReports = [];

    /// <summary>
    /// Posts that are not complaints but could be a customer's answer: they have an author, and
    /// either match a cases-enabled watch or sit in a thread (a reply in the thread need not name the brand).
    /// </summary>
    private static List<Mention> AnswerCandidates(IReadOnlyList<Mention> mentions, List<(Mention Mention, WatchCaseSettings Watch)> complaints, CasesOptions settings)
    {
        var complaintIds = complaints.Select(c => c.Mention.Id).ToHashSet(StringComparer.Ordinal);
        var candidates = new List<Mention>();
        foreach (var mention in mentions)
        {
            if (!complaintIds.Contains(mention.Id) && !string.IsNullOrWhiteSpace(mention.Author)
                && (!string.IsNullOrWhiteSpace(mention.ThreadId) || mention.Watches.Any(w => settings.ForWatch(w) is not null)))
            {
                candidates.Add(mention);
            }
        }

        return candidates;
    }

    /// <summary>
    /// Pairs each candidate with the case waiting on its author: same customer (source + handle)
    /// and either the case's watch or one of the case's threads.
    /// </summary>
    private static async Task<List<(Mention Mention, long CaseId)>> MatchAnswersAsync(CasesDbContext db, List<Mention> candidates, CancellationToken cancellationToken)
    {
        var authorKeys = candidates.Select(m => AuthorKey(m.Source, m.Author)!).Distinct(StringComparer.Ordinal).ToArray();
        var waiting = await db.Cases.AsNoTracking()
            .Where(c => c.Status == CaseStatus.WaitingOnCustomer && c.MergedIntoId == null && c.AuthorKey != null && authorKeys.Contains(c.AuthorKey))
            .Select(c => new { c.Id, c.WatchId, AuthorKey = c.AuthorKey! })
            .ToListAsync(cancellationToken);
        if (waiting.Count == 0)
        {
            return [];
        }

        var ids = waiting.Select(c => c.Id).ToArray();
        var threads = (await db.Mentions.AsNoTracking().Where(m => ids.Contains(m.CaseId) && m.ThreadKey != null)
                .Select(m => new { m.CaseId, ThreadKey = m.ThreadKey! }).ToListAsync(cancellationToken))
            .ToLookup(m => m.CaseId, m => m.ThreadKey);
        var matches = new List<(Mention, long)>();
        foreach (var mention in candidates)
        {
            var authorKey = AuthorKey(mention.Source, mention.Author);
            var threadKey = ThreadKey(mention.Source, mention.ThreadId);
            var theirs = waiting.Where(c => c.AuthorKey == authorKey).ToList();
            var match = theirs.FirstOrDefault(c => threadKey is not null && threads[c.Id].Contains(threadKey, StringComparer.Ordinal))
                ?? theirs.FirstOrDefault(c => mention.Watches.Contains(c.WatchId, StringComparer.Ordinal));
            if (match is not null)
            {
                matches.Add((mention, match.Id));
            }
        }

        return matches;
    }

    private static WatchCaseSettings? WatchFor(Mention mention, CasesOptions settings)
    {
        foreach (var watch in mention.Watches)
        {
            if (settings.ForWatch(watch) is { } enabled)
            {
                return enabled;
            }
        }

        if (mention.DirectComplaint)
        {
            return settings.DirectComplaintWatch is { Length: > 0 } direct
                ? settings.ForWatch(direct)
                : settings.Watches.FirstOrDefault(w => w.Enabled);
        }

        return null;
    }

    private async Task<Dictionary<string, long[]>> OpenAlertsAsync(IReadOnlyList<string> mentionIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        if (_alerts is null || mentionIds.Count == 0)
        {
            return result;
        }

        try
        {
            // One question for the batch; only when it finds something, which mention is in which
            // (one query for the batch too: while an incident was open this asked once per mention).
            var any = await _alerts.OpenAlertsForMentionsAsync(mentionIds.ToArray(), cancellationToken);
            if (any.Count == 0)
            {
                return result;
            }

            foreach (var (id, alertIds) in await _alerts.OpenAlertIdsByMentionAsync(mentionIds, cancellationToken))
            {
                result[id] = alertIds;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The link is a courtesy; a failing alert store must not stop complaint intake.
            logger.LogWarning(ex, "Could not ask the alert directory about {Count} complaint mentions; cases open without alert links", mentionIds.Count);
        }

        return result;
    }

    /// <summary>Attaches the mention to the open case of the same complaint, reopens a recent one, or opens a case. True when a case was opened.</summary>
    private async Task<bool> IntakeOneAsync(CasesDbContext db, Mention mention, WatchCaseSettings watch, long[] alertIds, CasesOptions settings, CaseLookups lookups, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (existing, reason) = lookups.FindOpenCase(mention, watch.Watch, mention.PublishedAt - settings.AuthorWindow);
        if (existing is not null)
        {
            await AttachAsync(db, existing, mention, watch.Watch, reason, alertIds, now, cancellationToken, lookups);
            return false;
        }

        if (AuthorKey(mention.Source, mention.Author) is { } authorKey
            && lookups.RecentlyResolved(authorKey, watch.Watch, now - settings.ReopenWindow) is { } resolved)
        {
            if (PublishedBefore(mention, resolved.ResolvedAt))
            {
                // Crawled late, written before the case was resolved: part of the complaint that was resolved, not a new
                // one. It goes on the record; the resolution and its follow-up stand.
                await AttachAsync(db, resolved, mention, watch.Watch, "before_resolution", alertIds, now, cancellationToken, lookups);
                return false;
            }

            Reopen(db, resolved, PipelineActor, $"the same customer complained again (mention {mention.Id})", now, lookups);
            await AttachAsync(db, resolved, mention, watch.Watch, "reopened", alertIds, now, cancellationToken, lookups);
            return false;
        }

        await OpenAsync(db, mention, watch, alertIds, PipelineActor, "opened", now, cancellationToken, lookups);
        return true;
    }

    private async Task<Case> OpenAsync(CasesDbContext db, Mention mention, WatchCaseSettings watch, long[] alertIds, string who, string reason, DateTimeOffset now, CancellationToken cancellationToken, CaseLookups? lookups = null)
    {
        var settings = options.CurrentValue;
        var category = ComplaintClassifier.Category(mention);
        var facts = new ComplaintFacts(
            mention.Sentiment?.Negative ?? 0,
            mention.Engagement.Total,
            mention.RiskTerms,
            mention.Source,
            mention.Author,
            category,
            alertIds.Length > 0,
            mention.DirectComplaint);
        var priority = ComplaintClassifier.Priority(facts, settings);
        var publishedAt = mention.PublishedAt.ToUniversalTime();
        var c = new Case
        {
            WatchId = watch.Watch,
            Title = TitleOf(mention),
            Category = category,
            Priority = priority,
            Team = TeamFor(watch, category, settings),
            Author = mention.Author,
            AuthorKey = AuthorKey(mention.Source, mention.Author),
            Source = mention.Source,
            DirectComplaint = mention.DirectComplaint,
            Negative = mention.Sentiment?.Negative ?? 0,
            Reach = mention.Engagement.Total,
            RiskTerms = string.Join('\t', mention.RiskTerms),
            OpenedAt = now,
            // The customer has been waiting since they posted, but the desk is not charged for more than
            // SlaMaxBackdate before it could know (decision 226); a clock in the future makes no sense.
            ClockStartedAt = settings.ClockStart(publishedAt, now),
            LastMentionAt = publishedAt,
            UpdatedAt = now,
            AlertId = alertIds.Length > 0 ? alertIds[0] : null,
        };
        c.SetStatus(CaseStatus.New);
        c.ApplyPolicy(Policies.For(priority), Policies.CalendarOf(c));
        if (lookups?.Ids is { } ids)
        {
            // In a pipeline batch the id comes without a save; the batch's one save writes the case (decision 188).
            c.Id = await ids.NextAsync(lookups.MayStillOpen, cancellationToken);
            db.Cases.Add(c);
        }
        else
        {
            db.Cases.Add(c);
            // The case's id is needed now; this also writes whatever the batch deferred.
            await db.SaveChangesAsync(cancellationToken);
            if (lookups is not null)
            {
                lookups.Unsaved = false;
            }
        }

        var caseMention = ToCaseMention(c.Id, mention, watch.Watch, reason, now);
        db.Mentions.Add(caseMention);
        lookups?.Added(c);
        lookups?.Added(caseMention);
        Audit(db, c, who, "opened", null, $"{CasePriority.ToWire(priority)} {category} from mention {mention.Id}", now,
            mention.DirectComplaint ? "direct complaint" : null);
        foreach (var alertId in alertIds)
        {
            db.AlertLinks.Add(new CaseAlertLink { CaseId = c.Id, AlertId = alertId, LinkedAt = now });
            Audit(db, c, who, "alert_linked", null, $"alert {alertId}", now);
        }

        await SaveOrDeferAsync(db, lookups, cancellationToken);
        if (watch.AutoAssign && c.Team is not null)
        {
            await AssignRoundRobinAsync(db, c, who, now, cancellationToken, lookups);
        }

        return c;
    }

    private async Task AttachAsync(CasesDbContext db, Case c, Mention mention, string watchId, string reason, long[] alertIds, DateTimeOffset now, CancellationToken cancellationToken, CaseLookups? lookups = null)
    {
        var caseMention = ToCaseMention(c.Id, mention, watchId, reason, now);
        db.Mentions.Add(caseMention);
        lookups?.Added(caseMention);
        var publishedAt = mention.PublishedAt.ToUniversalTime();
        if (publishedAt > c.LastMentionAt)
        {
            c.LastMentionAt = publishedAt;
        }

        Audit(db, c, PipelineActor, "mention_attached", null, $"mention {mention.Id} ({reason})", now);
        // Only the customer's own post is their answer (same customer as MatchAnswersAsync pairs): another
        // person's complaint in the thread, or a stranger's repost, is the same complaint but answers nothing.
        var resumed = c.Status == CaseStatus.WaitingOnCustomer && c.AuthorKey is not null
            && string.Equals(AuthorKey(mention.Source, mention.Author), c.AuthorKey, StringComparison.Ordinal);
        if (resumed)
        {
            // The customer spoke again: the clocks resume and the case is back with its owner.
            c.Resume(now, Policies.CalendarOf(c));
            Audit(db, c, PipelineActor, "status", CaseStatuses.ToWire(c.Status), CaseStatuses.ToWire(CaseStatus.InProgress), now, "customer replied");
            c.SetStatus(CaseStatus.InProgress);
            c.UpdateDueKey();
        }

        // Most mentions belong to no alert: ask for the case's links only when there is one to add.
        if (alertIds.Length > 0)
        {
            await FlushAsync(db, lookups, cancellationToken);
        }

        var known = alertIds.Length == 0 ? [] : await db.AlertLinks.Where(l => l.CaseId == c.Id).Select(l => l.AlertId).ToListAsync(cancellationToken);
        foreach (var alertId in alertIds.Except(known))
        {
            db.AlertLinks.Add(new CaseAlertLink { CaseId = c.Id, AlertId = alertId, LinkedAt = now });
            c.AlertId ??= alertId;
            Audit(db, c, PipelineActor, "alert_linked", null, $"alert {alertId}", now);
        }

        // More evidence (a mention, an alert link, a later LastMentionAt) leaves the agent's decisions as they were, and a
        // hot case attracts it every few seconds: only a resume moves the ETag (a reopen moved it in Reopen). Decision 258.
        c.Touch(now, revised: resumed);
        await SaveOrDeferAsync(db, lookups, cancellationToken);
    }

    /// <summary>
    /// Outside a pipeline batch, saves now. In one, the save waits for the next one the batch needs
    /// anyway (a new case's id, a lookup that reads what was written, the end of the batch): one
    /// round trip per opened case instead of three, in the same transaction (decision 150).
    /// </summary>
    private static async Task SaveOrDeferAsync(CasesDbContext db, CaseLookups? lookups, CancellationToken cancellationToken)
    {
        if (lookups is null)
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        else
        {
            lookups.Unsaved = true;
        }
    }

    /// <summary>Writes what the batch deferred, before a query that must see it.</summary>
    private static async Task FlushAsync(CasesDbContext db, CaseLookups? lookups, CancellationToken cancellationToken)
    {
        if (lookups is { Unsaved: true })
        {
            await db.SaveChangesAsync(cancellationToken);
            lookups.Unsaved = false;
        }
    }

    private void Reopen(CasesDbContext db, Case c, string who, string reason, DateTimeOffset now, CaseLookups? lookups = null)
    {
        var calendar = Policies.CalendarOf(c);
        if (c.ResolvedAt is { } resolvedAt)
        {
            // The time it sat resolved is not the team's: it does not count against the resolution clock.
            c.RecordPause(resolvedAt, now, calendar);
        }

        var before = CaseStatuses.ToWire(c.Status);
        c.ResolvedAt = null;
        c.ResolutionWorking = null;
        c.ReopenCount++;
        c.SetStatus(c.Owner is null ? CaseStatus.New : CaseStatus.InProgress);
        if (c.IsOpen && c.Owner is { } owner && lookups?.AgentLoad is { } load)
        {
            // Open again with its owner: it counts against the owner's open-case limit.
            load[owner] = load.GetValueOrDefault(owner) + 1;
        }

        c.RecomputeDue(calendar);
        foreach (var followUp in db.FollowUps.Where(f => f.CaseId == c.Id && f.DoneAt == null))
        {
            followUp.DoneAt = now;
            followUp.DoneBy = who;
            followUp.Comment = "cancelled: case reopened";
        }

        Audit(db, c, who, "reopened", before, CaseStatuses.ToWire(c.Status), now, reason);
        c.Touch(now, revised: true);
    }

    private static CaseMention ToCaseMention(long caseId, Mention mention, string watchId, string reason, DateTimeOffset now)
    {
        var (b0, b1, b2, b3) = CaseMention.Bands(mention.Fingerprint);
        return new CaseMention
        {
            CaseId = caseId,
            MentionId = mention.Id,
            WatchId = watchId,
            Source = mention.Source,
            ThreadKey = ThreadKey(mention.Source, mention.ThreadId),
            Author = mention.Author,
            Url = mention.Url,
            Title = mention.Title,
            Excerpt = mention.Text.Length <= ExcerptLength ? mention.Text : mention.Text[..ExcerptLength] + "…",
            Topic = mention.Topic?.Topic,
            Negative = mention.Sentiment?.Negative ?? 0,
            Fingerprint = unchecked((long)mention.Fingerprint),
            Band0 = mention.Fingerprint == 0 ? -1 : b0,
            Band1 = mention.Fingerprint == 0 ? -1 : b1,
            Band2 = mention.Fingerprint == 0 ? -1 : b2,
            Band3 = mention.Fingerprint == 0 ? -1 : b3,
            PublishedAt = mention.PublishedAt.ToUniversalTime(),
            AttachedAt = now,
            Reason = reason,
        };
    }

    private static string TitleOf(Mention mention)
    {
        var text = string.IsNullOrWhiteSpace(mention.Title) ? mention.Text : mention.Title;
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= TitleLength ? text : text[..TitleLength] + "…";
    }

    public static string? ThreadKey(string source, string? threadId) =>
        string.IsNullOrWhiteSpace(threadId) ? null : source + "\u001f" + threadId.Trim();

    public static string? AuthorKey(string source, string? author) =>
        string.IsNullOrWhiteSpace(author) ? null : source + "\u001f" + author.Trim().ToLowerInvariant();

    private static string? TeamFor(WatchCaseSettings watch, string category, CasesOptions settings)
    {
        if (!string.IsNullOrEmpty(watch.Team))
        {
            return watch.Team;
        }

        return settings.Teams.FirstOrDefault(t => t.Categories.Count == 0 || t.Categories.Contains(category, StringComparer.Ordinal))?.Id;
    }

    // ---- assignment ---------------------------------------------------------------------

    /// <summary>
    /// Round-robin within the case's team among agents whose skills include its category and who
    /// are under their open-case limit, continuing after the last agent picked (persisted).
    /// </summary>
    private async Task<bool> AssignRoundRobinAsync(CasesDbContext db, Case c, string who, DateTimeOffset now, CancellationToken cancellationToken, CaseLookups? lookups = null,
        Dictionary<(string Team, string Category), int>? waitingForAgents = null)
    {
        var settings = options.CurrentValue;
        // The rotation runs over the whole team in configured order, so one cursor serves every category.
        var team = settings.Agents.Where(a => a.Team == c.Team).ToList();
        var agents = team.Where(a => a.HasSkill(c.Category)).ToList();
        if (agents.Count == 0)
        {
            logger.LogWarning("Case {CaseId} ({Category}) waits unassigned: team {Team} has no agent with that skill", c.Id, c.Category, c.Team);
            return false;
        }

        // In a pipeline batch every configured agent's load is read once and kept up to date here;
        // the gate keeps every other writer out meanwhile.
        var ids = (lookups is null ? agents : settings.Agents).Select(a => a.Id).Distinct(StringComparer.Ordinal).ToArray();
        if (lookups is { AgentLoad: null })
        {
            await FlushAsync(db, lookups, cancellationToken);
        }

        var load = lookups?.AgentLoad ?? await db.Cases.Where(x => x.IsOpen && x.Owner != null && ids.Contains(x.Owner))
            .GroupBy(x => x.Owner!)
            .Select(g => new { Owner = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Owner, x => x.Count, StringComparer.Ordinal, cancellationToken);
        if (lookups is not null)
        {
            lookups.AgentLoad = load;
        }

        var cursor = await db.AssignmentCursors.FindAsync([c.Team!], cancellationToken);
        if (cursor is null)
        {
            cursor = new AssignmentCursor { Team = c.Team! };
            db.AssignmentCursors.Add(cursor);
        }

        var start = cursor.LastAgent is null ? 0 : team.FindIndex(a => a.Id == cursor.LastAgent) + 1;
        for (var i = 0; i < team.Count; i++)
        {
            var agent = team[(start + i) % team.Count];
            if (agent.HasSkill(c.Category) && load.GetValueOrDefault(agent.Id) < agent.MaxOpenCases)
            {
                cursor.LastAgent = agent.Id;
                load[agent.Id] = load.GetValueOrDefault(agent.Id) + 1;
                Audit(db, c, who, "owner", c.Owner, agent.Id, now, "round-robin");
                c.Owner = agent.Id;
                if (c.Status == CaseStatus.New)
                {
                    Audit(db, c, who, "status", CaseStatuses.ToWire(c.Status), CaseStatuses.ToWire(CaseStatus.Assigned), now);
                    c.SetStatus(CaseStatus.Assigned);
                }

                c.Touch(now, revised: true);
                await SaveOrDeferAsync(db, lookups, cancellationToken);
                return true;
            }
        }

        if ((lookups?.WaitingForAgents ?? waitingForAgents) is { } waiting)
        {
            // A storm can leave hundreds of cases waiting: they are counted and reported together (ReportWaitingForAgents), not a line per case.
            var key = (c.Team!, c.Category);
            waiting[key] = waiting.GetValueOrDefault(key) + 1;
        }
        else
        {
            logger.LogWarning("Case {CaseId} waits unassigned: every {Category} agent of team {Team} is at the open-case limit", c.Id, c.Category, c.Team);
        }

        return false;
    }

    /// <summary>
    /// Whether a post was surely written before <paramref name="resolvedAt"/>. A forum that prints only a date (昨天, 12-05)
    /// is read as that day's midnight, so a stamp on the whole hour gets a day of doubt and any other a minute; an estimated
    /// time is no evidence. In doubt the post is a new complaint and reopens the case, as before decision 253.
    /// </summary>
    private static bool PublishedBefore(Mention mention, DateTimeOffset? resolvedAt)
    {
        if (resolvedAt is not { } resolved || mention.PublishedAtEstimated)
        {
            return false;
        }

        var published = mention.PublishedAt.ToUniversalTime();
        var doubt = published.UtcTicks % TimeSpan.TicksPerHour == 0 ? TimeSpan.FromDays(1) : TimeSpan.FromMinutes(1);
        return published + doubt <= resolved;
    }

    /// <summary>How many waiting cases <see cref="AssignWaitingAsync"/> reads at a time.</summary>
    internal const int WaitingPageSize = 100;

    /// <summary>Assigns waiting unassigned cases of auto-assigning watches (agents free up as cases resolve); returns how many.</summary>
    public async Task<int> AssignWaitingAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var watches = settings.Watches.Where(w => w.Enabled && w.AutoAssign).Select(w => w.Watch).ToArray();
        if (watches.Length == 0 || settings.Agents.Count == 0)
        {
            return 0;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            var assigned = 0;
            var now = clock.GetUtcNow();
            var stillWaiting = new Dictionary<(string Team, string Category), int>();
            // A team and category whose skilled agents are all at the limit stays so for the rest of the pass (loads only
            // grow): its cases are left out of the next page, or a hundred of them in front would hide every case behind
            // them that an agent with room could take (decision 253).
            var full = new List<(string Team, string Category)>();
            (int Priority, long DueKey, long Id)? after = null;
            while (true)
            {
                var query = db.Cases.Where(c => c.IsOpen && c.Owner == null && c.Team != null && watches.Contains(c.WatchId));
                foreach (var (team, category) in full)
                {
                    query = query.Where(c => c.Team != team || c.Category != category);
                }

                if (after is (var priority, var dueKey, var id))
                {
                    query = query.Where(c => c.Priority > priority || (c.Priority == priority && (c.DueKey > dueKey || (c.DueKey == dueKey && c.Id > id))));
                }

                var page = await query.OrderBy(c => c.Priority).ThenBy(c => c.DueKey).ThenBy(c => c.Id).Take(WaitingPageSize).ToListAsync(cancellationToken);
                foreach (var c in page)
                {
                    if (full.Contains((c.Team!, c.Category)))
                    {
                        continue;
                    }

                    if (await AssignRoundRobinAsync(db, c, "sla-watch", now, cancellationToken, waitingForAgents: stillWaiting))
                    {
                        assigned++;
                    }
                    else
                    {
                        full.Add((c.Team!, c.Category));
                    }
                }

                if (page.Count < WaitingPageSize)
                {
                    break;
                }

                after = (page[^1].Priority, page[^1].DueKey, page[^1].Id);
            }

            if (stillWaiting.Count > 0)
            {
                // Each group was tried once; how many wait in it is counted, for one line per pass (the SLA watch's schedule).
                var counts = await db.Cases.Where(c => c.IsOpen && c.Owner == null && c.Team != null && watches.Contains(c.WatchId))
                    .GroupBy(c => new { Team = c.Team!, c.Category })
                    .Select(g => new { g.Key.Team, g.Key.Category, Count = g.Count() })
                    .ToListAsync(cancellationToken);
                foreach (var group in counts.Where(g => stillWaiting.ContainsKey((g.Team, g.Category))))
                {
                    stillWaiting[(group.Team, group.Category)] = group.Count;
                }

                logger.LogWarning("{Waiting} waiting case(s) still unassigned ({Groups}): every agent with the skill is at the open-case limit",
                    stillWaiting.Values.Sum(), string.Join(", ", stillWaiting.Select(w => $"{w.Key.Team}/{w.Key.Category} {w.Value}")));
            }

            return assigned;
        }
        finally
        {
            _gate.Release();
        }
    }

    // ---- commands from people -----------------------------------------------------------

    /// <summary>Opens a case by hand from any mention in the index (or attaches nothing if the mention is already on one).</summary>
    public async Task<CaseOutcome> OpenFromMentionAsync(string mentionId, string? watchId, string who, string? note, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(mentionId))
        {
            return CaseOutcome.Invalid("mentionId", "mentionId is required");
        }

        if (CaseTextLimits.TooLong("note", note, CaseTextLimits.MaxNoteLength) is { } tooLong)
        {
            return tooLong;
        }

        if (_index is null)
        {
            return CaseOutcome.Invalid("mentionId", "no mention index is configured in this host, so mentions cannot be looked up");
        }

        var mention = await _index.GetAsync(mentionId.Trim(), cancellationToken);
        if (mention is null)
        {
            return CaseOutcome.Invalid("mentionId", $"no mention '{ProblemText.Quote(mentionId)}' in the index");
        }

        var settings = options.CurrentValue;
        WatchCaseSettings? watch;
        if (!string.IsNullOrWhiteSpace(watchId))
        {
            watch = settings.ForWatch(watchId.Trim());
            if (watch is null)
            {
                return CaseOutcome.Invalid("watch", $"watch '{ProblemText.Quote(watchId)}' does not have cases enabled (Cases:Watches)");
            }
        }
        else
        {
            watch = WatchFor(mention with { DirectComplaint = true }, settings);
            if (watch is null)
            {
                return CaseOutcome.Invalid("watch", "no watch has cases enabled (Cases:Watches); name one with 'watch'");
            }
        }

        var alertsByMention = await OpenAlertsAsync([mention.Id], cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            if (await AlreadyOnCaseAsync(db, mention.Id, cancellationToken) is { } refused)
            {
                return refused;
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
                    var now = clock.GetUtcNow();
                    var c = await OpenAsync(db, mention, watch, alertsByMention.GetValueOrDefault(mention.Id) ?? [], who, "manual", now, cancellationToken);
                    if (!string.IsNullOrWhiteSpace(note))
                    {
                        AddNote(db, c, who, note, now);
                        await db.SaveChangesAsync(cancellationToken);
                    }

                    await tx.CommitAsync(cancellationToken);
                    return CaseOutcome.Done(c);
                }
                catch (DbUpdateException ex) when (StateStoreErrors.IsConstraintViolation(ex))
                {
                    // The gate is this process's: another worker's intake (or a person on it) put the mention on a case after
                    // the check above, and its unique key stopped this one. The transaction is rolled back, so nothing of this
                    // opening is left; the person gets the answer they would have got a moment later.
                    db.ChangeTracker.Clear();
                    if (await AlreadyOnCaseAsync(db, mention.Id, cancellationToken) is { } raced)
                    {
                        return raced;
                    }

                    // Otherwise another worker wrote a row this opening writes too: the team's round-robin cursor, which the
                    // first case a team ever gets creates. It is there now, so the opening is tried once more and finds it.
                    if (attempt == 2)
                    {
                        throw;
                    }
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The refusal to open a case for a mention that is on one already, or null when it is on none.</summary>
    private static async Task<CaseOutcome?> AlreadyOnCaseAsync(CasesDbContext db, string mentionId, CancellationToken cancellationToken)
    {
        var onCase = await db.Mentions.Where(m => m.MentionId == mentionId).Select(m => (long?)m.CaseId).FirstOrDefaultAsync(cancellationToken);
        if (onCase is not { } existingId)
        {
            return null;
        }

        var existing = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == existingId, cancellationToken);
        return CaseOutcome.Refused(existing, $"mention '{mentionId}' is already on case {existingId}");
    }

    public Task<CaseOutcome> AssignAsync(long id, int? expectedVersion, string agentId, string who, CancellationToken cancellationToken)
    {
        if (CaseTextLimits.TooLong("agent", agentId, CaseTextLimits.MaxAgentIdLength) is { } tooLong)
        {
            return Task.FromResult(tooLong);
        }

        return ChangeAsync(id, expectedVersion, (db, c, now) =>
        {
            var agent = options.CurrentValue.Agents.FirstOrDefault(a => string.Equals(a.Id, agentId?.Trim(), StringComparison.Ordinal));
            if (agent is null)
            {
                return Task.FromResult<CaseOutcome?>(CaseOutcome.Invalid("agent", $"'{ProblemText.Quote(agentId)}' is not a configured agent (Cases:Agents)"));
            }

            if (!c.IsOpen)
            {
                return Task.FromResult<CaseOutcome?>(CaseOutcome.Refused(c, $"case {c.Id} is {CaseStatuses.ToWire(c.Status)}; only open cases can be assigned", CaseTransitions.WireFrom(c)));
            }

            SetOwner(db, c, agent, who, now, "assigned by " + who);
            return Task.FromResult<CaseOutcome?>(null);
        }, cancellationToken);
    }

    /// <summary>The first responder takes ownership (首问负责制) and starts working the case.</summary>
    public Task<CaseOutcome> TakeAsync(long id, int? expectedVersion, string who, CancellationToken cancellationToken) =>
        ChangeAsync(id, expectedVersion, (db, c, now) =>
        {
            if (!c.IsOpen)
            {
                return Task.FromResult<CaseOutcome?>(CaseOutcome.Refused(c, $"case {c.Id} is {CaseStatuses.ToWire(c.Status)}; only open cases can be taken", CaseTransitions.WireFrom(c)));
            }

            var agent = options.CurrentValue.Agents.FirstOrDefault(a => a.Id == who);
            if (c.Owner != who)
            {
                Audit(db, c, who, "owner", c.Owner, who, now, "taken");
                c.Owner = who;
                if (agent is not null && c.Team != agent.Team)
                {
                    Audit(db, c, who, "team", c.Team, agent.Team, now, "taken");
                    c.Team = agent.Team;
                }
            }

            if (c.Status is CaseStatus.New or CaseStatus.Assigned)
            {
                Audit(db, c, who, "status", CaseStatuses.ToWire(c.Status), CaseStatuses.ToWire(CaseStatus.InProgress), now);
                c.SetStatus(CaseStatus.InProgress);
            }

            return Task.FromResult<CaseOutcome?>(null);
        }, cancellationToken);

    public Task<CaseOutcome> TransitionAsync(long id, int? expectedVersion, string to, string? summary, string? rootCause, string? reason, string who, CancellationToken cancellationToken)
    {
        if (!CaseStatuses.TryParse(to, out var target))
        {
            return Task.FromResult(CaseOutcome.Invalid("to", $"'{ProblemText.Quote(to)}' is not a case status ({CaseStatuses.Wire})"));
        }

        if ((CaseTextLimits.TooLong("summary", summary, CaseTextLimits.MaxSummaryLength) ?? CaseTextLimits.TooLong("reason", reason, CaseTextLimits.MaxSummaryLength)) is { } tooLong)
        {
            return Task.FromResult(tooLong);
        }

        if (target == CaseStatus.Resolved)
        {
            if (string.IsNullOrWhiteSpace(summary))
            {
                return Task.FromResult(CaseOutcome.Invalid("summary", "a resolution summary is required to resolve a case"));
            }

            var causes = options.CurrentValue.RootCauses;
            if (string.IsNullOrWhiteSpace(rootCause) || !causes.Contains(rootCause.Trim(), StringComparer.Ordinal))
            {
                return Task.FromResult(CaseOutcome.Invalid("rootCause", $"rootCause must be one of {string.Join(", ", causes)} (was '{ProblemText.Quote(rootCause)}')"));
            }
        }

        // A reason is free text like a note, and as readable (every role that sees the case sees its audit).
        reason = RedactedReason(reason);
        return ChangeAsync(id, expectedVersion, async (db, c, now) =>
        {
            if (!CaseTransitions.CanMove(c, target))
            {
                return CaseOutcome.Refused(c, $"case {c.Id} cannot go from {CaseStatuses.ToWire(c.Status)} to {CaseStatuses.ToWire(target)}", CaseTransitions.WireFrom(c));
            }

            var calendar = Policies.CalendarOf(c);
            var before = c.Status;
            if (before == CaseStatus.Resolved && target == CaseStatus.InProgress)
            {
                Reopen(db, c, who, reason ?? "reopened by " + who, now);
                if (c.Owner is null)
                {
                    c.Owner = who;
                }

                c.SetStatus(CaseStatus.InProgress);
                c.UpdateDueKey();
                return null;
            }

            if (before == CaseStatus.WaitingOnCustomer)
            {
                c.Resume(now, calendar);
            }

            if (c.Owner is null && target is CaseStatus.InProgress or CaseStatus.WaitingOnCustomer or CaseStatus.Resolved)
            {
                // Whoever works an unowned case is its first responder and owns it.
                Audit(db, c, who, "owner", null, who, now, "first responder");
                c.Owner = who;
            }

            Audit(db, c, who, "status", CaseStatuses.ToWire(before), CaseStatuses.ToWire(target), now, reason);
            c.SetStatus(target);
            switch (target)
            {
                case CaseStatus.WaitingOnCustomer:
                    c.Pause(now, calendar);
                    break;
                case CaseStatus.Resolved:
                    await ResolveAsync(db, c, summary!.Trim(), rootCause!.Trim(), who, now, calendar, cancellationToken);
                    break;
                case CaseStatus.Closed:
                    c.ClosedAt = now;
                    break;
            }

            c.UpdateDueKey();
            return null;
        }, cancellationToken);
    }

    private async Task ResolveAsync(CasesDbContext db, Case c, string summary, string rootCause, string who, DateTimeOffset now, BusinessCalendar calendar, CancellationToken cancellationToken)
    {
        c.ResolvedAt = now;
        c.ResolutionWorking = c.ElapsedWorking(now, calendar);
        if (c.ResolutionDueAt is { } due && now > due)
        {
            c.ResolutionBreached = true;
        }

        Audit(db, c, who, "resolution", c.ResolutionSummary, PersonalDataRedactor.Redact(summary), now, "root cause: " + rootCause);
        c.ResolutionSummary = PersonalDataRedactor.Redact(summary);
        c.RootCause = rootCause;
        var cycle = c.ReopenCount;
        if (!await db.FollowUps.AnyAsync(f => f.CaseId == c.Id && f.Cycle == cycle, cancellationToken))
        {
            var dueAt = now + options.CurrentValue.FollowUpDelay;
            db.FollowUps.Add(new CaseFollowUp { CaseId = c.Id, Cycle = cycle, DueAt = dueAt });
            Audit(db, c, who, "follow_up_scheduled", null, dueAt.ToString("O"), now);
        }
    }

    /// <summary>After a resolution commits: the alert hears when this was the last open case of its incident.</summary>
    public async Task TellAlertsIfLastCaseAsync(long caseId, string who, CancellationToken cancellationToken)
    {
        if (_alerts is null)
        {
            return;
        }

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var alertIds = await db.AlertLinks.Where(l => l.CaseId == caseId).Select(l => l.AlertId).ToListAsync(cancellationToken);
        foreach (var alertId in alertIds)
        {
            var stillOpen = await db.AlertLinks.Where(l => l.AlertId == alertId)
                .Join(db.Cases.Where(c => c.IsOpen), l => l.CaseId, c => c.Id, (l, c) => c.Id)
                .CountAsync(cancellationToken);
            if (stillOpen > 0)
            {
                continue;
            }

            var total = await db.AlertLinks.CountAsync(l => l.AlertId == alertId, cancellationToken);
            try
            {
                await _alerts.RecordOnTimelineAsync(alertId, who, $"The last open complaint case of this incident (case {caseId}) was resolved; {total} case(s) in all.", cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not record on alert {AlertId} that its last case {CaseId} was resolved", alertId, caseId);
            }
        }
    }

    public Task<CaseOutcome> AddNoteAsync(long id, int? expectedVersion, string text, string who, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Task.FromResult(CaseOutcome.Invalid("text", "a note needs text"));
        }

        if (CaseTextLimits.TooLong("text", text, CaseTextLimits.MaxNoteLength) is { } tooLong)
        {
            return Task.FromResult(tooLong);
        }

        return ChangeAsync(id, expectedVersion, (db, c, now) =>
        {
            AddNote(db, c, who, text, now);
            return Task.FromResult<CaseOutcome?>(null);
        }, cancellationToken);
    }

    /// <summary>A reason a person typed, as it is stored: trimmed, personal data redacted (as notes and replies are).</summary>
    private static string? RedactedReason(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? null : PersonalDataRedactor.Redact(reason.Trim());

    private static void AddNote(CasesDbContext db, Case c, string who, string text, DateTimeOffset now)
    {
        // Notes are stored like everything else: personal data redacted before it is written.
        db.Notes.Add(new CaseNote { CaseId = c.Id, By = who, At = now, Text = PersonalDataRedactor.Redact(text.Trim()) });
        Audit(db, c, who, "note_added", null, null, now);
    }

    /// <summary>Logs what was said to the customer; the first reply stops the first-response clock.</summary>
    public Task<CaseOutcome> ReplyAsync(long id, int? expectedVersion, string text, string? channel, DateTimeOffset? at, string who, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Task.FromResult(CaseOutcome.Invalid("text", "a reply needs the text that was sent"));
        }

        if (CaseTextLimits.TooLong("text", text, CaseTextLimits.MaxNoteLength) is { } tooLong)
        {
            return Task.FromResult(tooLong);
        }

        var how = string.IsNullOrWhiteSpace(channel) ? "public" : channel.Trim().ToLowerInvariant();
        if (how is not ("public" or "private"))
        {
            return Task.FromResult(CaseOutcome.Invalid("channel", $"channel must be 'public' (a public reply) or 'private' (a private message) (was '{ProblemText.Quote(channel)}')"));
        }

        return ChangeAsync(id, expectedVersion, (db, c, now) =>
        {
            var when = (at ?? now).ToUniversalTime();
            if (when > now)
            {
                return Task.FromResult<CaseOutcome?>(CaseOutcome.Invalid("at", $"at ({when:O}) is in the future"));
            }

            if (when < c.ClockStartedAt)
            {
                return Task.FromResult<CaseOutcome?>(CaseOutcome.Invalid("at", $"at ({when:O}) is before the case's SLA clock started ({c.ClockStartedAt:O})"));
            }

            if (c.MergedIntoId is { } survivor)
            {
                return Task.FromResult<CaseOutcome?>(CaseOutcome.Refused(c, $"case {c.Id} was merged into case {survivor}; reply there"));
            }

            db.Replies.Add(new CustomerReply { CaseId = c.Id, By = who, At = when, RecordedAt = now, Channel = how, Text = PersonalDataRedactor.Redact(text.Trim()) });
            Audit(db, c, who, "reply_logged", null, how, now);
            if (c.FirstResponseAt is null)
            {
                var calendar = Policies.CalendarOf(c);
                c.FirstResponseAt = when;
                c.FirstResponseWorking = c.ElapsedWorking(when, calendar);
                c.FirstResponseBreached |= c.FirstResponseDueAt is { } due && when > due;
                Audit(db, c, who, "first_response", null, when.ToString("O"), now, c.FirstResponseBreached ? "late" : "within SLA");
            }

            if (c.Owner is null)
            {
                Audit(db, c, who, "owner", null, who, now, "first responder");
                c.Owner = who;
            }

            if (c.Status is CaseStatus.New or CaseStatus.Assigned)
            {
                Audit(db, c, who, "status", CaseStatuses.ToWire(c.Status), CaseStatuses.ToWire(CaseStatus.InProgress), now, "replied");
                c.SetStatus(CaseStatus.InProgress);
            }

            c.UpdateDueKey();
            return Task.FromResult<CaseOutcome?>(null);
        }, cancellationToken);
    }

    /// <summary>
    /// The categories a case of <paramref name="watchId"/> may be filed under: its watch's own complaint
    /// taxonomy (decision 126), the default one, and those the routing configuration names (teams'
    /// categories, agents' skills), in that order.
    /// </summary>
    public IReadOnlyList<string> CategoriesFor(string watchId)
    {
        var settings = options.CurrentValue;
        return (_taxonomy?.CategoriesOf(watchId) ?? [])
            .Concat(_taxonomy?.CategoriesOf(null) ?? [])
            .Concat(ComplaintTopics.Default)
            .Concat(settings.Teams.SelectMany(team => team.Categories))
            .Concat(settings.Agents.SelectMany(agent => agent.Skills).Where(skill => skill != "*"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Overrides category and/or priority with a recorded reason; a new priority re-targets the SLA clocks.</summary>
    public Task<CaseOutcome> OverrideAsync(long id, int? expectedVersion, string? category, string? priority, string? reason, string who, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return Task.FromResult(CaseOutcome.Invalid("reason", "an override needs a reason, which is recorded"));
        }

        if (CaseTextLimits.TooLong("reason", reason, CaseTextLimits.MaxSummaryLength) is { } tooLong)
        {
            return Task.FromResult(tooLong);
        }

        if (string.IsNullOrWhiteSpace(category) && string.IsNullOrWhiteSpace(priority))
        {
            return Task.FromResult(CaseOutcome.Invalid("category", "give a new category and/or priority"));
        }

        var newPriority = 0;
        if (!string.IsNullOrWhiteSpace(priority) && !CasePriority.TryParse(priority.Trim(), out newPriority))
        {
            return Task.FromResult(CaseOutcome.Invalid("priority", $"priority must be one of P1, P2, P3, P4 (was '{ProblemText.Quote(priority)}')"));
        }

        if (category is { Length: > 100 })
        {
            return Task.FromResult(CaseOutcome.Invalid("category", "category must be at most 100 characters"));
        }

        var recordedReason = RedactedReason(reason);
        return ChangeAsync(id, expectedVersion, (db, c, now) =>
        {
            if (!string.IsNullOrWhiteSpace(category) && category.Trim() != c.Category)
            {
                var categories = CategoriesFor(c.WatchId);
                if (!categories.Contains(category.Trim(), StringComparer.Ordinal))
                {
                    return Task.FromResult<CaseOutcome?>(CaseOutcome.Invalid(
                        "category",
                        $"category '{ProblemText.Quote(category.Trim())}' is not a complaint category of watch '{c.WatchId}': use one of {string.Join(", ", categories)}",
                        categories));
                }

                Audit(db, c, who, "category", c.Category, category.Trim(), now, recordedReason);
                c.Category = category.Trim();
            }

            if (newPriority != 0 && newPriority != c.Priority)
            {
                Audit(db, c, who, "priority", CasePriority.ToWire(c.Priority), CasePriority.ToWire(newPriority), now, recordedReason);
                c.Priority = newPriority;
                c.ApplyPolicy(Policies.For(newPriority), Policies.CalendarOf(c));
            }

            return Task.FromResult<CaseOutcome?>(null);
        }, cancellationToken);
    }

    /// <summary>Records the customer's verdict at the follow-up (回访): 1–5 and a comment; closes the case.</summary>
    public Task<CaseOutcome> RecordSatisfactionAsync(long id, int? expectedVersion, int? score, string? comment, string who, CancellationToken cancellationToken)
    {
        if (score is not (>= 1 and <= 5))
        {
            return Task.FromResult(CaseOutcome.Invalid("score", $"score must be a whole number from 1 (very dissatisfied) to 5 (very satisfied) (was {score?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"})"));
        }

        if (CaseTextLimits.TooLong("comment", comment, CaseTextLimits.MaxSummaryLength) is { } tooLong)
        {
            return Task.FromResult(tooLong);
        }

        return ChangeAsync(id, expectedVersion, async (db, c, now) =>
        {
            if (c.Status != CaseStatus.Resolved && !(c.Status == CaseStatus.Closed && c.Satisfaction is null && c.MergedIntoId is null))
            {
                return CaseOutcome.Refused(c, $"satisfaction is recorded at the follow-up of a resolved case; case {c.Id} is {CaseStatuses.ToWire(c.Status)}", CaseTransitions.WireFrom(c));
            }

            var followUp = await db.FollowUps.Where(f => f.CaseId == c.Id && f.DoneAt == null).OrderByDescending(f => f.Cycle).FirstOrDefaultAsync(cancellationToken);
            var text = string.IsNullOrWhiteSpace(comment) ? null : PersonalDataRedactor.Redact(comment.Trim());
            if (followUp is not null)
            {
                followUp.DoneAt = now;
                followUp.DoneBy = who;
                followUp.Satisfaction = score;
                followUp.Comment = text;
            }

            Audit(db, c, who, "satisfaction", c.Satisfaction?.ToString(System.Globalization.CultureInfo.InvariantCulture), score!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), now, text);
            c.Satisfaction = score;
            c.SatisfactionComment = text;
            if (c.Status != CaseStatus.Closed)
            {
                Audit(db, c, who, "status", CaseStatuses.ToWire(c.Status), CaseStatuses.ToWire(CaseStatus.Closed), now, "follow-up done");
                c.SetStatus(CaseStatus.Closed);
                c.ClosedAt = now;
            }

            c.UpdateDueKey();
            return null;
        }, cancellationToken);
    }

    /// <summary>
    /// Merges case <paramref name="id"/> into <paramref name="intoId"/>: its mentions, notes,
    /// replies, alert links and audit move to the survivor; the merged case is closed and points at it.
    /// </summary>
    public async Task<CaseOutcome> MergeAsync(long id, int? expectedVersion, long? intoId, string who, CancellationToken cancellationToken)
    {
        if (intoId is not { } survivorId || survivorId <= 0)
        {
            return CaseOutcome.Invalid("into", "into must be the id of the case that survives the merge");
        }

        if (survivorId == id)
        {
            return CaseOutcome.Invalid("into", "a case cannot be merged into itself");
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            var merged = await db.Cases.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
            if (merged is null)
            {
                return CaseOutcome.Missing(id);
            }

            if (expectedVersion is { } v && v != merged.Version)
            {
                return CaseOutcome.StaleVersion(merged);
            }

            var survivor = await db.Cases.SingleOrDefaultAsync(c => c.Id == survivorId, cancellationToken);
            if (survivor is null)
            {
                return CaseOutcome.Invalid("into", $"no case {survivorId}");
            }

            if (merged.MergedIntoId is not null || survivor.MergedIntoId is not null)
            {
                return CaseOutcome.Refused(merged, $"case {(merged.MergedIntoId is not null ? merged.Id : survivor.Id)} was already merged into another case");
            }

            if (!survivor.IsOpen)
            {
                // The merged case closes behind its survivor: a survivor nobody works any more would bury an open complaint.
                return CaseOutcome.Refused(survivor, $"case {survivor.Id} is {CaseStatuses.ToWire(survivor.Status)}; a case can only be merged into an open case (reopen it first, or merge the other way)");
            }

            var now = clock.GetUtcNow();
            await db.Mentions.Where(m => m.CaseId == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.CaseId, survivorId), cancellationToken);
            await db.Notes.Where(n => n.CaseId == id).ExecuteUpdateAsync(s => s.SetProperty(n => n.CaseId, survivorId), cancellationToken);
            await db.Replies.Where(r => r.CaseId == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.CaseId, survivorId), cancellationToken);
            await db.Audit.Where(a => a.CaseId == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.CaseId, survivorId), cancellationToken);
            var survivorAlerts = await db.AlertLinks.Where(l => l.CaseId == survivorId).Select(l => l.AlertId).ToListAsync(cancellationToken);
            var moving = await db.AlertLinks.Where(l => l.CaseId == id).ToListAsync(cancellationToken);
            foreach (var link in moving.Where(l => !survivorAlerts.Contains(l.AlertId)))
            {
                db.AlertLinks.Add(new CaseAlertLink { CaseId = survivorId, AlertId = link.AlertId, LinkedAt = now });
                survivor.AlertId ??= link.AlertId;
            }

            if (merged.LastMentionAt > survivor.LastMentionAt)
            {
                survivor.LastMentionAt = merged.LastMentionAt;
            }

            if (survivor.FirstResponseAt is null && merged.FirstResponseAt is { } replied)
            {
                // The customer was answered on the merged case: that answer counts for the survivor.
                var calendar = Policies.CalendarOf(survivor);
                survivor.FirstResponseAt = replied;
                survivor.FirstResponseWorking = survivor.ElapsedWorking(replied, calendar);
                survivor.FirstResponseBreached |= survivor.FirstResponseDueAt is { } due && replied > due;
                survivor.UpdateDueKey();
            }

            Audit(db, survivor, who, "merged", null, $"case {id} merged into this case", now);
            Audit(db, merged, who, "merged_into", CaseStatuses.ToWire(merged.Status), $"case {survivorId}", now);
            merged.MergedIntoId = survivorId;
            merged.SetStatus(CaseStatus.Closed);
            merged.ClosedAt = now;
            merged.UpdateDueKey();
            merged.Touch(now, revised: true);
            survivor.Touch(now, revised: true);
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return CaseOutcome.Done(survivor);
        }
        catch (DbUpdateException ex) when (ChangedMeanwhile(ex))
        {
            return await ConflictAsync(id, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void SetOwner(CasesDbContext db, Case c, AgentSettings agent, string who, DateTimeOffset now, string reason)
    {
        if (c.Owner != agent.Id)
        {
            Audit(db, c, who, "owner", c.Owner, agent.Id, now, reason);
            c.Owner = agent.Id;
        }

        if (c.Team != agent.Team)
        {
            Audit(db, c, who, "team", c.Team, agent.Team, now, reason);
            c.Team = agent.Team;
        }

        if (c.Status == CaseStatus.New)
        {
            Audit(db, c, who, "status", CaseStatuses.ToWire(c.Status), CaseStatuses.ToWire(CaseStatus.Assigned), now);
            c.SetStatus(CaseStatus.Assigned);
        }
    }

    /// <summary>How many times a person's command is tried when only writes that leave its ETag alone overtake it.</summary>
    private const int CommandAttempts = 3;

    /// <summary>
    /// Loads the case, checks the caller's version, applies <paramref name="change"/> (null result
    /// means success), moves the version and saves, all under the writer gate in one transaction.
    /// On PostgreSQL another worker may write the row between the read and the save (its row version
    /// moves, the save fails): when that write left the version alone (an attachment, a breach mark), the
    /// command was decided on a case that is, for the person, the same, so it is tried again on the case as
    /// it is now, still against the version it was decided on (decision 258); a write that moved the version
    /// makes it stale, as before.
    /// </summary>
    private async Task<CaseOutcome> ChangeAsync(long id, int? expectedVersion, Func<CasesDbContext, Case, DateTimeOffset, Task<CaseOutcome?>> change, CancellationToken cancellationToken)
    {
        CaseOutcome outcome;
        CaseStatus? statusBefore = null;
        for (var attempt = 1; ; attempt++)
        {
            int? decidedOn = null;
            await _gate.WaitAsync(cancellationToken);
            try
            {
                await using var db = await dbs.CreateDbContextAsync(cancellationToken);
                await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
                var c = await db.Cases.SingleOrDefaultAsync(x => x.Id == id, cancellationToken);
                if (c is null)
                {
                    return CaseOutcome.Missing(id);
                }

                if (expectedVersion is { } v && v != c.Version)
                {
                    return CaseOutcome.StaleVersion(c);
                }

                decidedOn = c.Version;
                var now = clock.GetUtcNow();
                statusBefore = c.Status;
                var refused = await change(db, c, now);
                if (refused is not null)
                {
                    return refused;
                }

                c.Touch(now, revised: true);
                await db.SaveChangesAsync(cancellationToken);
                await tx.CommitAsync(cancellationToken);
                outcome = CaseOutcome.Done(c);
                break;
            }
            catch (DbUpdateConcurrencyException) when (attempt < CommandAttempts && decidedOn is not null)
            {
                // The next attempt reads the case again: stale only if the caller named a version and it moved meanwhile. A
                // caller that named none (a note, If-Match: *) acts on the case as it is, as it asked.
            }
            catch (DbUpdateException ex) when (ChangedMeanwhile(ex))
            {
                return await ConflictAsync(id, cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }

        // Only the command that resolved it: a later note on a resolved case must not say so on the alert again.
        if (outcome.Case is { Status: CaseStatus.Resolved } resolved && statusBefore != CaseStatus.Resolved)
        {
            await TellAlertsIfLastCaseAsync(resolved.Id, PipelineActor, cancellationToken);
        }

        return outcome;
    }

    /// <summary>
    /// Whether a save failed because another writer changed the case since it was read: its row version moved (the
    /// concurrency token), or, on PostgreSQL with several workers, a row the other worker wrote meanwhile holds a unique
    /// key this save needs (the follow-up of the same resolution cycle, when it resolved the case a moment ago; the merge
    /// survivor's link to the same alert), and the save stops there before it reaches the case's row version. Either way the
    /// command was decided on the case as it was, not as it is: the person gets the stale-version answer and reloads. On
    /// SQLite these commands take the write lock (BEGIN IMMEDIATE) before their first read, so no writer comes between.
    /// </summary>
    private static bool ChangedMeanwhile(DbUpdateException exception) =>
        exception is DbUpdateConcurrencyException || StateStoreErrors.IsConstraintViolation(exception);

    private async Task<CaseOutcome> ConflictAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var current = await db.Cases.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        return current is null ? CaseOutcome.Missing(id) : CaseOutcome.StaleVersion(current);
    }

    internal static void Audit(CasesDbContext db, Case c, string who, string what, string? before, string? after, DateTimeOffset now, string? reason = null) =>
        db.Audit.Add(new CaseAuditEntry { CaseId = c.Id, At = now, Who = who, What = what, Before = before, After = after, Reason = reason });
}
