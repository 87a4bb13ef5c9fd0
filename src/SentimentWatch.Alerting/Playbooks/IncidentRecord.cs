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
        var events = timeline.Select(t => new TimelineEvent(t.At, t.Actor, t.Kind, t.Text, t.TextZh))
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

/// <summary>One line of the record; <see cref="TextZh"/> when the line was written in Chinese too (a signal's numbers).</summary>
public sealed record TimelineEvent(DateTimeOffset At, string Actor, string Kind, string Text, string? TextZh = null);

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

    /// <summary>The write-up a PR team files after the incident, in English.</summary>
    public string ToMarkdown() => ToMarkdown(chinese: false);

    /// <summary>
    /// The write-up a PR team files after the incident: in Chinese when <paramref name="chinese"/> (headings, labels, the
    /// incident's Chinese title and sentences, and every timeline line through <see cref="RecordChinese"/>, as the console
    /// shows them); names, step titles and people's notes as they were written.
    /// </summary>
    public string ToMarkdown(bool chinese)
    {
        var a = Incident;
        var w = new Words(chinese);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {w["Incident", "事件"]} {a.Id}{w[": ", "："]}{(chinese ? a.TitleZh : a.Title)}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- {w.Label("Severity", "级别")}{w.Severity(a.Severity)} · {w.Label("Status", "状态")}{w.Status(a.Status)}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- {w.Label("Opened", "开启")}{T(a.OpenedAt)}");
        if (a.AcknowledgedAt is { } ack)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {w.Label("Acknowledged", "确认")}{T(ack)}{w.By(a.AcknowledgedBy)}");
        }

        if (a.ResolvedAt is { } resolved)
        {
            var took = ResponsePlan.Describe(resolved - a.OpenedAt, chinese);
            md.AppendLine(CultureInfo.InvariantCulture, $"- {w.Label("Resolved", "解除")}{T(resolved)}{w.By(a.ResolvedBy)}{w[$" (after {took})", $"（历时 {took}）"]}");
        }

        if ((chinese ? a.WhatHappenedZh ?? a.WhatHappened : a.WhatHappened) is { } what)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {(a.Status == "resolved" ? w.Label("At recovery", "恢复时") : w.Label("Now", "当前"))}{what}");
        }

        if (a.TopTerms.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {w.Label("Top terms", "高频词")}{string.Join(w[", ", "、"], a.TopTerms)}");
        }

        md.AppendLine().AppendLine(w["## Signals", "## 信号"]).AppendLine();
        md.AppendLine(w["| signal | rule | peak severity | measured (peak) | threshold | baseline | first fired | cleared |", "| 信号 | 规则 | 最高级别 | 测量值（峰值） | 阈值 | 基线 | 首次触发 | 消除 |"]);
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var s in a.Signals)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {w.Signal(s.Kind)}{(s.Term is null ? "" : w[$" ({Cell(s.Term)})", $"（{Cell(s.Term)}）"])} | {Cell(s.Rule)} | {w.Severity(s.PeakSeverity)} | {N(s.Measured)}{w[$" ({N(s.PeakMeasured)})", $"（{N(s.PeakMeasured)}）"]} | {N(s.Threshold)} | {(s.Baseline is { } b ? N(b) : "–")} | {T(s.FirstFiredAt)} | {(s.ClearedAt is { } c ? T(c) : w["active", "仍在触发"])} |");
        }

        md.AppendLine();
        foreach (var s in a.Signals)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {w.Signal(s.Kind)}{w[": ", "："]}{Cell(chinese ? s.SummaryZh ?? s.Summary : s.Summary)}");
        }

        md.AppendLine().AppendLine(w["## Response steps", "## 处置步骤"]).AppendLine();
        if (Steps.Count == 0)
        {
            md.AppendLine(w["No playbook applied to this incident.", "本事件无适用的应对预案。"]);
        }
        else
        {
            md.AppendLine(w["| # | step | owner | due | state | done |", "| # | 步骤 | 负责人 | 截止 | 状态 | 完成 |"]);
            md.AppendLine("|---|---|---|---|---|---|");
            var n = 0;
            foreach (var s in Steps)
            {
                var late = s.LateBy is { } by ? w[$" ({ResponsePlan.Describe(by)} late)", $"（晚了 {ResponsePlan.Describe(by, chinese: true)}）"] : "";
                var within = ResponsePlan.Describe(s.DueWithin, chinese);
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {++n} | {Cell(s.Title)} | {Cell(s.Owner)} | {T(s.DueAt)}{w[$" (within {within})", $"（{within}内）"]} | {w.StepState(s.State)}{late} | {(s.DoneAt is { } d ? $"{T(d)}{w.By(Cell(s.DoneBy))}" : "–")} |");
                foreach (var item in s.Checklist)
                {
                    md.AppendLine(CultureInfo.InvariantCulture, $"|  | {(item.Done ? "☑" : "☐")} {Cell(item.Text)} |  |  |  | {(item.DoneAt is { } ticked ? $"{T(ticked)}{w.By(Cell(item.DoneBy))}" : "")} |");
                }
            }
        }

        md.AppendLine().AppendLine(w["## Notifications", "## 通知"]).AppendLine();
        if (Notifications.Count == 0)
        {
            md.AppendLine(w["None sent.", "未发送通知。"]);
        }
        else
        {
            md.AppendLine(w["| decided | kind | channel | delivered | attempts | title |", "| 生成时间 | 类型 | 渠道 | 送达 | 尝试次数 | 标题 |"]);
            md.AppendLine("|---|---|---|---|---|---|");
            foreach (var x in Notifications)
            {
                var notYet = w["not yet", "尚未送达"] + (x.LastError is null ? "" : $"{w[": ", "："]}{Cell(x.LastError)}");
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {T(x.CreatedAt)} | {w.Notification(x.Kind)} | {Cell(x.Channel)} | {(x.DeliveredAt is { } d ? T(d) : notYet)} | {x.Attempts} | {Cell(x.Title)} |");
            }
        }

        md.AppendLine().AppendLine(w["## Complaint cases", "## 投诉工单"]).AppendLine();
        if (Cases is null)
        {
            md.AppendLine(w["Complaint cases are not enabled in this service.", "本服务未启用投诉工单。"]);
        }
        else if (Cases.Count == 0)
        {
            md.AppendLine(w["No complaint case was opened from this incident.", "本事件未产生投诉工单。"]);
        }
        else
        {
            md.AppendLine(w["| case | title | status | priority | owner | SLA |", "| 工单 | 标题 | 状态 | 优先级 | 负责人 | SLA |"]);
            md.AppendLine("|---|---|---|---|---|---|");
            foreach (var c in Cases)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {c.Id} | {Cell(c.Title)} | {w.CaseStatus(c.Status)} | {c.Priority} | {Cell(c.OwnerName ?? c.Owner ?? "–")} | {(c.Breached ? w["breached", "已超时"] : w["on time", "未超时"])} |");
            }
        }

        md.AppendLine().AppendLine(w["## Timeline", "## 时间线"]).AppendLine();
        foreach (var e in Events)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {T(e.At)} · {w.EventKind(e.Kind)} · {Cell(w.Actor(e.Actor))} — {Cell(w.Line(e.Text, e.TextZh))}");
        }

        md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"_{w["Exported", "导出于"]} {T(ExportedAt)}{w[".", "。"]}_");
        return md.ToString();
    }

    /// <summary>The chronology in English.</summary>
    public string ToCsv() => ToCsv(chinese: false);

    /// <summary>The chronology, one row per event (RFC 4180), then one row per linked complaint case; in Chinese when <paramref name="chinese"/>.</summary>
    public string ToCsv(bool chinese)
    {
        var w = new Words(chinese);
        var csv = new StringBuilder();
        csv.Append(w["at,kind,actor,text", "时间,类型,操作人,内容"]).Append("\r\n");
        foreach (var e in Events)
        {
            csv.Append(Quote(e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))).Append(',')
                .Append(Quote(w.EventKind(e.Kind))).Append(',').Append(Quote(w.Actor(e.Actor))).Append(',').Append(Quote(w.Line(e.Text, e.TextZh))).Append("\r\n");
        }

        foreach (var c in Cases ?? [])
        {
            var line = chinese
                ? $"工单 {c.Id}“{c.Title}”：{w.CaseStatus(c.Status)}，{c.Priority}，负责人 {c.OwnerName ?? c.Owner ?? "无"}{(c.Breached ? "，SLA 已超时" : "")}"
                : string.Create(CultureInfo.InvariantCulture, $"case {c.Id} \"{c.Title}\": {c.Status}, {c.Priority}, owner {c.OwnerName ?? c.Owner ?? "none"}{(c.Breached ? ", SLA breached" : "")}");
            csv.Append(',').Append(Quote(w["case", "工单"])).Append(",,").Append(Quote(line)).Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>The record's fixed words in one language; values on the wire (severity, states, kinds) named as the console names them.</summary>
    private readonly struct Words(bool chinese)
    {
        public string this[string english, string zh] => chinese ? zh : english;

        /// <summary>A bold label before its value: "**Severity:** " / "**级别**：" (a full-width colon outside the bold, as Chinese documents write it).</summary>
        public string Label(string english, string zh) => chinese ? $"**{zh}**：" : $"**{english}:** ";

        /// <summary>" by petra" / "（petra）": attached to the time before it.</summary>
        public string By(string? who) => chinese ? $"（{who}）" : $" by {who}";

        public string Severity(string wire) => chinese ? RecordChinese.Severity(wire) : wire;

        public string Status(string wire) => chinese ? RecordChinese.Status(wire) : wire;

        public string StepState(string wire) => chinese ? RecordChinese.StepState(wire) : wire;

        public string Signal(string wire) => chinese ? RecordChinese.SignalKind(wire) : CrisisRule.TryParseKind(wire, out var kind) ? NotificationMessage.Describe(kind) : wire;

        public string Notification(string wire) => chinese ? RecordChinese.Notification(wire) : wire;

        public string EventKind(string kind) => chinese ? RecordChinese.EventKind(kind) : kind;

        public string CaseStatus(string wire) => chinese ? RecordChinese.CaseStatus(wire) : wire;

        public string Actor(string actor) => chinese && actor == AlertTimelineEntry.SystemActor ? "系统" : actor;

        public string Line(string text, string? textZh) => chinese ? RecordChinese.Translate(text, textZh) : RecordChinese.English(text);
    }

    internal static string Quote(string value)
    {
        // A leading = + - @ (or a tab or carriage return before one, which spreadsheets skip) would run as a formula: neutralise
        // it, as the mention and case exports do.
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
