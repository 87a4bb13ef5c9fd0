using System.Globalization;
using System.Text.RegularExpressions;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Alerting;

/// <summary>
/// The incident record's lines in Chinese. A line is stored once, in English (the record's language); the console
/// (<c>RecordLine</c>) and the Chinese export (<see cref="IncidentRecord.ToMarkdown(bool)"/>) read it through the same
/// templates here, so a line reads the same on the screen and in the filed write-up. Lines no template knows (a
/// person's note) stay as written.
/// </summary>
public static class RecordChinese
{
    /// <summary>Around a time's position in a <see cref="Mark"/>ed line.</summary>
    public const char TimeStart = '\u0001';

    public const char TimeEnd = '\u0002';

    // The record writes times as "{0:u}" (2026-12-05 15:45:00Z) or "yyyy-MM-dd HH:mm UTC".
    private static readonly Regex Time = new(@"(?<t>\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?)(?:Z| UTC)", RegexOptions.CultureInvariant);
    private static readonly Regex Marker = new("\u0001(\\d+)\u0002", RegexOptions.CultureInvariant);

    private static readonly (Regex Line, Func<Match, string> Chinese)[] Templates =
    [
        (Line(@"incident opened: (?<rest>.*)"), m => $"事件开启：{m.Groups["rest"].Value}"),
        (Line(@"(?<kind>\w+) \((?<rule>[^)]*)\) joined at (?<sev>\w+): (?<sum>.*)"), m => $"{SignalKind(m.Groups["kind"].Value)}（{m.Groups["rule"].Value}）并入本事件，级别：{Severity(m.Groups["sev"].Value)}；{m.Groups["sum"].Value}"),
        (Line(@"(?<kind>\w+) \((?<rule>[^)]*)\) cleared \(clear since (?<t>\u0001\d+\u0002)\)"), m => $"{SignalKind(m.Groups["kind"].Value)}（{m.Groups["rule"].Value}）已消除（自 {m.Groups["t"].Value} 起恢复正常）"),
        (Line(@"resolved: every signal has been clear since (?<t>.*)"), m => $"已解除：所有信号自 {m.Groups["t"].Value} 起均已恢复正常"),
        (Line(@"acknowledged by (?<by>.*)"), m => $"已由 {m.Groups["by"].Value} 确认"),
        (Line(@"resolved by (?<by>.*) while still firing"), m => $"已由 {m.Groups["by"].Value} 解除（当时仍在触发）"),
        (Line(@"resolved by (?<by>.*)"), m => $"已由 {m.Groups["by"].Value} 解除"),
        (Line(@"(?<kind>opened|escalated|reminder|notice|resolved) \((?<sev>\w+)\): no channel takes it"), m => $"{Notification(m.Groups["kind"].Value)}（{Severity(m.Groups["sev"].Value)}）：没有渠道接收"),
        (Line(@"(?<kind>opened|escalated|reminder|notice|resolved) \((?<sev>\w+)\) sent to (?<to>.*)"), m => $"{Notification(m.Groups["kind"].Value)}（{Severity(m.Groups["sev"].Value)}）已发送至 {m.Groups["to"].Value}"),
        (Line(@"(?<kind>opened|escalated|reminder|notice|resolved) delivered to (?<to>.+?) after (?<n>\d+) attempt\(s\) \((?<key>[^)]*)\)"), m =>
            $"{Notification(m.Groups["kind"].Value)}已送达 {m.Groups["to"].Value}（尝试 {m.Groups["n"].Value} 次，{m.Groups["key"].Value}）"),
        (Line(@"response plan (?<id>\S+) \((?<sev>\w+)\) started: (?<n>\d+) step\(s\)(?:, first ""(?<title>.*?)"" \((?<owner>[^)]*)\) due (?<due>\u0001\d+\u0002))?(?:; sooner: (?<sooner>.*))?"), m =>
            $"应对预案 {m.Groups["id"].Value}（{Severity(m.Groups["sev"].Value)}）已启动：{m.Groups["n"].Value} 个步骤"
            + (m.Groups["title"].Success ? $"，首个步骤“{m.Groups["title"].Value}”（{m.Groups["owner"].Value}）截止于 {m.Groups["due"].Value}" : "")
            + (m.Groups["sooner"].Success ? "；提前：" + Sooner(m.Groups["sooner"].Value) : "")),
        (Line(@"step ""(?<title>.*)"" done by (?<who>.+?), (?<d>[\d a-z]+?) (?<when>late|before it was due)(?:: (?<note>.*))?"), m =>
            $"步骤“{m.Groups["title"].Value}”已由 {m.Groups["who"].Value} 完成，{(m.Groups["when"].Value == "late" ? "晚了" : "比截止时间提前")} {Duration(m.Groups["d"].Value)}"
            + (m.Groups["note"].Success ? $"：{m.Groups["note"].Value}" : "")),
        (Line(@"step ""(?<title>.*)"" reopened by (?<who>.+?)(?:: (?<note>.*?))?(?: \(it was due (?<due>\u0001\d+\u0002)\))?"), m =>
            $"步骤“{m.Groups["title"].Value}”已由 {m.Groups["who"].Value} 重新打开"
            + (m.Groups["note"].Success ? $"：{m.Groups["note"].Value}" : "")
            + (m.Groups["due"].Success ? $"（原定截止于 {m.Groups["due"].Value}）" : "")),
        (Line(@"checklist ""(?<item>.*)"" of step ""(?<title>.*)"" (?<how>ticked|unticked) by (?<who>.*)"), m =>
            $"步骤“{m.Groups["title"].Value}”的核对项“{m.Groups["item"].Value}”已由 {m.Groups["who"].Value} {(m.Groups["how"].Value == "ticked" ? "勾选" : "取消勾选")}"),
        (Line(@"step ""(?<title>.*)"" overdue by (?<d>[\d a-z]+?): reminder to (?<to>.*)"), m => $"步骤“{m.Groups["title"].Value}”已超时 {Duration(m.Groups["d"].Value)}：已提醒 {m.Groups["to"].Value}"),
        (Line(@"silence (?<id>\d+) lifted"), m => $"静默 {m.Groups["id"].Value} 已解除"),
        (Line(@"The last open complaint case of this incident \(case (?<id>\d+)\) was resolved; (?<n>\d+) case\(s\) in all\."), m => $"本事件最后一个未结投诉工单（工单 {m.Groups["id"].Value}）已解决；共 {m.Groups["n"].Value} 个工单。"),
    ];

