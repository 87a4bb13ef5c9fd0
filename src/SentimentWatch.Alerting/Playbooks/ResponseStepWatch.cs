using System.Globalization;
using System.Text;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Alerting.Notifications;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Storage;

namespace SentimentWatch.Alerting;

/// <summary>
/// The recurring Hangfire job that reminds a step's owner when a response step runs late, once
/// per step and reopening (the SLA watch's pattern, decision 062): a <see cref="StepReminder"/>
/// row with a unique (step, cycle) key is written with its timeline line in one transaction, then
/// handed to the staff notifier, which sends each dedup key at most once through the alert
/// channels. Steps of an incident a person resolved are not reminded (the team closed it), nor
/// while a silence covers the incident (reminded when it ends); an incident that resolved itself
/// keeps reminding, since the statements are still owed.
/// </summary>
public sealed class ResponseStepWatch(
    IDbContextFactory<AlertingDbContext> dbs,
    StaffNotifier notifier,
    WatchNames watchNames,
    IOptionsMonitor<AlertingOptions> options,
    TimeProvider clock,
    ILogger<ResponseStepWatch> logger)
{
    public const string JobId = "alerting-response-steps";
    private const int Batch = 500;

    /// <summary>
    /// How many pending reminders one pass tries at most, counting those the notifier refuses: enough to read on past a
    /// batch and more of reminders it keeps refusing, and still a bound on the pass (each try is a transaction in the store).
    /// </summary>
    private const int NoticeTriesPerPass = 4 * Batch;

    /// <summary>One pass; Hangfire runs it on <see cref="AlertingOptions.ResponseStepCheckCron"/>, and it is safe to run at any time.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 120)]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var recorded = await RecordOverdueAsync(cancellationToken);
        var sent = await NotifyPendingAsync(cancellationToken);
        if (recorded > 0 || sent > 0)
        {
            logger.LogInformation("Response steps: {Recorded} overdue reminders recorded, {Sent} handed to the notifier", recorded, sent);
        }
    }

    private async Task<int> RecordOverdueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var count = 0;
        // Steps of an incident a person resolved are never reminded, so they are left out of the query: taken with the rest,
        // 500 of them (the earliest due, a few per incident resolved without ticking every step) filled every batch, and no
        // other step was reminded again. Steps of silenced incidents are skipped now and reminded when the silence ends, so the
        // pass reads on past them, a batch at a time (decision 250).
        for (var offset = 0; count < Batch;)
        {
            var (recorded, read, skipped) = await RecordOverdueAsync(now, offset, cancellationToken);
            count += recorded;
            if (read < Batch || skipped == 0)
            {
                break;
            }

            // Recorded steps drop out of the query; the skipped ones stay in it, ahead of the rest.
            offset += skipped;
        }

        return count;
    }

    private async Task<(int Recorded, int Read, int Skipped)> RecordOverdueAsync(DateTimeOffset now, int offset, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var overdue = await db.Steps.AsNoTracking()
            .Where(s => s.DoneAt == null && s.DueAt <= now && !db.StepReminders.Any(r => r.StepRowId == s.Id && r.Cycle == s.ReopenCount))
            .Where(s => !db.Alerts.Any(a => a.Id == s.AlertId && a.Status == AlertStatus.Resolved && a.ResolvedBy != null && a.ResolvedBy != "auto"))
            .OrderBy(s => s.DueAt).ThenBy(s => s.Id).Skip(offset).Take(Batch).ToListAsync(cancellationToken);
        if (overdue.Count == 0)
        {
            return (0, 0, 0);
        }

        var alertIds = overdue.Select(s => s.AlertId).Distinct().ToArray();
        var alerts = await db.Alerts.AsNoTracking().Include(a => a.Signals).Where(a => alertIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        var plans = await db.Steps.AsNoTracking().Where(s => alertIds.Contains(s.AlertId)).ToListAsync(cancellationToken);
        var silences = await db.Silences.AsNoTracking().Where(s => s.Until > now).ToListAsync(cancellationToken);
        var count = 0;
        var skipped = 0;
        foreach (var step in overdue)
        {
            var alert = alerts[step.AlertId];
            if (alert.Status == AlertStatus.Resolved && alert.ResolvedBy is not ("auto" or null))
            {
                skipped++; // resolved by a person since the query ran
                continue;
            }

            if (silences.Any(s => s.Covers(alert, now)))
            {
                skipped++;
                continue;
            }

            var plan = ResponsePlan.Order(plans.Where(s => s.AlertId == alert.Id)).ToList();
            var (title, text) = Briefing(alert, step, plan, now, watchNames.Of(alert.WatchId), options.CurrentValue.PublicBaseUrl);
            var reminder = new StepReminder
            {
                StepRowId = step.Id,
                AlertId = alert.Id,
                Cycle = step.ReopenCount,
                At = now,
                DueAt = step.DueAt,
                DedupKey = DedupKey(alert.Id, step.StepId, step.ReopenCount),
                Title = title,
                Text = text,
                Recipients = step.Contact ?? step.Owner,
            };
            db.StepReminders.Add(reminder);
            db.Timeline.Add(new AlertTimelineEntry
            {
                AlertId = alert.Id, At = now, Kind = TimelineKinds.Step,
                Text = $"step \"{step.Title}\" overdue by {ResponsePlan.Describe(now - step.DueAt)}: reminder to {reminder.Recipients}",
            });
            try
            {
                // One step at a time: a reminder another pass recorded a moment ago is skipped, not fatal.
                await db.SaveChangesAsync(cancellationToken);
                count++;
            }
            catch (DbUpdateException ex) when (StateStoreErrors.IsConstraintViolation(ex))
            {
                db.ChangeTracker.Clear();
                logger.LogDebug("Overdue reminder {DedupKey} was recorded concurrently", reminder.DedupKey);
            }
        }

        return (count, overdue.Count, skipped);
    }

    public static string DedupKey(long alertId, string stepId, int cycle) =>
        string.Create(CultureInfo.InvariantCulture, $"step-{alertId}-{stepId}-overdue-{cycle}");

    /// <summary>
    /// The reminder as a PR person woken at 3 a.m. needs it: which brand, which incident and how bad,
    /// which step is how late and who owns it, what is left on its checklist, what comes next, and
    /// the link to the console's alert page where it is ticked; in the channel's language and time zone (decision 218).
    /// </summary>
    internal static (string Title, string Text) Briefing(Alert alert, ResponseStep step, IReadOnlyList<ResponseStep> plan, DateTimeOffset now, string watchName, string? publicBaseUrl,
        MessageStyle? style = null)
    {
        style ??= MessageStyle.Default;
        var zh = style.IsChinese;
        var late = ResponsePlan.Describe(now - step.DueAt, zh);
        var signals = string.Join(zh ? "、" : ", ", alert.Signals.OrderByDescending(s => s.Severity).ThenBy(s => s.FirstFiredAt).Select(s => NotificationMessage.Describe(s.Kind, zh)).Distinct());
        var severity = MessageStyle.SeverityWord(alert.Severity.ToWire(), zh);
        var position = plan.ToList().FindIndex(s => s.Id == step.Id) + 1;
        var within = ResponsePlan.Describe(step.DueAt - alert.OpenedAt, zh);
        var open = step.Checklist.Where(c => c.DoneAt is null).Select(c => c.Text).ToList();
        var otherLate = plan.Where(s => s.Id != step.Id && !s.IsDone && s.DueAt <= now).ToList();
        var next = plan.FirstOrDefault(s => !s.IsDone && s.DueAt > now);
        var link = StaffNotifier.AbsoluteLink($"/alerts/{alert.Id}", publicBaseUrl);
        var text = new StringBuilder();
        if (zh)
        {
            var title = $"【超时】{watchName}：“{step.Title}”已超时 {late}（事件 {alert.Id}）";
            var state = alert.Status switch
            {
                AlertStatus.Resolved => alert.ResolvedAt is { } r ? $"已于 {style.Time(r)} 解决" : "已解决",
                AlertStatus.Acknowledged => $"已由 {alert.AcknowledgedBy} 确认",
                _ => "仍在持续，尚无人确认",
            };
            text.Append(CultureInfo.InvariantCulture, $"事件 {alert.Id}（{watchName}，{severity}：{signals}）开始于 {style.Time(alert.OpenedAt)}，{state}。\n");
            text.Append(CultureInfo.InvariantCulture, $"第 {position}/{plan.Count} 步“{step.Title}”，负责人 {step.Owner}，截止 {style.Time(step.DueAt)}（事件开始后 {within}内），已超时 {late}。");
            if (open.Count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n待核对：{string.Join("；", open)}。");
            }

            if (otherLate.Count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n同样超时：{string.Join("；", otherLate.Select(s => $"“{s.Title}”（{ResponsePlan.Describe(now - s.DueAt, zh)}）"))}。");
            }

            if (next is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n下一步：{NextStep.From(next, alert.OpenedAt, now, style).Line}。");
            }

            if (alert.DescribeNow(chinese: true) is { } current)
            {
                text.Append("\n当前：").Append(current);
            }

            text.Append(CultureInfo.InvariantCulture, $"\n完成后请在此勾选：{link}");
            return (title, text.ToString());
        }

        var englishTitle = $"[OVERDUE] {watchName}: \"{step.Title}\" is {late} late (incident {alert.Id})";
        var status = alert.Status switch
        {
            AlertStatus.Resolved => "resolved " + (alert.ResolvedAt is { } r ? style.Time(r) : ""),
            AlertStatus.Acknowledged => $"acknowledged by {alert.AcknowledgedBy}",
            _ => "firing, not acknowledged",
        };
        text.Append(CultureInfo.InvariantCulture, $"Incident {alert.Id} on {watchName} ({alert.Severity.ToWire()}: {signals}), ");
        text.Append(CultureInfo.InvariantCulture, $"opened {style.Time(alert.OpenedAt)}, {status}.\n");
        text.Append(CultureInfo.InvariantCulture, $"Step {position} of {plan.Count}, \"{step.Title}\", owner {step.Owner}, was due {style.Time(step.DueAt)} ");
        text.Append(CultureInfo.InvariantCulture, $"(within {within} of the start) and is {late} late.");
        if (open.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nStill to check: {string.Join("; ", open)}.");
        }

        if (otherLate.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nAlso late: {string.Join("; ", otherLate.Select(s => $"\"{s.Title}\" ({ResponsePlan.Describe(now - s.DueAt)})"))}.");
        }

        if (next is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nNext: {NextStep.From(next, alert.OpenedAt, now, style).Line}.");
        }

        if (alert.DescribeNow() is { } reading)
        {
            text.Append("\nNow: ").Append(reading);
        }

        text.Append(CultureInfo.InvariantCulture, $"\nTick it when done: {link}");
        return (englishTitle, text.ToString());
    }

    /// <summary>
    /// Hands every reminder not yet sent to the staff notifier (which sends each key at most once), oldest first, a batch at
    /// a time. A reminder the notifier refuses stays pending and is tried again on the next pass; the pass reads on past it,
    /// so refused reminders never hold back the ones recorded after them, and stops after <see cref="NoticeTriesPerPass"/> tries.
    /// </summary>
    private Task<int> NotifyPendingAsync(CancellationToken cancellationToken) =>
        SentimentWatch.Storage.PendingPages.DrainAsync(NotifyPendingAsync, Batch, NoticeTriesPerPass, cancellationToken);

    private async Task<(int Sent, int Read, long Last)> NotifyPendingAsync(long after, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var pending = await db.StepReminders.Where(r => r.NotifiedAt == null && r.Id > after).OrderBy(r => r.Id).Take(take).ToListAsync(cancellationToken);
        if (pending.Count == 0)
        {
            return (0, 0, after);
        }

        var sent = 0;
        // The incidents and their plans, read once for the batch as RecordOverdueAsync reads them.
        var alertIds = pending.Select(r => r.AlertId).Distinct().ToArray();
        var alerts = await db.Alerts.AsNoTracking().Include(a => a.Signals).Where(a => alertIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        var plans = (await db.Steps.AsNoTracking().Where(s => alertIds.Contains(s.AlertId)).ToListAsync(cancellationToken))
            .GroupBy(s => s.AlertId).ToDictionary(g => g.Key, g => ResponsePlan.Order(g).ToList());
        var baseUrl = options.CurrentValue.PublicBaseUrl;
        foreach (var reminder in pending)
        {
            var alert = alerts[reminder.AlertId];
            var plan = plans.GetValueOrDefault(alert.Id) ?? [];
            var step = plan.FirstOrDefault(s => s.Id == reminder.StepRowId);
            var watchName = watchNames.Of(alert.WatchId);
            try
            {
                // The stored text is the English one in UTC; a channel in another language or zone gets the same reminder written
                // for it, as of the moment it was recorded.
                await notifier.NotifyAsync(
                    new StaffNotice(reminder.DedupKey, reminder.Title, reminder.Text, $"/alerts/{alert.Id}", reminder.Recipients.Split('\t', StringSplitOptions.RemoveEmptyEntries)),
                    alert, cancellationToken,
                    step is null ? null : style => Briefing(alert, step, plan, reminder.At, watchName, baseUrl, style));
                reminder.NotifiedAt = clock.GetUtcNow();
                reminder.LastError = null;
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Stays pending: the next pass tries again, and the key keeps it from going out twice.
                reminder.LastError = ex.Message;
                logger.LogWarning(ex, "Could not hand overdue reminder {DedupKey} to the notifier; retrying on the next pass", reminder.DedupKey);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return (sent, pending.Count, pending[^1].Id);
    }
}

/// <summary>Registers the overdue-step reminders as a Hangfire recurring job when the host starts.</summary>
public sealed class ResponseStepSchedule(IRecurringJobManager jobs, IOptions<AlertingOptions> options, ILogger<ResponseStepSchedule> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        jobs.AddOrUpdate<ResponseStepWatch>(ResponseStepWatch.JobId, watch => watch.RunAsync(CancellationToken.None), options.Value.ResponseStepCheckCron);
        logger.LogInformation("Overdue response-step reminders scheduled ({Cron})", options.Value.ResponseStepCheckCron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
