using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SentimentWatch.Alerting;

/// <summary>
/// The response plan of incidents (舆情应急处置预案): starts a playbook's steps when an incident opens
/// or escalates into a severity with a playbook (once: the incident remembers the severity it
/// planned for, and a unique index keeps one row per incident and step), shows the steps with their
/// due state, and takes ticks and un-ticks from people, each audited on the incident's timeline.
/// </summary>
public sealed class ResponsePlan(
    IDbContextFactory<AlertingDbContext> dbs,
    IOptionsMonitor<AlertingOptions> options,
    TimeProvider clock,
    ILogger<ResponsePlan> logger)
{
    public const int MaxNote = 1000;

    /// <summary>The playbook for a watch at a severity: the watch's own, else the <c>*</c> one.</summary>
    public ResponsePlaybookOptions? PlaybookFor(string watchId, AlertSeverity severity)
    {
        ResponsePlaybookOptions? any = null;
        foreach (var playbook in options.CurrentValue.Playbooks)
        {
            if (!AlertSeverities.TryParse(playbook.Severity, out var s) || s != severity)
            {
                continue;
            }

            if (string.Equals(playbook.Watch.Trim(), watchId, StringComparison.OrdinalIgnoreCase))
            {
                return playbook;
            }

            if (playbook.Watch.Trim() == CrisisRule.AnyWatch)
            {
                any = playbook;
            }
        }

        return any;
    }

    /// <summary>
    /// Called by the desk for the incidents of one evaluation, before it saves them: an incident
    /// that opened, or reached a severity not planned for yet, gets that severity's playbook. New
    /// steps are added to the incident (saved in the desk's transaction); a step it already has
    /// keeps its state and takes the earlier deadline (idempotent, so a repeat after a crash is harmless).
    /// Returns the incidents whose plan changed (steps added or due sooner): their escalation names the next steps.
    /// </summary>
    internal async Task<IReadOnlySet<Alert>> StartAsync(AlertingDbContext db, IEnumerable<Alert> alerts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var replanned = new HashSet<Alert>();
        foreach (var alert in alerts.Where(a => a.NeedsPlan).Distinct())
        {
            alert.MarkPlanned();
            var playbook = PlaybookFor(alert.WatchId, alert.Severity);
            if (playbook is null)
            {
                continue;
            }

            var existing = alert.Id == 0
                ? new Dictionary<string, ResponseStep>(StringComparer.OrdinalIgnoreCase)
                : await db.Steps.AsNoTracking().Where(s => s.AlertId == alert.Id).ToDictionaryAsync(s => s.StepId, StringComparer.OrdinalIgnoreCase, cancellationToken);
            var added = new List<ResponseStep>();
            var tightened = new List<string>();
            for (var i = 0; i < playbook.Steps.Count; i++)
            {
                var configured = playbook.Steps[i];
                var dueAt = alert.OpenedAt + configured.Due;
                if (existing.TryGetValue(configured.Id, out var known))
                {
                    if (dueAt < known.DueAt)
                    {
                        // The stronger playbook wants it sooner; ticks compare versions, so bump it.
                        await db.Steps.Where(s => s.Id == known.Id && s.DueAt > dueAt)
                            .ExecuteUpdateAsync(u => u.SetProperty(s => s.DueAt, dueAt).SetProperty(s => s.Version, s => s.Version + 1), cancellationToken);
                        tightened.Add($"{known.Title} now due {dueAt:yyyy-MM-dd HH:mm} UTC (was {known.DueAt:HH:mm})");
                    }

                    continue;
                }

                var step = new ResponseStep
                {
                    StepId = configured.Id.Trim(),
                    PlaybookId = playbook.Id.Trim(),
                    Severity = alert.Severity,
                    Position = i,
                    Title = configured.Title.Trim(),
                    Owner = configured.Owner.Trim(),
                    Contact = string.IsNullOrWhiteSpace(configured.Contact) ? null : configured.Contact.Trim(),
                    DueAt = dueAt,
                    CreatedAt = now,
                    Checklist = configured.Checklist.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => new ChecklistItem(c.Trim())).ToArray(),
                };
                alert.Steps.Add(step);
                added.Add(step);
            }

            if (added.Count > 0 || tightened.Count > 0)
            {
                replanned.Add(alert);
            }

            var first = added.OrderBy(s => s.DueAt).FirstOrDefault();
            var text = $"response plan {playbook.Id} ({alert.Severity.ToWire()}) started: {added.Count} step(s)"
                + (first is null ? "" : $", first \"{first.Title}\" ({first.Owner}) due {first.DueAt:yyyy-MM-dd HH:mm} UTC")
                + (tightened.Count == 0 ? "" : $"; sooner: {string.Join("; ", tightened)}");
            alert.Note(now, TimelineKinds.Step, text);
            logger.LogInformation("Incident {IncidentKey}: response plan {PlaybookId} ({Severity}) started with {Steps} new steps", alert.IncidentKey, playbook.Id, alert.Severity.ToWire(), added.Count);
        }

        return replanned;
    }

    /// <summary>How far ahead an announcement looks: every open step due this soon after the start is named, up to <see cref="MaxNextSteps"/>.</summary>
    public static readonly TimeSpan FirstHour = TimeSpan.FromHours(1);

    public const int MaxNextSteps = 3;

    /// <summary>
    /// What an announcement tells the reader to do next: the first step not yet done and, when several are due within
    /// the first hour of the incident, those too (at most three), by due time.
    /// </summary>
    public static IReadOnlyList<ResponseStep> NextSteps(IEnumerable<ResponseStep> plan, DateTimeOffset openedAt)
    {
        var open = Order(plan.Where(s => !s.IsDone)).ToList();
        return open.Take(1).Concat(open.Skip(1).TakeWhile(s => s.DueAt - openedAt <= FirstHour)).Take(MaxNextSteps).ToArray();
    }

    /// <summary>The incident's steps by due time, with their state now; null when there is no such incident.</summary>
    public async Task<StepList?> ListAsync(long alertId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == alertId, cancellationToken);
        if (alert is null)
        {
            return null;
        }

        var steps = await db.Steps.AsNoTracking().Where(s => s.AlertId == alertId).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return new StepList(alertId, alert.OpenedAt, now, Order(steps).Select(s => StepView.From(s, alert.OpenedAt, now)).ToArray());
    }

    internal static IEnumerable<ResponseStep> Order(IEnumerable<ResponseStep> steps) =>
        steps.OrderBy(s => s.DueAt).ThenBy(s => s.Severity).ThenBy(s => s.Position).ThenBy(s => s.Id);

    /// <summary>Ticks (<paramref name="done"/>) or un-ticks a step; the same state again changes nothing (idempotent PUT).</summary>
    public Task<StepChange> SetDoneAsync(long alertId, string stepId, bool done, string? note, int? expectedVersion, string who, CancellationToken cancellationToken) =>
        ChangeAsync(alertId, stepId, expectedVersion, who, (step, now) =>
        {
            if (step.IsDone == done)
            {
                return null;
            }

            if (done)
            {
                step.DoneAt = now;
                step.DoneBy = who;
                step.Note = note;
                var late = now - step.DueAt;
                return $"step \"{step.Title}\" done by {who}" + (late > TimeSpan.Zero ? $", {Describe(late)} late" : $", {Describe(-late)} before it was due")
                    + (note is null ? "" : $": {note}");
            }

            step.DoneAt = null;
            step.DoneBy = null;
            step.Note = null;
            step.ReopenCount++;
            return $"step \"{step.Title}\" reopened by {who}" + (note is null ? "" : $": {note}") + (now > step.DueAt ? $" (it was due {step.DueAt:yyyy-MM-dd HH:mm} UTC)" : "");
        }, cancellationToken);

    /// <summary>Ticks or un-ticks checklist item <paramref name="item"/> (1-based) of a step.</summary>
    public Task<StepChange> SetChecklistItemAsync(long alertId, string stepId, int item, bool done, int? expectedVersion, string who, CancellationToken cancellationToken) =>
        ChangeAsync(alertId, stepId, expectedVersion, who, (step, now) =>
        {
            var items = step.Checklist.ToArray();
            if (item < 1 || item > items.Length)
            {
                throw new ChecklistItemMissing(items.Length);
            }

            var current = items[item - 1];
            if ((current.DoneAt is not null) == done)
            {
                return null;
            }

            items[item - 1] = done ? current with { DoneAt = now, DoneBy = who } : current with { DoneAt = null, DoneBy = null };
            step.Checklist = items;
            return $"checklist \"{current.Text}\" of step \"{step.Title}\" {(done ? "ticked" : "unticked")} by {who}";
        }, cancellationToken);

    private async Task<StepChange> ChangeAsync(long alertId, string stepId, int? expectedVersion, string who, Func<ResponseStep, DateTimeOffset, string?> change, CancellationToken cancellationToken)
    {
        // Two people ticking at once: the version check makes one of them re-read and apply again.
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            var alert = await db.Alerts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == alertId, cancellationToken);
            if (alert is null)
            {
                return StepChange.NoAlert(alertId);
            }

            var step = await db.Steps.SingleOrDefaultAsync(s => s.AlertId == alertId && s.StepId == stepId, cancellationToken);
            if (step is null)
            {
                return StepChange.NoStep(alertId, stepId);
            }

            var now = clock.GetUtcNow();
            if (expectedVersion is { } expected && expected != step.Version)
            {
                return StepChange.Stale(StepView.From(step, alert.OpenedAt, now), $"step '{stepId}' of incident {alertId} changed since version {expected} (now {step.Version}); read it again");
            }

            string? line;
            try
            {
                line = change(step, now);
            }
            catch (ChecklistItemMissing missing)
            {
                return StepChange.NoItem(alertId, stepId, missing.Count);
            }

            if (line is null)
            {
                return StepChange.Ok(StepView.From(step, alert.OpenedAt, now), changed: false);
            }

            step.Version++;
            db.Timeline.Add(new AlertTimelineEntry { AlertId = alertId, At = now, Actor = who, Kind = TimelineKinds.Step, Text = line });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3 && expectedVersion is null)
            {
                continue;
            }
            catch (DbUpdateConcurrencyException)
            {
                return StepChange.Stale(null, $"step '{stepId}' of incident {alertId} changed while it was being saved; read it again");
            }

            logger.LogInformation("Incident {AlertId}: {Line}", alertId, line);
            return StepChange.Ok(StepView.From(step, alert.OpenedAt, now), changed: true);
        }
    }

    /// <summary>"25 min", "3 h 10 min", "2 d 4 h".</summary>
    public static string Describe(TimeSpan span) => Describe(span, chinese: false);

    /// <summary>The same in Chinese: "25 分钟", "3 小时 10 分钟", "2 天 4 小时".</summary>
    public static string Describe(TimeSpan span, bool chinese)
    {
        if (span < TimeSpan.Zero)
        {
            span = -span;
        }

        var (m, h, d) = chinese ? (" 分钟", " 小时", " 天") : (" min", " h", " d");
        if (span < TimeSpan.FromHours(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (int)Math.Round(span.TotalMinutes))}{m}");
        }

        if (span < TimeSpan.FromDays(1))
        {
            return span.Minutes == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}{h}") : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}{h} {span.Minutes}{m}");
        }

        return span.Hours == 0 ? string.Create(CultureInfo.InvariantCulture, $"{span.Days}{d}") : string.Create(CultureInfo.InvariantCulture, $"{span.Days}{d} {span.Hours}{h}");
    }

    private sealed class ChecklistItemMissing(int count) : Exception
    {
        public int Count { get; } = count;
    }
}

