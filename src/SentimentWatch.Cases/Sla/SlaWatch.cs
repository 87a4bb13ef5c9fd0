using System.Globalization;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Cases.Sla;

/// <summary>
/// The recurring Hangfire job that keeps the SLA promise (超期处理): warns a case's owner before a
/// clock breaches, and on a breach tells the team lead, raises the priority one step and records
/// it; reminds owners of follow-ups that fell due; assigns cases that waited for a free agent.
/// Each warning, breach and reminder happens once: a row in <c>case_sla_signals</c> with a unique
/// key is written in the same transaction as the case change, and the notice is sent from that
/// row (re-sent after a crash, deduplicated by the notifier on the same key).
/// </summary>
public sealed class SlaWatch(
    IDbContextFactory<CasesDbContext> dbs,
    CaseDesk desk,
    IOptionsMonitor<CasesOptions> options,
    IEnumerable<IStaffNotifier> notifiers,
    TimeProvider clock,
    ILogger<SlaWatch> logger)
{
    public const string JobId = "cases-sla-watch";
    public const string Actor = "sla-watch";
    public const string FirstResponse = "first_response";
    public const string Resolution = "resolution";
    public const string FollowUp = "follow_up";

    /// <summary>How many due cases and follow-ups one pass reads of each, and how many pending notices it reads at a time.</summary>
    public const int BatchSize = 500;

    /// <summary>
    /// How many pending notices one pass tries at most, counting those the notifier refuses: enough to read on past a page
    /// and more of notices it keeps refusing, and still a bound on the pass (each try is a transaction in the notifier's store).
    /// </summary>
    public const int NoticeTriesPerPass = 4 * BatchSize;

    /// <summary>
    /// From how many warnings pending at once they go out as one digest: a complaint storm opens dozens of cases in a minute,
    /// and their warnings fall due together (the demo sent 17 messages to one robot in a minute; DingTalk takes about 20).
    /// Breaches and follow-ups still go one by one: each asks someone to act on one case.
    /// </summary>
    public const int DigestFrom = 4;

    /// <summary>How many cases a digest lists; the rest are counted, and the link opens the queue.</summary>
    public const int DigestLines = 15;

    private readonly IStaffNotifier? _notifier = notifiers.FirstOrDefault();

    /// <summary>One pass; Hangfire runs it on <see cref="CasesOptions.SlaCheckCron"/>, and it is safe to run at any time.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 120)]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await desk.AssignWaitingAsync(cancellationToken);
        var signalled = await desk.AsWriterAsync(() => RecordSignalsAsync(cancellationToken), cancellationToken);
        var sent = await NotifyPendingAsync(cancellationToken);
        if (signalled > 0 || sent > 0)
        {
            logger.LogInformation("SLA watch: {Signals} new warnings/breaches/reminders, {Sent} notices handed to the notifier", signalled, sent);
        }
    }

    private async Task<int> RecordSignalsAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = clock.GetUtcNow();
        var horizon = (now + settings.WarningLeadTime).UtcTicks;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);

        // Only cases with a signal still to record: one already breached (or warned, and not yet due) stays in front by
        // DueKey until answered, and with a batch of those every pass would read the same cases and signal nothing behind
        // them (decision 253). The rule is Signal's, asked of the signals' unique index per clock.
        var horizonAt = now + settings.WarningLeadTime;
        var due = await db.Cases
            .Where(c => c.IsOpen && c.DueKey <= horizon)
            .Where(c =>
                (c.FirstResponseAt == null && c.FirstResponseDueAt != null && c.FirstResponseDueAt <= horizonAt
                    && !db.SlaSignals.Any(s => s.CaseId == c.Id && s.Clock == FirstResponse && s.Cycle == 0
                        && (s.Kind == "breach" || (s.Kind == "warning" && c.FirstResponseDueAt > now))))
                || (c.ResolvedAt == null && c.ResolutionDueAt != null && c.ResolutionDueAt <= horizonAt
                    && !db.SlaSignals.Any(s => s.CaseId == c.Id && s.Clock == Resolution && s.Cycle == c.ReopenCount
                        && (s.Kind == "breach" || (s.Kind == "warning" && c.ResolutionDueAt > now)))))
            .OrderBy(c => c.DueKey).ThenBy(c => c.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        var ids = due.Select(c => c.Id).ToArray();
        var done = (await db.SlaSignals.Where(s => ids.Contains(s.CaseId)).Select(s => new { s.CaseId, s.Clock, s.Kind, s.Cycle }).ToListAsync(cancellationToken))
            .Select(s => (s.CaseId, s.Clock, s.Kind, s.Cycle))
            .ToHashSet();
        var count = 0;
        foreach (var c in due)
        {
            if (c.FirstResponseAt is null && c.FirstResponseDueAt is { } firstDue && firstDue.UtcTicks <= horizon)
            {
                count += Signal(db, c, FirstResponse, 0, firstDue, now, done, settings) ? 1 : 0;
            }

            if (c.ResolvedAt is null && c.ResolutionDueAt is { } resolutionDue && resolutionDue.UtcTicks <= horizon)
            {
                count += Signal(db, c, Resolution, c.ReopenCount, resolutionDue, now, done, settings) ? 1 : 0;
            }
        }

        var followUps = await db.FollowUps.Where(f => f.DoneAt == null && f.RemindedAt == null && f.DueAt <= now).OrderBy(f => f.DueAt).Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var followUp in followUps)
        {
            var c = await db.Cases.SingleAsync(x => x.Id == followUp.CaseId, cancellationToken);
            followUp.RemindedAt = now;
            if (c.Status != CaseStatus.Resolved)
            {
                continue;
            }

            var key = DedupKey(c.Id, FollowUp, "due", followUp.Cycle);
            var (followTitle, followText) = Compose(c, FollowUp, "due", followUp.DueAt, null, null, MessageStyle.Default, settings);
            db.SlaSignals.Add(new CaseSlaSignal
            {
                CaseId = c.Id, Clock = FollowUp, Kind = "due", Cycle = followUp.Cycle, At = now, DueAt = followUp.DueAt, DedupKey = key,
                Title = followTitle,
                Text = followText,
                Recipients = string.Join('\t', Recipients(settings, c.Owner, c.Team, lead: false)),
            });
            CaseDesk.Audit(db, c, Actor, "follow_up_due", null, followUp.DueAt.ToString("O", CultureInfo.InvariantCulture), now);
            count++;
        }

        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return count;
    }

    private static bool Signal(CasesDbContext db, Case c, string clockName, int cycle, DateTimeOffset dueAt, DateTimeOffset now, HashSet<(long, string, string, int)> done, CasesOptions settings)
    {
        var kind = dueAt <= now ? "breach" : "warning";
        if (done.Contains((c.Id, clockName, kind, cycle)) || (kind == "warning" && done.Contains((c.Id, clockName, "breach", cycle))))
        {
            return false;
        }

        done.Add((c.Id, clockName, kind, cycle));
        var priority = CasePriority.ToWire(c.Priority);
        string? raisedFrom = null;
        string? raisedTo = null;
        IReadOnlyList<string> recipients;
        if (kind == "warning")
        {
            recipients = Recipients(settings, c.Owner, c.Team, lead: false);
            CaseDesk.Audit(db, c, Actor, "sla_warning", null, $"{clockName} due {dueAt:O}", now);
        }
        else
        {
            var raised = Math.Max(1, c.Priority - 1);
            recipients = Recipients(settings, c.Owner, c.Team, lead: true);
            CaseDesk.Audit(db, c, Actor, "sla_breach", null, $"{clockName} due {dueAt:O}", now);
            if (clockName == FirstResponse)
            {
                c.FirstResponseBreached = true;
            }
            else
            {
                c.ResolutionBreached = true;
            }

            if (raised < c.Priority)
            {
                // Escalation raises urgency in the queue; the targets stay as set, or the case would be punished twice for one lateness.
                CaseDesk.Audit(db, c, Actor, "priority", priority, CasePriority.ToWire(raised), now, $"SLA breach: {clockName}");
                (raisedFrom, raisedTo) = (priority, CasePriority.ToWire(raised));
                c.Priority = raised;
            }

            // A raised priority is the queue's order and what an agent weighs: the ETag moves. A breach mark alone changes
            // nothing an agent decides on (the due time was on the case all along), so their If-Match stays good (decision 258).
            c.Touch(now, revised: raisedTo is not null);
        }

        var (title, text) = Compose(c, clockName, kind, dueAt, raisedFrom, raisedTo, MessageStyle.Default, settings);
        db.SlaSignals.Add(new CaseSlaSignal
        {
            CaseId = c.Id, Clock = clockName, Kind = kind, Cycle = cycle, At = now, DueAt = dueAt,
            DedupKey = DedupKey(c.Id, clockName, kind, cycle), Title = title, Text = text, Recipients = string.Join('\t', recipients),
            RaisedFrom = raisedFrom, RaisedTo = raisedTo,
        });
        return true;
    }

    /// <summary>
    /// An SLA notice as its reader needs it, in the channel's language and time zone (decision 218): which case, which clock,
    /// when it is or was due, who owns it and, on a breach, what happened to the priority. <paramref name="c"/> gives the case's
    /// title, category, owner and team; the priority is the one after the signal (<paramref name="raisedTo"/> when it was raised).
    /// </summary>
    internal static (string Title, string Text) Compose(Case c, string clockName, string kind, DateTimeOffset dueAt, string? raisedFrom, string? raisedTo, MessageStyle style, CasesOptions settings)
    {
        var zh = style.IsChinese;
        var due = style.Time(dueAt);
        if (clockName == FollowUp)
        {
            return zh
                ? ($"回访到期：工单 {c.Id}", $"工单 {c.Id}“{c.Title}”已解决，回访时间已到。请询问顾客满意度（1–5 分）并记录。")
                : ($"Follow-up due: case {c.Id}", $"Case {c.Id} \"{c.Title}\" was resolved; the follow-up visit (回访) is due. Ask the customer how satisfied they are (1–5) and record it.");
        }

        var what = clockName == FirstResponse ? style.T("first response", "首次响应") : style.T("resolution", "解决");
        var priority = raisedTo ?? CasePriority.ToWire(c.Priority);
        var category = ComplaintTopics.Label(c.Category, zh);
        var owner = settings.PersonName(c.Owner);
        var team = settings.TeamName(c.Team);
        if (kind == "warning")
        {
            return zh
                ? ($"SLA 预警：工单 {c.Id} 的{what}时限 {due} 到期", $"工单 {c.Id}（{priority}，{category}）“{c.Title}”：{what}时限 {due} 到期。负责人：{owner ?? "无"}。")
                : ($"SLA warning: case {c.Id} {what} due {due}", $"Case {c.Id} ({priority}, {category}) \"{c.Title}\": the {what} is due at {due}. Owner: {owner ?? "nobody"}.");
        }

        return zh
            ? ($"SLA 超时：工单 {c.Id} 的{what}时限已于 {due} 到期",
                $"工单 {c.Id}“{c.Title}”未达{what}时限（截止 {due}）。负责人：{owner ?? "无"}，团队：{team ?? "无"}。"
                + (raisedFrom is not null ? $"优先级已由 {raisedFrom} 升至 {raisedTo}。" : $"优先级保持 {priority}。"))
            : ($"SLA breached: case {c.Id} {what} overdue since {due}",
                $"Case {c.Id} \"{c.Title}\" missed its {what} target (due {due}). Owner: {owner ?? "nobody"}, team: {team ?? "none"}. "
                + (raisedFrom is not null ? $"Priority raised {raisedFrom} → {raisedTo}." : $"Priority stays {priority}."));
    }

    public static string DedupKey(long caseId, string clockName, string kind, int cycle) =>
        string.Create(CultureInfo.InvariantCulture, $"case-{caseId}-{clockName}-{kind}-{cycle}");

    private static List<string> Recipients(CasesOptions settings, string? owner, string? team, bool lead)
    {
        var recipients = new List<string>();
        void Add(string? agentId)
        {
            if (string.IsNullOrEmpty(agentId))
            {
                return;
            }

            var contact = settings.Agents.FirstOrDefault(a => a.Id == agentId)?.Contact ?? agentId;
            if (!recipients.Contains(contact))
            {
                recipients.Add(contact);
            }
        }

        var teamLead = settings.Teams.FirstOrDefault(t => t.Id == team)?.Lead;
        if (lead || owner is null)
        {
            Add(teamLead);
        }

        Add(owner);
        return recipients;
    }

    /// <summary>
    /// Hands every signal not yet notified to the staff notifier (which sends each key at most once), oldest first, a page
    /// of <see cref="BatchSize"/> at a time. A signal the notifier refuses stays pending and is tried again on the next
    /// pass; the pass reads on past it, so refused signals never hold back the ones recorded after them, and stops after
    /// <see cref="NoticeTriesPerPass"/> tries.
    /// </summary>
    private Task<int> NotifyPendingAsync(CancellationToken cancellationToken) =>
        SentimentWatch.Storage.PendingPages.DrainAsync(NotifyPendingAsync, BatchSize, NoticeTriesPerPass, cancellationToken);

    private async Task<(int Sent, int Read, long Last)> NotifyPendingAsync(long after, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var pending = await db.SlaSignals.Where(s => s.NotifiedAt == null && s.Id > after).OrderBy(s => s.Id).Take(take).ToListAsync(cancellationToken);
        if (pending.Count == 0)
        {
            return (0, 0, after);
        }

        var sent = 0;
        var people = options.CurrentValue;
        var baseUrl = people.PublicBaseUrl?.TrimEnd('/');
        var caseIds = pending.Select(p => p.CaseId).Distinct().ToArray();
        var cases = await db.Cases.AsNoTracking().Where(x => caseIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, cancellationToken);
        // Warnings recorded by one pass (one At) that are DigestFrom or more go out as one digest, the whole pass's set read
        // together (it may run past this page), so a retry after a crash sends the same set under the same key.
        var digested = new HashSet<long>();
        if (_notifier is not null)
        {
            foreach (var at in pending.Where(p => p.Kind == "warning").Select(p => p.At).Distinct().ToList())
            {
                var group = await db.SlaSignals.Where(s => s.NotifiedAt == null && s.Kind == "warning" && s.At == at).OrderBy(s => s.Id).ToListAsync(cancellationToken);
                if (group.Count < DigestFrom)
                {
                    continue;
                }

                var groupCases = group.Select(g => g.CaseId).Where(id => !cases.ContainsKey(id)).Distinct().ToArray();
                foreach (var c in await db.Cases.AsNoTracking().Where(x => groupCases.Contains(x.Id)).ToListAsync(cancellationToken))
                {
                    cases[c.Id] = c;
                }

                // Handed over or refused, the group is done for this pass: refused, it stays pending under its key for the next.
                sent += await NotifyDigestAsync(group, cases, people, baseUrl, cancellationToken) ? group.Count : 0;
                digested.UnionWith(group.Select(g => g.Id));
            }
        }

        foreach (var signal in pending)
        {
            if (digested.Contains(signal.Id))
            {
                continue;
            }

            if (_notifier is null)
            {
                signal.NotifiedAt = clock.GetUtcNow();
                signal.LastError = "no staff notifier in this host (alerting not configured)";
                logger.LogInformation("SLA {Kind} for case {CaseId} ({Clock}) recorded; no staff notifier is registered to send it", signal.Kind, signal.CaseId, signal.Clock);
                continue;
            }

            try
            {
                // Without Cases:PublicBaseUrl the notifier makes the path absolute with the alerting base URL: every notice links its case.
                var link = baseUrl is null ? $"/cases/{signal.CaseId}" : $"{baseUrl}/cases/{signal.CaseId}";
                var recipients = signal.Recipients.Length == 0 ? [] : signal.Recipients.Split('\t');
                // The stored text is the English one in UTC; a channel in another language or zone gets it written for it.
                var c = cases[signal.CaseId];
                await _notifier.NotifyAsync(
                    new StaffNotice(signal.DedupKey, signal.Title, signal.Text, link, recipients,
                        style => Compose(c, signal.Clock, signal.Kind, signal.DueAt, signal.RaisedFrom, signal.RaisedTo, style, people), AboutCase: true),
                    cancellationToken);
                signal.NotifiedAt = clock.GetUtcNow();
                signal.LastError = null;
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Stays pending: the next tick tries again, and the key keeps it from going out twice.
                signal.LastError = ex.Message;
                logger.LogWarning(ex, "Could not hand SLA notice {DedupKey} to the notifier; retrying on the next tick", signal.DedupKey);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return (sent, pending.Count, pending[^1].Id);
    }

    /// <summary>
    /// The warnings one pass recorded, as one notice (<see cref="DigestFrom"/>): every case with its clock, how long is left,
    /// priority, category and owner, soonest first (at most <see cref="DigestLines"/>, titles cut to 40 characters, so a chat
    /// robot's size limit holds); to everyone the single warnings would have reached. Its key is the pass's instant, so a retry
    /// after a crash (the notice accepted, the marks not saved) is dropped by the notifier. True when handed over (the
    /// signals are marked); false when refused (they stay pending with the reason and go out as the same digest next pass).
    /// </summary>
    private async Task<bool> NotifyDigestAsync(List<CaseSlaSignal> warnings, Dictionary<long, Case> cases, CasesOptions people, string? baseUrl, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var key = string.Create(CultureInfo.InvariantCulture, $"sla-warnings-{warnings[0].At.UtcTicks}");
        var ordered = warnings.OrderBy(w => w.DueAt).ThenBy(w => w.CaseId).ToList();
        static string Cut(string title) => title.Length <= 40 ? title : title[..40] + "…";
        (string Title, string Text) Write(MessageStyle style)
        {
            var zh = style.IsChinese;
            var lines = ordered.Take(DigestLines).Select(w =>
            {
                var what = w.Clock == FirstResponse ? style.T("first response", "首次响应") : style.T("resolution", "解决");
                var left = w.DueAt > now ? style.Span(TimeSpan.FromMinutes(Math.Ceiling((w.DueAt - now).TotalMinutes))) : null;
                if (!cases.TryGetValue(w.CaseId, out var c))
                {
                    return zh ? $"- 工单 {w.CaseId}：{what}时限 {style.Clock(w.DueAt)}" : $"- Case {w.CaseId}: {what} due {style.Clock(w.DueAt)}";
                }

                var owner = people.PersonName(c.Owner);
                return zh
                    ? $"- 工单 {c.Id}（{CasePriority.ToWire(c.Priority)}，{ComplaintTopics.Label(c.Category, true)}）“{Cut(c.Title)}”：{what}时限 {style.Clock(w.DueAt)}{(left is null ? "（已到期）" : $"（还剩 {left}）")}，负责人：{owner ?? "无"}"
                    : $"- Case {c.Id} ({CasePriority.ToWire(c.Priority)}, {ComplaintTopics.Label(c.Category, false)}) \"{Cut(c.Title)}\": {what} due {style.Clock(w.DueAt)}{(left is null ? " (now overdue)" : $" (in {left})")}, owner: {owner ?? "nobody"}";
            }).ToList();
            var more = ordered.Count - lines.Count;
            var text = string.Join('\n', lines) + (more > 0 ? (zh ? $"\n\n另有 {more} 件，见工单队列。" : $"\n\nAnd {more} more: see the queue.") : "");
            var lead = style.Span(people.WarningLeadTime);
            return zh
                ? ($"SLA 预警：{ordered.Count} 件工单将在 {lead}内到期", text)
                : ($"SLA warnings: {ordered.Count} cases due within {lead}", text);
        }

        try
        {
            var (title, text) = Write(MessageStyle.Default);
            var recipients = ordered.SelectMany(w => w.Recipients.Length == 0 ? [] : w.Recipients.Split('\t')).Distinct(StringComparer.Ordinal).ToList();
            await _notifier!.NotifyAsync(new StaffNotice(key, title, text, baseUrl is null ? "/cases" : $"{baseUrl}/cases", recipients, Write, AboutCase: true), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            foreach (var w in warnings)
            {
                w.LastError = ex.Message;
            }

            logger.LogWarning(ex, "Could not hand the digest of {Count} SLA warnings ({DedupKey}) to the notifier; retrying on the next tick", warnings.Count, key);
            return false;
        }

        foreach (var w in warnings)
        {
            w.NotifiedAt = now;
            w.LastError = null;
        }

        logger.LogInformation("SLA watch: {Count} warnings sent as one digest ({DedupKey})", warnings.Count, key);
        return true;
    }
}

/// <summary>Registers the SLA watch and the metric rollups' refresh as Hangfire recurring jobs when the host starts.</summary>
public sealed class SlaWatchSchedule(IRecurringJobManager jobs, IOptions<CasesOptions> options, ILogger<SlaWatchSchedule> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        jobs.AddOrUpdate<SlaWatch>(SlaWatch.JobId, watch => watch.RunAsync(CancellationToken.None), options.Value.SlaCheckCron);
        // Keeps the metric rollups close to the cases, so a metrics read rebuilds a few days at most.
        jobs.AddOrUpdate<CaseMetricRollups>(CaseMetricRollups.JobId, rollups => rollups.RefreshAsync(CancellationToken.None), options.Value.SlaCheckCron);
        logger.LogInformation("SLA watch scheduled ({Cron})", options.Value.SlaCheckCron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
