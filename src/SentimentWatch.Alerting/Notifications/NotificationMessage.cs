using System.Globalization;
using System.Text;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Alerting.Notifications;

/// <summary>
/// What a notification says, fixed when the incident changed, written for a PR person reading it
/// on a phone at 3 a.m.: the watch's name, what happened in one sentence (counts, reach, trend
/// against the usual, growth), every signal that fired with its numbers, meaningful top terms,
/// the most influential and the most recent posts with links to the originals, and links to the
/// console. This is also the generic webhook's JSON body.
/// </summary>
public sealed record NotificationMessage
{
    /// <summary>Idempotency key: the same notification always carries the same id.</summary>
    public required string Id { get; init; }

    /// <summary><c>opened</c>, <c>escalated</c>, <c>reminder</c>, <c>resolved</c> or <c>notice</c>.</summary>
    public required string Kind { get; init; }

    public required long AlertId { get; init; }
    public required string Watch { get; init; }

    /// <summary>The watch's display name ("Lumo Coffee / 绿莫咖啡").</summary>
    public string? WatchName { get; init; }

    /// <summary>The lead signal's rule and kind.</summary>
    public required string Rule { get; init; }
    public required string RuleKind { get; init; }
    public string? Group { get; init; }
    public required string Severity { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>When this notification was decided.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>One sentence: what happened (or, for a recovery, where things stand now).</summary>
    public string? WhatHappened { get; init; }

    /// <summary>
    /// What to do next, from the incident's response plan: the first step not yet done, and the others due within the first
    /// hour (at most three). On an opened notification, and on an escalation that changed the plan; empty without a plan.
    /// </summary>
    public IReadOnlyList<NextStep> NextSteps { get; init; } = [];

    /// <summary>The signals' readings against their thresholds, joined.</summary>
    public required string Summary { get; init; }
    public required double Measured { get; init; }
    public required double Threshold { get; init; }
    public required int Count { get; init; }
    public double? Baseline { get; init; }
    public required DateTimeOffset WindowStart { get; init; }
    public required DateTimeOffset WindowEnd { get; init; }

    /// <summary>Every signal of the incident, strongest first.</summary>
    public IReadOnlyList<SignalLine> Signals { get; init; } = [];

    public IReadOnlyList<string> TopTerms { get; init; } = [];

    /// <summary>The most influential and the most recent posts, with links to the originals.</summary>
    public IReadOnlyList<EvidenceSample> Samples { get; init; } = [];

    /// <summary>The console's alert page (<c>{PublicBaseUrl}/alerts/{id}</c>).</summary>
    public string? AlertLink { get; init; }

    /// <summary>Every post of the incident: the alert page's mentions section (<c>/alerts/{id}#mentions</c>), which the pr role may open.</summary>
    public string? MentionsLink { get; init; }

    /// <summary>The same through the API (<c>/api/alerts/{id}</c>, <c>/api/alerts/{id}/mentions</c>; pr role).</summary>
    public string? ApiLink { get; init; }
    public string? MentionsApiLink { get; init; }

    public string? AcknowledgedBy { get; init; }
    public string? ResolvedBy { get; init; }

    /// <summary>A staff notice's own title (alerts compose theirs from kind, severity and watch).</summary>
    public string? Headline { get; init; }

    /// <summary>Who a staff notice is for (free-form names; e-mail addresses are mailed too).</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    /// <summary>The language the channel's readers read (<c>en</c> or <c>zh-CN</c>, decision 218); absent on rows from before it.</summary>
    public string Language { get; init; } = MessageStyle.English;

    /// <summary>The time zone the message gives times in (<c>UTC</c>, <c>Asia/Shanghai</c>).</summary>
    public string TimeZone { get; init; } = "UTC";

    private MessageStyle Style => MessageStyle.From(Language, TimeZone);

    public static string KindToWire(NotificationKind kind) => kind switch
    {
        NotificationKind.Opened => "opened",
        NotificationKind.Escalated => "escalated",
        NotificationKind.Reminder => "reminder",
        NotificationKind.Notice => "notice",
        _ => "resolved",
    };

    /// <summary>A staff notice in the message shape every channel already renders.</summary>
    public static NotificationMessage ForNotice(StaffNoticeRecord notice, string idempotencyKey, DateTimeOffset now, string? watchName = null, MessageStyle? style = null) => new()
    {
        Language = (style ?? MessageStyle.Default).Language,
        TimeZone = (style ?? MessageStyle.Default).ZoneId,
        Id = idempotencyKey,
        Kind = KindToWire(NotificationKind.Notice),
        AlertId = notice.AlertId ?? 0,
        Watch = notice.WatchId ?? "",
        WatchName = notice.WatchId is null ? null : watchName ?? notice.WatchId,
        Rule = "",
        RuleKind = "notice",
        Severity = AlertSeverity.Warning.ToWire(),
        Status = "notice",
        OpenedAt = notice.CreatedAt,
        At = now,
        Summary = notice.Text,
        Measured = 0,
        Threshold = 0,
        Count = 0,
        WindowStart = notice.CreatedAt,
        WindowEnd = notice.CreatedAt,
        AlertLink = notice.Link,
        Headline = notice.Title,
        Recipients = notice.RecipientList,
    };

    /// <summary>Words used for the signals in titles.</summary>
    public static string Describe(CrisisRuleKind kind, bool chinese) => !chinese ? Describe(kind) : kind switch
    {
        CrisisRuleKind.NegativeSpike => "负面激增",
        CrisisRuleKind.NegativeShare => "负面占多数",
        CrisisRuleKind.RiskTerms => "高风险投诉",
        CrisisRuleKind.Influencer => "高影响力负面帖",
        CrisisRuleKind.CrisisScore => "危机评分",
        CrisisRuleKind.EmergingTopic => "新话题",
        _ => "来源静默",
    };

    public static string Describe(CrisisRuleKind kind) => kind switch
    {
        CrisisRuleKind.NegativeSpike => "negative surge",
        CrisisRuleKind.NegativeShare => "mostly negative",
        CrisisRuleKind.RiskTerms => "high-risk complaints",
        CrisisRuleKind.Influencer => "high-reach negative post",
        CrisisRuleKind.CrisisScore => "crisis score",
        CrisisRuleKind.EmergingTopic => "new topic",
        _ => "source silent",
    };

    /// <param name="plan">The incident's response steps when the notification names the next ones (opened, escalated into a new plan), else null.</param>
    public static NotificationMessage For(Alert alert, NotificationKind kind, string idempotencyKey, DateTimeOffset now, string? publicBaseUrl, string? watchName = null,
        IReadOnlyCollection<string>? watchTerms = null, MessageStyle? style = null, IReadOnlyCollection<ResponseStep>? plan = null)
    {
        style ??= MessageStyle.Default;
        var baseUrl = publicBaseUrl?.TrimEnd('/');
        // The pr role opens the alert page, not the analysts' search (403 for pr): its mentions section lists every post.
        var mentions = baseUrl is null ? null : $"{baseUrl}/alerts/{alert.Id}#mentions";
        var what = alert.DescribeNow(style.IsChinese);
        return new NotificationMessage
        {
            Id = idempotencyKey,
            Kind = KindToWire(kind),
            AlertId = alert.Id,
            Watch = alert.WatchId,
            WatchName = watchName ?? alert.WatchId,
            Rule = alert.RuleId,
            RuleKind = CrisisRule.KindToWire(alert.Kind),
            Group = alert.GroupKey.Length == 0 ? null : alert.GroupKey[(alert.GroupKey.IndexOf(':', StringComparison.Ordinal) + 1)..],
            Severity = alert.Severity.ToWire(),
            Status = alert.Status.ToString().ToLowerInvariant(),
            OpenedAt = alert.OpenedAt,
            At = now,
            WhatHappened = what,
            NextSteps = plan is null ? [] : ResponsePlan.NextSteps(plan, alert.OpenedAt).Select(s => NextStep.From(s, alert.OpenedAt, now, style)).ToArray(),
            Summary = alert.Summary,
            Measured = alert.Measured,
            Threshold = alert.Threshold,
            Count = alert.EvidenceCount,
            Baseline = alert.Baseline,
            WindowStart = alert.WindowStart,
            WindowEnd = alert.WindowEnd,
            Signals = alert.Signals.OrderByDescending(s => s.ClearedAt is null).ThenByDescending(s => s.Severity).ThenBy(s => s.FirstFiredAt).ThenBy(s => s.Kind).Select(s => SignalLine.From(s, style.IsChinese)).ToArray(),
            TopTerms = MeaningfulTerms(alert.TopTerms, watchTerms ?? []),
            Samples = alert.Samples,
            AlertLink = baseUrl is null ? null : $"{baseUrl}/alerts/{alert.Id}",
            MentionsLink = mentions,
            ApiLink = baseUrl is null ? null : $"{baseUrl}/api/alerts/{alert.Id}",
            MentionsApiLink = baseUrl is null ? null : $"{baseUrl}/api/alerts/{alert.Id}/mentions",
            AcknowledgedBy = alert.AcknowledgedBy,
            ResolvedBy = alert.ResolvedBy,
            Language = style.Language,
            TimeZone = style.ZoneId,
        };
    }

    /// <summary>Top terms without the brand itself (the watch's name and query words) or pieces of it, nor a term another one contains.</summary>
    public static IReadOnlyList<string> MeaningfulTerms(IReadOnlyList<string> terms, IReadOnlyCollection<string> watchTerms, int count = 6) =>
        RuleEvaluation.WithoutContained(
            terms.Where(t => !watchTerms.Any(w => w.Contains(t, StringComparison.OrdinalIgnoreCase) || (w.Length >= 2 && t.Contains(w, StringComparison.OrdinalIgnoreCase)))).ToArray())
            .Take(count).ToArray();

    /// <summary>The incident's one human name (decision 225): "Lumo Coffee (weibo): high-risk complaints, high-reach negative post".</summary>
    public static string IncidentTitle(string watchName, string? group, IEnumerable<string> signals, bool chinese)
    {
        var what = string.Join(chinese ? "、" : ", ", signals.Distinct());
        var inGroup = group is null ? string.Empty : $" ({group})";
        return chinese ? $"{watchName}{inGroup}：{what}" : $"{watchName}{inGroup}: {what}";
    }

    /// <summary>One line for subjects and chat titles: severity, then the incident's name as the console shows it.</summary>
    public string Title
    {
        get
        {
            var style = Style;
            var name = WatchName ?? Watch;
            var group = Group is null ? string.Empty : $" ({Group})";
            var active = Signals.Where(s => s.Active).ToList();
            var named = IncidentTitle(name, Group, (active.Count > 0 ? active : Signals).Select(s => s.What)
                .DefaultIfEmpty(CrisisRule.TryParseKind(RuleKind, out var kind) ? Describe(kind, style.IsChinese) : RuleKind), style.IsChinese);

            if (style.IsChinese)
            {
                var severity = MessageStyle.SeverityWord(Severity, chinese: true);
                return Kind switch
                {
                    "notice" => Headline ?? "通知",
                    "resolved" => $"【已恢复】{name}{group}：事件结束（{(ResolvedBy is null or "auto" ? "所有信号均已消除" : $"由 {ResolvedBy} 解决")}）",
                    "escalated" => $"【{severity}】升级：{named}",
                    "reminder" => $"【{severity}】仍在持续，尚无人确认：{named}",
                    _ => $"【{severity}】{named}",
                };
            }

            return Kind switch
            {
                "notice" => Headline ?? "Notice",
                "resolved" => $"[RESOLVED] {name}{group}: over ({(ResolvedBy is null or "auto" ? "all signals cleared" : $"resolved by {ResolvedBy}")})",
                "escalated" => $"[{Severity.ToUpperInvariant()}] escalated: {named}",
                "reminder" => $"[{Severity.ToUpperInvariant()}] still going, unacknowledged: {named}",
                _ => $"[{Severity.ToUpperInvariant()}] {named}",
            };
        }
    }

    /// <summary>Who acknowledged or resolved it, as the lead's second sentence (null when nobody did).</summary>
    public string? HandledLine(bool withTime)
    {
        var style = Style;
        if (Kind == "resolved")
        {
            var at = withTime ? style.Time(At) : null;
            return ResolvedBy is null or "auto"
                ? style.T(
                    withTime ? $"Resolved automatically at {at}: every signal stayed clear." : "Resolved automatically: every signal stayed clear.",
                    withTime ? $"{at} 自动恢复：所有信号均已消除。" : "已自动恢复：所有信号均已消除。")
                : style.T(
                    withTime ? $"Resolved by {ResolvedBy} at {at}." : $"Resolved by {ResolvedBy}.",
                    withTime ? $"由 {ResolvedBy} 于 {at} 解决。" : $"由 {ResolvedBy} 解决。");
        }

        return AcknowledgedBy is null ? null : style.T($"Acknowledged by {AcknowledgedBy}.", $"{AcknowledgedBy} 已确认。");
    }

    /// <summary>"Next: verify the facts (owner: PR on duty), due 08:30 UTC, 30 min after the start.", then "Then: …" for the others; none without a plan.</summary>
    public IEnumerable<string> NextStepLines()
    {
        var style = Style;
        return NextSteps.Select((step, i) => (i == 0 ? style.T("Next: ", "下一步：") : style.T("Then: ", "随后：")) + step.Line + style.T(".", "。"));
    }

    /// <summary>The frame's words in the message's language ("Top terms" / "热词").</summary>
    public string Word(string english, string chinese) => Style.T(english, chinese);

    /// <summary>The plain-text body, also in the webhook's JSON for receivers that forward text (SMS, pagers).</summary>
    public string Text => ToText();

    /// <summary>Plain-text body for e-mail and text-only channels.</summary>
    public string ToText()
    {
        var style = Style;
        var text = new StringBuilder();
        text.AppendLine(Title).AppendLine();
        if (Kind == "notice")
        {
            text.AppendLine(Summary);
            if (Recipients.Count > 0)
            {
                text.AppendLine().AppendLine(style.T("For: ", "提醒对象：") + string.Join(", ", Recipients));
            }

            if (AlertLink is not null)
            {
                text.AppendLine().AppendLine(style.T("Open: ", "打开：") + AlertLink);
            }

            return text.ToString();
        }

        if (WhatHappened is not null)
        {
            text.AppendLine(WhatHappened);
        }

        if (HandledLine(withTime: true) is { } handled)
        {
            text.AppendLine(handled);
        }

        if (NextSteps.Count > 0)
        {
            text.AppendLine();
            foreach (var line in NextStepLines())
            {
                text.AppendLine(line);
            }
        }

        text.AppendLine().AppendLine(Kind == "resolved" ? style.T("Signals during the incident:", "事件期间的信号：") : style.T("Why it fired:", "触发原因："));
        foreach (var signal in Signals)
        {
            text.AppendLine($"- {signal.Line}");
        }

        if (Signals.Count == 0)
        {
            text.AppendLine($"- {Summary}");
        }

        if (TopTerms.Count > 0)
        {
            text.AppendLine().AppendLine(style.T("Top terms: ", "热词：") + string.Join(style.T(", ", "、"), TopTerms));
        }

        if (Samples.Count > 0 && Kind != "resolved")
        {
            text.AppendLine().AppendLine(style.T("Posts (most influential and most recent):", "代表帖子（影响力最大的与最新的）："));
            foreach (var sample in Samples)
            {
                text.AppendLine($"- {SampleLine(sample)}");
                text.AppendLine($"  {sample.Url ?? style.T("(no link to the original)", "（无原帖链接）")}");
            }
        }

        text.AppendLine().AppendLine(style.T($"Incident {AlertId}, opened {style.Time(OpenedAt)}.", $"事件 {AlertId}，开始于 {style.Time(OpenedAt)}。"));
        if (AlertLink is not null)
        {
            text.AppendLine(style.T("Open in the console: ", "在控制台查看：") + AlertLink);
        }

        if (MentionsLink is not null)
        {
            text.AppendLine(style.T("All posts: ", "全部帖子：") + MentionsLink);
        }

        if (ApiLink is not null)
        {
            text.AppendLine(style.T($"API (X-Api-Key, pr role): {ApiLink} · {MentionsApiLink}", $"API（X-Api-Key，pr 角色）：{ApiLink} · {MentionsApiLink}"));
        }

        return text.ToString();
    }

    /// <summary>"weibo · @foodie_li · reach 300,000 · 17:02 UTC — excerpt" in the message's language and zone.</summary>
    public string SampleLine(EvidenceSample sample) => SampleLine(sample, Style);

    /// <summary>The same line with the source written as <paramref name="source"/> (a chat link to the original), so it appears once.</summary>
    public string SampleLine(EvidenceSample sample, string source) => SampleLine(sample, Style, source);

    /// <summary>"weibo · @foodie_li · reach 300,000 · 17:02 UTC — excerpt".</summary>
    public static string SampleLine(EvidenceSample sample, MessageStyle style, string? source = null)
    {
        var parts = new List<string> { source ?? sample.Source };
        if (!string.IsNullOrWhiteSpace(sample.Author))
        {
            parts.Add("@" + sample.Author);
        }

        parts.Add(style.T("reach ", "触达 ") + sample.Reach.ToString("N0", CultureInfo.InvariantCulture));
        if (sample.At is { } at)
        {
            parts.Add(style.Clock(at));
        }

        return $"{string.Join(" · ", parts)} — {sample.Excerpt}";
    }
}

/// <summary>One signal of an incident as messages show it, in the message's language.</summary>
public sealed record SignalLine(string Rule, string Kind, string What, string Severity, bool Active, double Measured, double PeakMeasured, double Threshold, string Summary,
    string Language = MessageStyle.English)
{
    public static SignalLine From(AlertSignal s) => From(s, chinese: false);

    /// <summary>Chinese takes the signal's Chinese reading; a signal recorded before decision 218 has none and keeps its English one.</summary>
    public static SignalLine From(AlertSignal s, bool chinese) => new(
        s.RuleId, CrisisRule.KindToWire(s.Kind), NotificationMessage.Describe(s.Kind, chinese), s.Severity.ToWire(), s.ClearedAt is null, s.Measured, s.PeakMeasured, s.Threshold,
        chinese && !string.IsNullOrEmpty(s.SummaryZh) ? s.SummaryZh : s.Summary, chinese ? MessageStyle.Chinese : MessageStyle.English);

    /// <summary>"high-risk complaints (critical): 3 negative mentions with high-risk terms (食物中毒) in the last 30 min (threshold 3)";
    /// "高风险投诉（严重）：近 30 分钟含高风险词（食物中毒）的负面提及 3 条（阈值 3）".</summary>
    public string Line => Language == MessageStyle.Chinese
        ? $"{What}（{MessageStyle.SeverityWord(Severity, chinese: true)}{(Active ? "" : "，已消除")}）：{Summary}"
        : $"{What} ({Severity}{(Active ? "" : ", cleared")}): {Summary}";
}

/// <summary>
/// A response step an announcement names as the next thing to do, with its line in the message's language and zone:
/// "verify the facts (owner: PR on duty), due 08:30 UTC, 30 min after the start";
/// "核实事实（负责人：值班公关），截止 16:30 北京时间（事件开始后 30 分钟内）". The due time carries its date when it is not today.
/// </summary>
public sealed record NextStep(string Id, string Title, string Owner, DateTimeOffset DueAt, TimeSpan DueWithin, string Line)
{
    public static NextStep From(ResponseStep step, DateTimeOffset openedAt, DateTimeOffset now, MessageStyle style)
    {
        var within = ResponsePlan.Describe(step.DueAt - openedAt, style.IsChinese);
        var due = style.Local(step.DueAt).Date == style.Local(now).Date ? style.Clock(step.DueAt) : style.Time(step.DueAt);
        // A step already past its time (an escalation into a stronger playbook hours in, or an opening announced when its
        // silence ended) says so: "due 08:30" at 10:00 reads as time still left.
        var late = now - step.DueAt;
        var line = late > TimeSpan.Zero
            ? style.IsChinese
                ? $"{step.Title}（负责人：{step.Owner}），已超时 {ResponsePlan.Describe(late, true)}：截止 {due}（事件开始后 {within}内）"
                : $"{step.Title} (owner: {step.Owner}), overdue by {ResponsePlan.Describe(late, false)}: it was due {due}, {within} after the start"
            : style.IsChinese
                ? $"{step.Title}（负责人：{step.Owner}），截止 {due}（事件开始后 {within}内）"
                : $"{step.Title} (owner: {step.Owner}), due {due}, {within} after the start";
        return new NextStep(step.StepId, step.Title, step.Owner, step.DueAt, step.DueAt - openedAt, line);
    }
}
