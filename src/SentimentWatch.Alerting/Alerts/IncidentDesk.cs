using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Alerting.Notifications;
using SentimentWatch.Core.Crawling;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Storage;
using SentimentWatch.Text;

namespace SentimentWatch.Alerting;

/// <summary>
/// Where incidents are tracked. Records each indexed mention as evidence for its watches and
/// evaluates those watches' rules at once (so an alert leaves within seconds of the evidence),
/// re-evaluates every watch on the schedule (so alerts resolve when things go quiet), and
/// takes acknowledgements and resolutions from people. Every alert change and the
/// notifications it causes are committed together, then handed to Hangfire.
/// </summary>
public sealed class IncidentDesk(
    IDbContextFactory<AlertingDbContext> dbs,
    IOptionsMonitor<AlertingOptions> options,
    NotificationChannels channels,
    NotificationOutbox outbox,
    WatchNames watchNames,
    IEnumerable<ISourceHealthReader> sourceHealth,
    ResponsePlan plans,
    TimeProvider clock,
    ILogger<IncidentDesk> logger) : IMentionObserver
{
    private const int ExcerptLength = 200;

    // One writer at a time: evaluation reads then writes alerts, and people change them too; with
    // several workers on PostgreSQL the gate is also an advisory lock there (decision 166).
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AlertingOptions? _rulesFrom;
    private IReadOnlyList<CrisisRule> _rules = [];

    // The recent evidence of each watch in memory, on SQLite where this process writes all of it (decision 193).
    private readonly EvidenceWindows _windows = new();

    public IReadOnlyList<CrisisRule> Rules
    {
        get
        {
            var current = options.CurrentValue;
            if (!ReferenceEquals(current, _rulesFrom))
            {
                _rules = current.Rules.Select(CrisisRule.From).ToArray();
                _rulesFrom = current;
            }

            return _rules;
        }
    }

    private readonly Lock _wordsLock = new();
    private volatile bool _wordsAdded;

    /// <summary>True once <see cref="PrepareTopTerms"/> has finished.</summary>
    internal bool TopTermsPrepared => _wordsAdded;

    public async ValueTask OnIndexedAsync(IReadOnlyList<Mention> mentions, CancellationToken cancellationToken)
    {
        var rules = Rules;
        PrepareTopTerms();
        if (rules.Count == 0 || mentions.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var evidence = new List<MentionEvidence>();
        // Which rules apply to a watch, and their terms folded, once per watch and batch rather than per mention.
        var byWatch = new Dictionary<string, (CrisisRule[] Rules, (string Term, string Folded)[] Terms)>(StringComparer.Ordinal);
        // A mention whose time the crawler could not read carries its collection time: counting it
        // would make an old post look like new evidence in the window (issue 18).
        foreach (var mention in mentions.Where(m => !m.PublishedAtEstimated))
        {
            foreach (var watch in mention.Watches.Distinct(StringComparer.Ordinal))
            {
                if (!byWatch.TryGetValue(watch, out var applicable))
                {
                    var watchRules = rules.Where(r => r.AppliesTo(watch)).ToArray();
                    byWatch[watch] = applicable = (watchRules, FoldedTerms(watchRules));
                }

                if (applicable.Rules.Length > 0)
                {
                    evidence.Add(ToEvidence(mention, watch, applicable.Terms, now));
                }
            }
        }

        if (evidence.Count == 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            await using var deskLock = await StateStoreLock.HoldAsync(db, StateStoreLock.IncidentDesk, cancellationToken);
            var watches = evidence.Select(e => e.WatchId).Distinct(StringComparer.Ordinal).ToArray();
            if (db.Database.IsNpgsql())
            {
                // Several workers evaluate from the store: the rows are committed before the evaluation reads them.
                await RecordEvidenceAsync(db, evidence, now, cancellationToken);
                await EvaluateAsync(db, watches, rules, now, cancellationToken);
            }
            else
            {
                // This process writes all evidence (decision 193): the rules read the batch from memory before it is
                // stored, and the rows, their history and the evaluation's changes share one write transaction, so the
                // desk waits for SQLite's write lock once per batch, not twice (decision 199).
                try
                {
                    _windows.Stage(evidence);
                    var history = await StageHistoryAsync(db, evidence, now, cancellationToken);
                    await EvaluateAsync(db, watches, rules, now, cancellationToken, stagedEvidence: evidence, stagedHistory: history);
                    _windows.Committed();
                }
                catch
                {
                    // Whether the commit landed is unknown: read the store again.
                    _windows.Clear();
                    throw;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Loads the word segmenter for the alerts' top terms (jieba's dictionary: about a second of CPU) and teaches it the
    /// brand and risk terms, once; <see cref="TopTermsWarmUp"/> calls it at start-up so the first batch does not wait.
    /// </summary>
    public void PrepareTopTerms()
    {
        if (_wordsAdded)
        {
            return;
        }

        // A batch that arrives while the warm-up is loading waits for it, as the first batch always did.
        lock (_wordsLock)
        {
            if (_wordsAdded)
            {
                return;
            }

            // Brand and risk terms come out of segmentation whole (绿莫咖啡, 食物中毒), so they can be excluded or counted.
            ChineseWords.AddWords(watchNames.AllTerms().Concat(Rules.SelectMany(r => r.Terms)));
            if (ChineseWords.LoadError is { } error)
            {
                logger.LogWarning("Top terms fall back to character pairs: {Error}", error);
            }

            _wordsAdded = true;
        }
    }

    /// <summary>
    /// The scheduled pass: every watch with rules, recent evidence or an open alert; also drops
    /// expired evidence and hands over outbox rows that never reached Hangfire.
    /// </summary>
    public async Task EvaluateAllAsync(CancellationToken cancellationToken)
    {
        var rules = Rules;
        var now = clock.GetUtcNow();
        var extra = new Dictionary<string, List<Finding>>(StringComparer.Ordinal);
        var silenceRules = rules.Where(r => r.Kind == CrisisRuleKind.SourceSilent).ToArray();
        if (silenceRules.Length > 0)
        {
            var health = new List<SourceHealth>();
            foreach (var reader in sourceHealth)
            {
                health.AddRange(await reader.ListAsync(cancellationToken));
            }

            extra[CrisisRule.SourcesWatch] = SilentSources(silenceRules, health, now);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            await using var deskLock = await StateStoreLock.HoldAsync(db, StateStoreLock.IncidentDesk, cancellationToken);
            var lookback = rules.Count == 0 ? TimeSpan.Zero : rules.Max(r => r.Lookback);
            var since = now - lookback;
            var watches = new HashSet<string>(StringComparer.Ordinal);
            watches.UnionWith(rules.Where(r => r.Watch != CrisisRule.AnyWatch).Select(r => r.Watch));
            watches.UnionWith(await db.Evidence.Where(e => e.At > since).Select(e => e.WatchId).Distinct().ToListAsync(cancellationToken));
            watches.UnionWith(await db.Alerts.Where(a => a.Status != AlertStatus.Resolved).Select(a => a.WatchId).Distinct().ToListAsync(cancellationToken));
            watches.UnionWith(extra.Keys);
            await EvaluateAsync(db, watches.ToArray(), rules, now, cancellationToken, extra);

            var expired = now - options.CurrentValue.EvidenceRetention;
            await db.Evidence.Where(e => e.At < expired).ExecuteDeleteAsync(cancellationToken);
            _windows.Forget(expired);
        }
        finally
        {
            _gate.Release();
        }

        await outbox.HandOverUnfinishedAsync(includeEnqueued: false, cancellationToken);
    }

    public async Task<Alert?> AcknowledgeAsync(long id, string by, CancellationToken cancellationToken) =>
        await ChangeAsync(id, alert =>
        {
            alert.Acknowledge(by, clock.GetUtcNow());
            return null;
        }, cancellationToken);

    public async Task<Alert?> ResolveAsync(long id, string by, CancellationToken cancellationToken) =>
        await ChangeAsync(id, alert => alert.Resolve(by, clock.GetUtcNow()) && alert.WasAnnounced ? NotificationKind.Resolved : null, cancellationToken);

    public async Task<AlertSilence> SilenceAsync(AlertSilence silence, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        silence.CreatedAt = clock.GetUtcNow();
        db.Silences.Add(silence);
        await db.SaveChangesAsync(cancellationToken);
        return silence;
    }

    /// <summary>The silences in force now, soonest to end first (the API's list and the console's).</summary>
    public async Task<List<AlertSilence>> ActiveSilencesAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await db.Silences.AsNoTracking().Where(s => s.Until > now).OrderBy(s => s.Until).ThenBy(s => s.Id).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Ends an active silence now; false when there is none with that id. Who lifted it is logged,
    /// and written on the incident's timeline when the silence was made from an alert.
    /// </summary>
    public async Task<bool> LiftSilenceAsync(long silenceId, string who, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var silence = await db.Silences.SingleOrDefaultAsync(s => s.Id == silenceId && s.Until > now, cancellationToken);
        if (silence is null)
        {
            return false;
        }

        silence.Until = now;
        if (silence.AlertId is { } alertId && await db.Alerts.AnyAsync(a => a.Id == alertId, cancellationToken))
        {
            db.Timeline.Add(new AlertTimelineEntry { AlertId = alertId, At = now, Actor = who, Kind = TimelineKinds.Note, Text = $"silence {silenceId} lifted" });
        }

        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("{Actor} lifted silence {SilenceId} on watch {WatchId}", who, silenceId, silence.WatchId);
        return true;
    }

    private async Task<Alert?> ChangeAsync(long id, Func<Alert, NotificationKind?> change, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<long> outboxIds;
        Alert? alert;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            await using var deskLock = await StateStoreLock.HoldAsync(db, StateStoreLock.IncidentDesk, cancellationToken);
            alert = await db.Alerts.Include(a => a.Signals).SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
            if (alert is null)
            {
                return null;
            }

            var kind = change(alert);
            var silences = await db.Silences.Where(s => s.Until > now).ToListAsync(cancellationToken);
            var announce = kind is { } k && !silences.Any(s => s.Covers(alert, now)) ? new[] { (alert, k) } : [];
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            outboxIds = await RecordNotificationsAsync(db, announce, replanned: new HashSet<Alert>(), opened: new HashSet<Alert>(), now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        await outbox.HandOverAsync(outboxIds, cancellationToken);
        return alert;
    }

    /// <summary>
    /// sourceSilent: a source whose last new mention (or last success) is older than the rule's
    /// Window, or that failed MinCount times in a row. Filed under the pseudo-watch "sources".
    /// </summary>
    internal static List<Finding> SilentSources(IReadOnlyList<CrisisRule> rules, IReadOnlyList<SourceHealth> health, DateTimeOffset now)
    {
        var findings = new List<Finding>();
        foreach (var rule in rules)
        {
            foreach (var source in health.Where(h => h.Enabled))
            {
                var last = source.LastMentionAt ?? source.LastSuccessAt;
                var silent = last is { } l && now - l > rule.Window;
                var failing = source.ConsecutiveFailures >= rule.MinCount;
                if (!silent && !failing)
                {
                    continue;
                }

                var quiet = last is { } q ? now - q : TimeSpan.Zero;
                var summary = silent
                    ? $"source {source.SourceId} has produced nothing new for {quiet.TotalMinutes:0} min (allowed {rule.Window.TotalMinutes:0} min)"
                    : $"source {source.SourceId} failed {source.ConsecutiveFailures} time{(source.ConsecutiveFailures == 1 ? "" : "s")} in a row";
                var summaryZh = silent
                    ? $"来源 {source.SourceId} 已 {quiet.TotalMinutes:0} 分钟没有新内容（允许 {rule.Window.TotalMinutes:0} 分钟）"
                    : $"来源 {source.SourceId} 连续失败 {source.ConsecutiveFailures} 次";
                if (source.LastError is { Length: > 0 } error)
                {
                    summary += $"; last error: {error}";
                    summaryZh += $"；最近一次错误：{error}";
                }

                findings.Add(new Finding
                {
                    RuleId = rule.Id,
                    Kind = CrisisRuleKind.SourceSilent,
                    WatchId = CrisisRule.SourcesWatch,
                    GroupKey = source.SourceId,
                    IncidentGroup = IncidentKeys.GroupFor(EvidenceGrouping.Source, source.SourceId),
                    Severity = rule.Severity,
                    Measured = silent ? quiet.TotalMinutes : source.ConsecutiveFailures,
                    Threshold = silent ? rule.Window.TotalMinutes : rule.MinCount,
                    Count = source.ConsecutiveFailures,
                    WindowStart = last ?? now,
                    WindowEnd = now,
                    Summary = summary,
                    SummaryZh = summaryZh,
                });
            }
        }

        return findings;
    }

    /// <summary>
    /// Evaluates the watches' rules and commits the incidents' changes and notifications in one transaction.
    /// <paramref name="stagedEvidence"/> (SQLite): a batch's rows not yet stored, written in that transaction, with
    /// the history rows <see cref="StageHistoryAsync"/> left tracked in <paramref name="db"/> and returned.
    /// </summary>
    private async Task EvaluateAsync(AlertingDbContext db, IReadOnlyCollection<string> watches, IReadOnlyList<CrisisRule> rules, DateTimeOffset now, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, List<Finding>>? extra = null, IReadOnlyList<MentionEvidence>? stagedEvidence = null,
        IReadOnlyDictionary<string, Dictionary<string, DateTimeOffset>>? stagedHistory = null)
    {
        var silences = await db.Silences.AsNoTracking().Where(s => s.Until > now).ToListAsync(cancellationToken);
        var announce = new List<(Alert Alert, NotificationKind Kind)>();
        var evidenceOf = new List<(Alert Alert, Finding Finding)>();
        var touched = new List<Alert>();
        var opened = new HashSet<Alert>();
        CrisisRule? RuleOf(string id) => rules.FirstOrDefault(r => r.Id == id);
        foreach (var watch in watches)
        {
            var applicable = rules.Where(r => r.AppliesTo(watch)).ToArray();
            var findings = new List<Finding>();
            List<MentionEvidence>? watchEvidence = null;
            Dictionary<string, DateTimeOffset> history = [];
            var readingWindow = TimeSpan.FromMinutes(10);
            if (applicable.Length > 0)
            {
                var evidence = new List<MentionEvidence>();
                // The reading is taken in the lead signal's window (decision 225): evidence for the longest one and its usual.
                readingWindow = applicable.Where(r => r.Kind != CrisisRuleKind.EmergingTopic).Select(r => r.Window).DefaultIfEmpty(TimeSpan.FromMinutes(10)).Min();
                var longest = applicable.Where(r => r.Kind is not (CrisisRuleKind.EmergingTopic or CrisisRuleKind.SourceSilent)).Select(r => r.Window).DefaultIfEmpty(readingWindow).Max();
                var readingRange = (From: now - (longest * (WindowReading.BaselineWindows + 1)), To: now);
                var ranges = CrisisRule.Merge(applicable.SelectMany(r => r.EvidenceRanges(now)).Append(readingRange));
                if (db.Database.IsNpgsql())
                {
                    // Several workers write evidence: what one of them holds in memory is not all of it.
                    foreach (var (from, to) in ranges)
                    {
                        evidence.AddRange(await EvidenceWindows.ReadStoredAsync(db, watch, from, to, cancellationToken));
                    }
                }
                else
                {
                    evidence = await _windows.ReadAsync(db, watch, ranges, cancellationToken, allText: applicable.Any(r => r.Kind == CrisisRuleKind.EmergingTopic));
                }

                watchEvidence = evidence;
                history = stagedHistory is not null && stagedHistory.TryGetValue(watch, out var staged)
                    ? staged
                    : (await db.History.AsNoTracking().Where(h => h.WatchId == watch).ToListAsync(cancellationToken)).ToDictionary(h => h.Scope, h => h.Start, StringComparer.Ordinal);
                DateTimeOffset? Since(string scope) => history.TryGetValue(scope, out var since) ? since : null;
                findings.AddRange(applicable.SelectMany(r =>
                {
                    AlertingMeter.RuleEvaluated(r);
                    return RuleEvaluation.Evaluate(r, watch, evidence, now, Since);
                }));
            }

            if (extra is not null && extra.TryGetValue(watch, out var more))
            {
                findings.AddRange(more);
            }

            // After the evaluation: the sentence leads with the signals that hold now, strongest first, and counts the watch's
            // negatives in the lead signal's window; while none holds, the last signals' words and window are kept.
            void TakeReading(Alert alert, IReadOnlyList<Finding> holding)
            {
                if (watchEvidence is null)
                {
                    return;
                }

                var fired = holding.Count == 0
                    ? alert.Reading?.Fired ?? []
                    : holding.Where(f => f.Kind != CrisisRuleKind.SourceSilent)
                        .OrderByDescending(f => f.Severity)
                        .ThenBy(f => alert.Signals.FirstOrDefault(s => s.SignalKey == f.SignalKey)?.FirstFiredAt ?? now)
                        .ThenBy(f => f.Kind)
                        .Select(FiredSignal.From).ToArray();
                var window = fired.Count > 0 && fired[0].Window > TimeSpan.Zero ? fired[0].Window : alert.Reading?.Window ?? readingWindow;
                var scope = alert.GroupKey;
                var inScope = scope.Length == 0 ? watchEvidence : watchEvidence.Where(e => EvidenceHistory.ScopesOf(e).Contains(scope, StringComparer.Ordinal)).ToList();
                alert.Read(WindowReading.Read(inScope, now, window, history.TryGetValue(scope, out var since) ? since : null, fired));
            }

            // One incident per watch (and group): every rule's finding joins it as a signal.
            var incidents = findings.GroupBy(f => f.IncidentKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            var open = await db.Alerts.Include(a => a.Signals).Where(a => a.WatchId == watch && a.Status != AlertStatus.Resolved).ToListAsync(cancellationToken);
            var held = await db.Alerts.Where(a => a.WatchId == watch && a.HeldUntilClear).ToListAsync(cancellationToken);
            foreach (var resolvedByHand in held.Where(a => !incidents.ContainsKey(a.IncidentKey)))
            {
                resolvedByHand.Release();
            }

            foreach (var (key, incidentFindings) in incidents)
            {
                var alert = open.FirstOrDefault(a => a.IncidentKey == key);
                var severity = incidentFindings.Max(f => f.Severity);
                if (alert is null && held.FirstOrDefault(a => a.IncidentKey == key) is { } handled)
                {
                    if (severity <= handled.NotifiedSeverity)
                    {
                        // Somebody resolved this incident while it was still going: not a new one.
                        continue;
                    }

                    handled.Release();
                }

                if (alert is null)
                {
                    alert = Alert.Open(key, watch, incidentFindings[0].IncidentGroup, incidentFindings, now);
                    db.Alerts.Add(alert);
                    opened.Add(alert);
                    logger.LogWarning("Incident opened for {IncidentKey} ({Severity}) by {Rules}: {Summary}", key, severity,
                        string.Join(", ", incidentFindings.Select(f => f.RuleId)), incidentFindings[0].Summary);
                }

                evidenceOf.AddRange(incidentFindings.Select(f => (alert, f)));
                touched.Add(alert);
                var observed = alert.Observe(incidentFindings, now, RuleOf);
                TakeReading(alert, incidentFindings);
                if (observed is { } kind && !silences.Any(s => s.Covers(alert, now)))
                {
                    announce.Add((alert, kind));
                }
            }

            foreach (var alert in open.Where(a => !incidents.ContainsKey(a.IncidentKey)))
            {
                var kind = alert.Observe([], now, RuleOf);
                TakeReading(alert, []);
                if (!alert.IsOpen)
                {
                    logger.LogInformation("Incident {AlertId} for {IncidentKey} resolved: every signal clear since {ClearSince}", alert.Id, alert.IncidentKey, alert.ClearSince);
                }

                if (kind is { } k && !silences.Any(s => s.Covers(alert, now)))
                {
                    announce.Add((alert, k));
                }
            }
        }

        // An incident that opened or escalated into a severity with a playbook starts its steps (saved below, with the incident).
        var replanned = await plans.StartAsync(db, touched, now, cancellationToken);

        List<long> outboxIds;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // A failed SaveChanges abandons the whole batch: no savepoint per SaveChanges to journal pages for (decision 231).
            db.Database.AutoSavepointsEnabled = false;
            if (stagedEvidence is not null)
            {
                await EvidenceWriter.UpsertAsync(db, stagedEvidence, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            await RecordIncidentMentionsAsync(db, evidenceOf, cancellationToken);
            outboxIds = await RecordNotificationsAsync(db, announce, replanned, opened, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await outbox.HandOverAsync(outboxIds, cancellationToken);
    }

    /// <summary>Remembers which mentions are evidence of which incident (IAlertDirectory, the alert's mentions).</summary>
    private static async Task RecordIncidentMentionsAsync(AlertingDbContext db, List<(Alert Alert, Finding Finding)> evidenceOf, CancellationToken cancellationToken)
    {
        foreach (var byAlert in evidenceOf.GroupBy(x => x.Alert.Id))
        {
            var mentions = byAlert.SelectMany(x => x.Finding.Mentions).DistinctBy(m => m.MentionId).ToList();
            if (mentions.Count == 0)
            {
                continue;
            }

            // Only the candidates: an incident that runs for hours has many mentions already recorded.
            var ids = mentions.Select(m => m.MentionId).ToArray();
            var known = (await db.AlertMentions.Where(m => m.AlertId == byAlert.Key && ids.Contains(m.MentionId)).Select(m => m.MentionId).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            db.AlertMentions.AddRange(mentions.Where(m => !known.Contains(m.MentionId)).Select(m => new AlertMention { AlertId = byAlert.Key, MentionId = m.MentionId, At = m.At }));
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Adds one outbox row per routed channel; the alert (and any steps it started) is already saved. An opening, and an
    /// escalation that changed the plan (<paramref name="replanned"/>), names the response plan's next steps.
    /// </summary>
    /// <param name="opened">Incidents this evaluation opened: their whole plan is the steps it started (none without a playbook).</param>
    private async Task<List<long>> RecordNotificationsAsync(AlertingDbContext db, IEnumerable<(Alert Alert, NotificationKind Kind)> announce, IReadOnlySet<Alert> replanned,
        IReadOnlySet<Alert> opened, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = new List<OutboxNotification>();
        foreach (var (alert, kind) in announce)
        {
            var severity = kind == NotificationKind.Resolved ? alert.NotifiedSeverity : alert.Severity;
            var routed = channels.Route(alert.WatchId, severity);
            alert.MarkNotified(kind, now, sent: routed.Count > 0);
            if (routed.Count == 0)
            {
                // Said in the log too: without a channel (the default configuration has none) nobody hears of it but a reader
                // of the console.
                logger.LogWarning(
                    "Nobody was notified of incident {AlertId} on {Watch} ({Notification}, {Severity}): no channel in Alerting:Channels takes this watch and severity",
                    alert.Id, watchNames.Of(alert.WatchId), NotificationMessage.KindToWire(kind), severity.ToWire());
            }

            alert.Note(now, TimelineKinds.Notification, routed.Count == 0
                ? $"{NotificationMessage.KindToWire(kind)} ({severity.ToWire()}): no channel takes it"
                : $"{NotificationMessage.KindToWire(kind)} ({severity.ToWire()}) sent to {string.Join(", ", routed)}");
            // The whole plan: of an incident opened just now, the steps it started (held in memory; none when no playbook
            // applies, so no query); else as stored, with steps started earlier (ticked or not) and deadlines an escalation
            // brought forward (an opening announced when its silence ended, an escalation into a stronger playbook).
            var plan = routed.Count > 0 && (kind == NotificationKind.Opened || (kind == NotificationKind.Escalated && replanned.Contains(alert)))
                ? opened.Contains(alert)
                    ? alert.Steps
                    : await db.Steps.AsNoTracking().Where(s => s.AlertId == alert.Id).ToListAsync(cancellationToken)
                : null;
            foreach (var channel in routed)
            {
                var key = $"alert-{alert.Id}-{alert.NotificationCount}-{channel}";
                var message = NotificationMessage.For(alert, kind, key, now, options.CurrentValue.PublicBaseUrl, watchNames.Of(alert.WatchId), watchNames.TermsOf(alert.WatchId), channels.StyleOf(channel),
                    plan);
                rows.Add(new OutboxNotification
                {
                    IdempotencyKey = key,
                    AlertId = alert.Id,
                    Channel = channel,
                    Kind = kind,
                    Payload = System.Text.Json.JsonSerializer.Serialize(message, Alert.Json),
                    CreatedAt = now,
                });
            }
        }

        if (rows.Count == 0 && !db.ChangeTracker.HasChanges())
        {
            return [];
        }

        db.Outbox.AddRange(rows);
        await db.SaveChangesAsync(cancellationToken);
        return rows.Select(r => r.Id).ToList();
    }

    /// <summary>PostgreSQL: the rows (a raw multi-row upsert, decision 189) and their history rows, committed together.</summary>
    private static async Task RecordEvidenceAsync(AlertingDbContext db, List<MentionEvidence> evidence, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await EvidenceWriter.UpsertAsync(db, evidence, cancellationToken);
        await StageHistoryAsync(db, evidence, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Since when each watch, source and topic has history (cold start of baseline rules), with the batch's rows
    /// counted: the changes are left tracked in <paramref name="db"/> for the caller's save; returns every scope of
    /// the batch's watches as it will be stored.
    /// </summary>
    private static async Task<Dictionary<string, Dictionary<string, DateTimeOffset>>> StageHistoryAsync(AlertingDbContext db, List<MentionEvidence> evidence, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, Dictionary<string, DateTimeOffset>>(StringComparer.Ordinal);
        var published = evidence.SelectMany(e => EvidenceHistory.ScopesOf(e).Select(scope => (e.WatchId, Scope: scope, Post: (e.At, e.MentionId))))
            .GroupBy(x => (x.WatchId, x.Scope)).Select(g => (g.Key.WatchId, g.Key.Scope, Posts: g.Select(x => x.Post).ToList())).ToList();
        foreach (var byWatch in published.GroupBy(x => x.WatchId))
        {
            var known = await db.History.Where(h => h.WatchId == byWatch.Key).ToDictionaryAsync(h => h.Scope, StringComparer.Ordinal, cancellationToken);
            foreach (var (watchId, scope, posts) in byWatch)
            {
                if (!known.TryGetValue(scope, out var row))
                {
                    // First seen now, by this service's clock (decision 251): an old post does not date the history.
                    known[scope] = row = new EvidenceHistory { WatchId = watchId, Scope = scope, Since = posts.Min(p => p.At), Observed = now };
                    db.History.Add(row);
                }

                row.Saw(posts);
            }

            result[byWatch.Key] = known.ToDictionary(k => k.Key, k => k.Value.Start, StringComparer.Ordinal);
        }

        return result;
    }

    /// <summary>
    /// The risk terms the evidence of <paramref name="mention"/> carries for its watches' rules: the scorer's, then each
    /// rule term its title or text contains (folded like the rules fold them, so 食品安全 is found inside a Chinese sentence
    /// without spaces, and 投訴 is 投诉). What the mention page lists, so an analyst sees why a post counted toward a crisis.
    /// </summary>
    public IReadOnlyList<string> RiskTermsIn(Mention mention)
    {
        var rules = Rules;
        var terms = new List<string>(mention.RiskTerms);
        foreach (var watch in mention.Watches.Distinct(StringComparer.Ordinal))
        {
            var watchRules = rules.Where(r => r.AppliesTo(watch)).ToArray();
            if (watchRules.Length == 0)
            {
                continue;
            }

            foreach (var term in ToEvidence(mention, watch, watchRules, DateTimeOffset.MaxValue).RiskTermList)
            {
                if (!terms.Contains(term, StringComparer.OrdinalIgnoreCase))
                {
                    terms.Add(term);
                }
            }
        }

        return terms;
    }

    /// <summary>The rules' terms with their folded form (so a rule's 投诉 also finds 投訴).</summary>
    internal static (string Term, string Folded)[] FoldedTerms(IReadOnlyList<CrisisRule> rules) =>
        rules.SelectMany(r => r.Terms).Select(t => (Term: t, Folded: TextNormalizer.Fold(t))).Where(t => t.Folded.Length > 0).ToArray();

    internal static MentionEvidence ToEvidence(Mention mention, string watch, IReadOnlyList<CrisisRule> rules, DateTimeOffset now) =>
        ToEvidence(mention, watch, FoldedTerms(rules), now);

    private static MentionEvidence ToEvidence(Mention mention, string watch, (string Term, string Folded)[] ruleTerms, DateTimeOffset now)
    {
        var text = string.IsNullOrWhiteSpace(mention.Title) ? mention.Text : $"{mention.Title} {mention.Text}";
        var terms = new List<string>(mention.RiskTerms);
        var folded = ruleTerms.Length > 0 ? TextNormalizer.Fold(text) : text;
        foreach (var (term, foldedTerm) in ruleTerms)
        {
            if (folded.Contains(foldedTerm, StringComparison.Ordinal) && !terms.Contains(term, StringComparer.OrdinalIgnoreCase))
            {
                terms.Add(term);
            }
        }

        var at = mention.PublishedAt < now ? mention.PublishedAt : now;
        var excerpt = text.ReplaceLineEndings(" ").Trim();
        return new MentionEvidence
        {
            WatchId = watch,
            MentionId = mention.Id,
            At = EvidenceWriter.AsStored(at.ToUniversalTime()),
            Sentiment = mention.Sentiment?.Label,
            Source = mention.Source,
            Topic = mention.Topic?.Topic,
            Author = mention.Author,
            Reach = mention.Engagement.Total,
            RiskTerms = string.Join('|', terms.Select(t => t.Replace("|", string.Empty, StringComparison.Ordinal))),
            Url = mention.Url,
            Excerpt = excerpt.Length <= ExcerptLength ? excerpt : excerpt[..ExcerptLength] + "…",
        };
    }
}
