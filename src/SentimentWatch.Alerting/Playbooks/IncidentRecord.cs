using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SentimentWatch.Alerting.Notifications;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Alerting;

/// <summary>
/// The post-incident record: the incident and its signals with their numbers, the response steps
/// (who ticked what when), every notification with its delivery, the complaint cases it produced
/// (Core's <see cref="ICaseDirectory"/>, when the host has complaint cases) and the chronology of
/// it all. Exported as JSON, Markdown (the write-up) or CSV (the chronology).
/// </summary>
public sealed class IncidentRecords(
    IDbContextFactory<AlertingDbContext> dbs,
    WatchNames names,
    IEnumerable<ICaseDirectory> caseDirectories,
    TimeProvider clock,
    ILogger<IncidentRecords> logger)
{
    public async Task<IncidentRecord?> BuildAsync(long alertId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var alert = await db.Alerts.AsNoTracking().Include(a => a.Signals).SingleOrDefaultAsync(a => a.Id == alertId, cancellationToken);
        if (alert is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var steps = await db.Steps.AsNoTracking().Where(s => s.AlertId == alertId).ToListAsync(cancellationToken);
        var timeline = await db.Timeline.AsNoTracking().Where(t => t.AlertId == alertId).OrderBy(t => t.Id).ToListAsync(cancellationToken);
        var outbox = await db.Outbox.AsNoTracking().Where(o => o.AlertId == alertId).OrderBy(o => o.Id).ToListAsync(cancellationToken);

        var notifications = outbox.Select(o => new NotificationRecord(
            o.IdempotencyKey, o.Channel, NotificationMessage.KindToWire(o.Kind), TitleOf(o.Payload), o.CreatedAt, o.DeliveredAt, o.Attempts, o.LastError)).ToArray();
        var events = timeline.Select(t => new TimelineEvent(t.At, t.Actor, t.Kind, t.Text))
            .Concat(outbox.Where(o => o.DeliveredAt is not null).Select(o => new TimelineEvent(o.DeliveredAt!.Value, AlertTimelineEntry.SystemActor, "delivered",
                $"{NotificationMessage.KindToWire(o.Kind)} delivered to {o.Channel} after {o.Attempts} attempt(s) ({o.IdempotencyKey})")))
            .Select((e, i) => (e, i)).OrderBy(x => x.e.At).ThenBy(x => x.i).Select(x => x.e).ToArray();

        IReadOnlyList<CaseLink>? cases = null;
        if (caseDirectories.FirstOrDefault() is { } directory)
        {
            try
            {
                cases = await directory.CasesForAlertAsync(alertId, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The record is still worth having without them; say so in the log.
                logger.LogWarning(ex, "The complaint cases of incident {AlertId} could not be read for its record", alertId);
            }
        }

        return new IncidentRecord(
            AlertView.From(alert, names),
            ResponsePlan.Order(steps).Select(s => StepView.From(s, alert.OpenedAt, now)).ToArray(),
            notifications,
            cases,
            events,
            now);
    }

    private static string? TitleOf(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<NotificationMessage>(payload, Alert.Json)?.Title;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed record NotificationRecord(string Key, string Channel, string Kind, string? Title, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, int Attempts, string? LastError);

public sealed record TimelineEvent(DateTimeOffset At, string Actor, string Kind, string Text);

/// <summary>The post-incident record (<c>GET /api/alerts/{id}/timeline</c>). <see cref="Cases"/> is null in a host without complaint cases.</summary>
public sealed record IncidentRecord(
    AlertView Incident,
    IReadOnlyList<StepView> Steps,
    IReadOnlyList<NotificationRecord> Notifications,
    IReadOnlyList<CaseLink>? Cases,
    IReadOnlyList<TimelineEvent> Events,
    DateTimeOffset ExportedAt)
{
    private static string T(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    private static string Cell(string? text) => (text ?? "").Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>The write-up a PR team files after the incident.</summary>
    public string ToMarkdown()
    {
        var a = Incident;
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Incident {a.Id}: {a.Title}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- **Severity:** {a.Severity} · **Status:** {a.Status}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- **Opened:** {T(a.OpenedAt)}");
        if (a.AcknowledgedAt is { } ack)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- **Acknowledged:** {T(ack)} by {a.AcknowledgedBy}");
        }

        if (a.ResolvedAt is { } resolved)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- **Resolved:** {T(resolved)} by {a.ResolvedBy} (after {ResponsePlan.Describe(resolved - a.OpenedAt)})");
        }

        if (a.WhatHappened is { } what)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- **{(a.Status == "resolved" ? "At recovery" : "Now")}:** {what}");
        }

        if (a.TopTerms.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- **Top terms:** {string.Join(", ", a.TopTerms)}");
        }

        md.AppendLine().AppendLine("## Signals").AppendLine();
        md.AppendLine("| signal | rule | peak severity | measured (peak) | threshold | baseline | first fired | cleared |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var s in a.Signals)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Kind}{(s.Term is null ? "" : $" ({Cell(s.Term)})")} | {Cell(s.Rule)} | {s.PeakSeverity} | {N(s.Measured)} ({N(s.PeakMeasured)}) | {N(s.Threshold)} | {(s.Baseline is { } b ? N(b) : "–")} | {T(s.FirstFiredAt)} | {(s.ClearedAt is { } c ? T(c) : "active")} |");
        }

        md.AppendLine();
        foreach (var s in a.Signals)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {s.Kind}: {Cell(s.Summary)}");
        }

        md.AppendLine().AppendLine("## Response steps").AppendLine();
        if (Steps.Count == 0)
        {
            md.AppendLine("No playbook applied to this incident.");
        }
        else
        {
            md.AppendLine("| # | step | owner | due | state | done |");
            md.AppendLine("|---|---|---|---|---|---|");
            var n = 0;
            foreach (var s in Steps)
            {
                var state = s.State + (s.LateBy is { } late ? $" ({ResponsePlan.Describe(late)} late)" : "");
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {++n} | {Cell(s.Title)} | {Cell(s.Owner)} | {T(s.DueAt)} (within {ResponsePlan.Describe(s.DueWithin)}) | {state} | {(s.DoneAt is { } d ? $"{T(d)} by {Cell(s.DoneBy)}" : "–")} |");
                foreach (var item in s.Checklist)
                {
                    md.AppendLine(CultureInfo.InvariantCulture, $"|  | {(item.Done ? "☑" : "☐")} {Cell(item.Text)} |  |  |  | {(item.DoneAt is { } ticked ? $"{T(ticked)} by {Cell(item.DoneBy)}" : "")} |");
                }
            }
        }

        md.AppendLine().AppendLine("## Notifications").AppendLine();
        if (Notifications.Count == 0)
        {
            md.AppendLine("None sent.");
        }
        else
        {
            md.AppendLine("| decided | kind | channel | delivered | attempts | title |");
            md.AppendLine("|---|---|---|---|---|---|");
            foreach (var x in Notifications)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {T(x.CreatedAt)} | {x.Kind} | {Cell(x.Channel)} | {(x.DeliveredAt is { } d ? T(d) : $"not yet{(x.LastError is null ? "" : $": {Cell(x.LastError)}")}")} | {x.Attempts} | {Cell(x.Title)} |");
            }
        }

        md.AppendLine().AppendLine("## Complaint cases").AppendLine();
        if (Cases is null)
        {
            md.AppendLine("Complaint cases are not enabled in this service.");
        }
        else if (Cases.Count == 0)
        {
            md.AppendLine("No complaint case was opened from this incident.");
        }
        else
        {
            md.AppendLine("| case | title | status | priority | owner | SLA |");
            md.AppendLine("|---|---|---|---|---|---|");
            foreach (var c in Cases)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Id} | {Cell(c.Title)} | {c.Status} | {c.Priority} | {Cell(c.Owner ?? "–")} | {(c.Breached ? "breached" : "on time")} |");
            }
        }

        md.AppendLine().AppendLine("## Timeline").AppendLine();
        foreach (var e in Events)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {T(e.At)} · {e.Kind} · {Cell(e.Actor)} — {Cell(e.Text)}");
        }

        md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"_Exported {T(ExportedAt)}._");
        return md.ToString();
    }

    /// <summary>The chronology, one row per event (RFC 4180), then one row per linked complaint case.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder();
        csv.Append("at,kind,actor,text\r\n");
        foreach (var e in Events)
        {
            csv.Append(Quote(e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))).Append(',')
                .Append(Quote(e.Kind)).Append(',').Append(Quote(e.Actor)).Append(',').Append(Quote(e.Text)).Append("\r\n");
        }

        foreach (var c in Cases ?? [])
        {
            csv.Append(",case,,").Append(Quote(string.Create(CultureInfo.InvariantCulture, $"case {c.Id} \"{c.Title}\": {c.Status}, {c.Priority}, owner {c.Owner ?? "none"}{(c.Breached ? ", SLA breached" : "")}"))).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Quote(string value)
    {
        // A leading = + - @ would run as a formula in a spreadsheet: neutralise it.
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