/// <summary>An incident's steps as of <paramref name="Now"/>.</summary>
public sealed record StepList(long AlertId, DateTimeOffset OpenedAt, DateTimeOffset Now, IReadOnlyList<StepView> Steps);

/// <summary>
/// One response step as the API and console show it. <paramref name="State"/> is <c>open</c>,
/// <c>overdue</c> or <c>done</c>; <paramref name="LateBy"/> how late it is (overdue) or was (done late).
/// </summary>
public sealed record StepView(
    string Id, string Playbook, string Severity, string Title, string Owner, DateTimeOffset DueAt, TimeSpan DueWithin, string State, TimeSpan? LateBy,
    DateTimeOffset? DoneAt, string? DoneBy, string? Note, IReadOnlyList<ChecklistItemView> Checklist, int Version, string ETag)
{
    public static StepView From(ResponseStep s, DateTimeOffset openedAt, DateTimeOffset now)
    {
        var state = s.IsDone ? "done" : now >= s.DueAt ? "overdue" : "open";
        TimeSpan? late = s.DoneAt is { } done ? (done > s.DueAt ? done - s.DueAt : null) : now > s.DueAt ? now - s.DueAt : null;
        return new StepView(s.StepId, s.PlaybookId, s.Severity.ToWire(), s.Title, s.Owner, s.DueAt, s.DueAt - openedAt, state, late, s.DoneAt, s.DoneBy, s.Note,
            s.Checklist.Select((c, i) => new ChecklistItemView(i + 1, c.Text, c.DoneAt is not null, c.DoneAt, c.DoneBy)).ToArray(), s.Version, ETagOf(s.AlertId, s.StepId, s.Version));
    }

    public static string ETagOf(long alertId, string stepId, int version) => string.Create(CultureInfo.InvariantCulture, $"\"{alertId}-{stepId}-{version}\"");
}

public sealed record ChecklistItemView(int Item, string Text, bool Done, DateTimeOffset? DoneAt, string? DoneBy);

public enum StepChangeKind
{
    Ok,
    NotFound,
    Stale,
}

/// <summary>What became of a tick: the step now, or why not (unknown incident/step/item, stale version).</summary>
public sealed record StepChange(StepChangeKind Kind, StepView? Step, bool Changed, string? Message)
{
    public static StepChange Ok(StepView step, bool changed) => new(StepChangeKind.Ok, step, changed, null);

    public static StepChange NoAlert(long alertId) => new(StepChangeKind.NotFound, null, false, $"there is no alert {alertId}");

    public static StepChange NoStep(long alertId, string stepId) => new(StepChangeKind.NotFound, null, false, $"incident {alertId} has no response step '{stepId}'");

    public static StepChange NoItem(long alertId, string stepId, int count) =>
        new(StepChangeKind.NotFound, null, false, count == 0 ? $"step '{stepId}' of incident {alertId} has no checklist" : $"step '{stepId}' of incident {alertId} has checklist items 1 to {count}");

    public static StepChange Stale(StepView? current, string message) => new(StepChangeKind.Stale, current, false, message);
}