    /// <summary>
    /// <paramref name="text"/> with each UTC time replaced by a marker (<see cref="TimeStart"/>, its index in
    /// <paramref name="times"/>, <see cref="TimeEnd"/>), so templates can place it and a reader can show it in any zone.
    /// </summary>
    public static string Mark(string text, List<DateTimeOffset> times) =>
        Time.Replace(text, m =>
        {
            times.Add(DateTimeOffset.ParseExact(m.Groups["t"].Value, ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal));
            return string.Create(CultureInfo.InvariantCulture, $"{TimeStart}{times.Count - 1}{TimeEnd}");
        });

    /// <summary>A <see cref="Mark"/>ed line in Chinese (markers kept), or the line itself when no template knows it.</summary>
    public static string TranslateMarked(string marked) =>
        Templates.FirstOrDefault(t => t.Line.IsMatch(marked)) is { Line: not null } template ? template.Chinese(template.Line.Match(marked)) : marked;

    /// <summary>The markers of <paramref name="marked"/> and the text between them, in order.</summary>
    public static IEnumerable<(string Text, DateTimeOffset? At)> Split(string marked, IReadOnlyList<DateTimeOffset> times)
    {
        var at = 0;
        foreach (Match m in Marker.Matches(marked))
        {
            if (m.Index > at)
            {
                yield return (marked[at..m.Index], null);
            }

            yield return ("", times[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)]);
            at = m.Index + m.Length;
        }

        if (at < marked.Length)
        {
            yield return (marked[at..], null);
        }
    }

    /// <summary>
    /// A stored line in Chinese, <see cref="Mark"/>ed: its own Chinese text when it was written with one
    /// (<see cref="AlertTimelineEntry.TextZh"/>), else the English line through the templates.
    /// </summary>
    public static string MarkChinese(string text, string? textZh, List<DateTimeOffset> times) =>
        textZh is { Length: > 0 } ? Mark(textZh, times) : TranslateMarked(Mark(text, times));

    /// <summary>A stored line in Chinese as plain text, its times written back as UTC (the export).</summary>
    public static string Translate(string text, string? textZh = null)
    {
        var times = new List<DateTimeOffset>();
        return string.Concat(Split(MarkChinese(text, textZh, times), times)
            .Select(p => p.At is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : p.Text));
    }

    // A rule kind on the wire before its rule's id in parentheses, where the desk writes a signal: at the start of a line
    // ("riskTerms (lumo-risk) joined at …"), after "incident opened: " or after "; " between an opening's signals. A person's
    // note or a step's title ("DM'd the influencer (@chef_li)") is left alone.
    private static readonly Regex WireKind = new(
        $@"(?<=^|^incident opened: |; )(?<kind>{string.Join("|", Enum.GetValues<CrisisRuleKind>().Select(CrisisRule.KindToWire))}) (?=\([^()]+\))", RegexOptions.CultureInvariant);

    /// <summary>
    /// A stored line as an English reader reads it: each signal's rule kind named as the alerts name it ("high-risk
    /// complaints (lumo-risk) joined at critical" for "riskTerms (lumo-risk) joined at critical"); the rest as written.
    /// The stored text keeps the wire words, which the Chinese templates above read.
    /// </summary>
    public static string English(string text) =>
        WireKind.Replace(text, m => CrisisRule.TryParseKind(m.Groups["kind"].Value, out var kind) ? Notifications.NotificationMessage.Describe(kind) + " " : m.Value);

    /// <summary>A rule kind on the wire (<c>riskTerms</c>) as the alerts name it in Chinese (高风险投诉); unknown words unchanged.</summary>
    public static string SignalKind(string wire) => CrisisRule.TryParseKind(wire, out var kind) ? Notifications.NotificationMessage.Describe(kind, chinese: true) : wire;

    /// <summary>A severity on the wire in Chinese, as the notifications write it.</summary>
    public static string Severity(string wire) => MessageStyle.SeverityWord(wire, chinese: true);

    /// <summary>A notification's kind (<c>opened</c>, <c>escalated</c> …) as the record names it.</summary>
    public static string Notification(string wire) => wire switch
    {
        "opened" => "开启通知",
        "escalated" => "升级通知",
        "reminder" => "提醒",
        "notice" => "通知",
        "resolved" => "解除通知",
        _ => wire,
    };

    /// <summary>A timeline line's kind (<see cref="TimelineKinds"/>, and <c>delivered</c>).</summary>
    public static string EventKind(string kind) => kind switch
    {
        TimelineKinds.Opened => "开启",
        TimelineKinds.Signal => "信号",
        TimelineKinds.Notification => "通知",
        TimelineKinds.Acknowledged => "确认",
        TimelineKinds.Resolved => "解除",
        TimelineKinds.Step => "步骤",
        TimelineKinds.Note => "备注",
        "delivered" => "送达",
        _ => kind,
    };

    /// <summary>An incident's status (<c>firing</c>, <c>acknowledged</c>, <c>resolved</c>).</summary>
    public static string Status(string wire) => wire switch
    {
        "firing" => "触发中",
        "acknowledged" => "已确认",
        "resolved" => "已解除",
        _ => wire,
    };

    /// <summary>A complaint case's status on the wire (<c>in_progress</c>), as the console names it.</summary>
    public static string CaseStatus(string wire) => wire switch
    {
        "new" => "新建",
        "assigned" => "已分派",
        "in_progress" => "处理中",
        "waiting_on_customer" => "等待客户",
        "resolved" => "已解决",
        "closed" => "已关闭",
        _ => wire,
    };

    /// <summary>A response step's state (<c>open</c>, <c>overdue</c>, <c>done</c>).</summary>
    public static string StepState(string wire) => wire switch
    {
        "open" => "待办",
        "overdue" => "已超时",
        "done" => "已完成",
        _ => wire,
    };

    /// <summary>"1 h 5 min" as 1 小时 5 分钟 (<c>ResponsePlan.Describe</c>'s units).</summary>
    private static string Duration(string english) =>
        Regex.Replace(english, @"(\d+) (min|h|d)\b", m => m.Groups[1].Value + " " + (m.Groups[2].Value switch { "min" => "分钟", "h" => "小时", _ => "天" }), RegexOptions.CultureInvariant);

    /// <summary>"Title now due {time} (was 15:45)" for each step a stronger playbook brought forward.</summary>
    private static string Sooner(string english) =>
        string.Join("；", english.Split("; ").Select(s => Regex.Replace(s, @"^(?<title>.*) now due (?<due>\u0001\d+\u0002) \(was (?<was>[\d:]+)\)$", m => $"“{m.Groups["title"].Value}”截止提前至 {m.Groups["due"].Value}（原 {m.Groups["was"].Value} UTC）", RegexOptions.CultureInvariant)));

    private static Regex Line(string pattern) => new("^" + pattern + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
}
