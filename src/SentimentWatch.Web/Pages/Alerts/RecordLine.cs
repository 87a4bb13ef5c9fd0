using System.Globalization;
using System.Text.RegularExpressions;

namespace SentimentWatch.Web.Pages.Alerts;

/// <summary>
/// One line of an incident record as the console shows it: the stored line (English, the record's language) in the
/// reader's language, and every UTC time in it as a time the page shows in the reader's zone like every other time
/// on the page (decision 227). Lines no template knows (a person's note) are shown as written.
/// </summary>
public sealed record RecordLine(IReadOnlyList<RecordLine.Part> Parts)
{
    /// <summary>Text, or a time when <see cref="At"/> is set.</summary>
    public sealed record Part(string Text, DateTimeOffset? At = null);

    private const char TimeStart = '\u0001';
    private const char TimeEnd = '\u0002';

    // The record writes times as "{0:u}" (2026-12-05 15:45:00Z) or "yyyy-MM-dd HH:mm UTC".
    private static readonly Regex Time = new(@"(?<t>\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?)(?:Z| UTC)", RegexOptions.CultureInvariant);
    private static readonly Regex Marker = new("\u0001(\\d+)\u0002", RegexOptions.CultureInvariant);

    private static readonly (Regex Line, Func<Match, string> Chinese)[] Templates =
    [
        (Line(@"incident opened: (?<rest>.*)"), m => $"事件开启：{m.Groups["rest"].Value}"),
        (Line(@"(?<kind>\w+) \((?<rule>[^)]*)\) joined at (?<sev>\w+): (?<sum>.*)"), m => $"{m.Groups["kind"].Value}（{m.Groups["rule"].Value}）加入，级别{Severity(m.Groups["sev"].Value)}：{m.Groups["sum"].Value}"),
        (Line(@"(?<kind>\w+) \((?<rule>[^)]*)\) cleared \(clear since (?<t>\u0001\d+\u0002)\)"), m => $"{m.Groups["kind"].Value}（{m.Groups["rule"].Value}）已消除（自 {m.Groups["t"].Value} 起恢复正常）"),
        (Line(@"resolved: every signal has been clear since (?<t>.*)"), m => $"已解除：所有信号自 {m.Groups["t"].Value} 起均已恢复正常"),
        (Line(@"acknowledged by (?<by>.*)"), m => $"已由 {m.Groups["by"].Value} 确认"),
        (Line(@"resolved by (?<by>.*) while still firing"), m => $"已由 {m.Groups["by"].Value} 解除（当时仍在触发）"),
        (Line(@"resolved by (?<by>.*)"), m => $"已由 {m.Groups["by"].Value} 解除"),
        (Line(@"(?<kind>opened|escalated|reminder|notice|resolved) \((?<sev>\w+)\): no channel takes it"), m => $"{Notification(m.Groups["kind"].Value)}（{Severity(m.Groups["sev"].Value)}）：没有渠道接收"),
        (Line(@"(?<kind>opened|escalated|reminder|notice|resolved) \((?<sev>\w+)\) sent to (?<to>.*)"), m => $"{Notification(m.Groups["kind"].Value)}（{Severity(m.Groups["sev"].Value)}）已发送至 {m.Groups["to"].Value}"),
        (Line(@"response plan (?<id>\S+) \((?<sev>\w+)\) started: (?<n>\d+) step\(s\)(?:, first ""(?<title>.*?)"" \((?<owner>[^)]*)\) due (?<due>\u0001\d+\u0002))?(?:; sooner: (?<sooner>.*))?"), m =>
            $"应对预案 {m.Groups["id"].Value}（{Severity(m.Groups["sev"].Value)}）已启动：{m.Groups["n"].Value} 个步骤"
            + (m.Groups["title"].Success ? $"，首个步骤“{m.Groups["title"].Value}”（{m.Groups["owner"].Value}）截止于 {m.Groups["due"].Value}" : "")
            + (m.Groups["sooner"].Success ? "；提前：" + Sooner(m.Groups["sooner"].Value) : "")),
        (Line(@"step ""(?<title>.*)"" done by (?<who>.+?), (?<d>[\d a-z]+?) (?<when>late|before it was due)(?:: (?<note>.*))?"), m =>
            $"步骤“{m.Groups["title"].Value}”已由 {m.Groups["who"].Value} 完成，{(m.Groups["when"].Value == "late" ? "晚了" : "提前")} {Duration(m.Groups["d"].Value)}"
            + (m.Groups["note"].Success ? $"：{m.Groups["note"].Value}" : "")),
        (Line(@"step ""(?<title>.*)"" reopened by (?<who>.+?)(?:: (?<note>.*?))?(?: \(it was due (?<due>\u0001\d+\u0002)\))?"), m =>
            $"步骤“{m.Groups["title"].Value}”已由 {m.Groups["who"].Value} 重新打开"
            + (m.Groups["note"].Success ? $"：{m.Groups["note"].Value}" : "")
            + (m.Groups["due"].Success ? $"（原定截止于 {m.Groups["due"].Value}）" : "")),
        (Line(@"checklist ""(?<item>.*)"" of step ""(?<title>.*)"" (?<how>ticked|unticked) by (?<who>.*)"), m =>
            $"步骤“{m.Groups["title"].Value}”的核对项“{m.Groups["item"].Value}”已由 {m.Groups["who"].Value}{(m.Groups["how"].Value == "ticked" ? "勾选" : "取消勾选")}"),
        (Line(@"step ""(?<title>.*)"" overdue by (?<d>[\d a-z]+?): reminder to (?<to>.*)"), m => $"步骤“{m.Groups["title"].Value}”已超时 {Duration(m.Groups["d"].Value)}：已提醒 {m.Groups["to"].Value}"),
        (Line(@"silence (?<id>\d+) lifted"), m => $"静默 {m.Groups["id"].Value} 已解除"),
        (Line(@"The last open complaint case of this incident \(case (?<id>\d+)\) was resolved; (?<n>\d+) case\(s\) in all\."), m => $"本事件最后一个未结投诉工单（工单 {m.Groups["id"].Value}）已解决；共 {m.Groups["n"].Value} 个工单。"),
    ];

    public static RecordLine Of(string text, bool chinese)
    {
        var times = new List<DateTimeOffset>();
        var marked = Time.Replace(text, m =>
        {
            times.Add(DateTimeOffset.ParseExact(m.Groups["t"].Value, ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal));
            return string.Create(CultureInfo.InvariantCulture, $"{TimeStart}{times.Count - 1}{TimeEnd}");
        });
        if (chinese && Templates.FirstOrDefault(t => t.Line.IsMatch(marked)) is { Line: not null } template)
        {
            marked = template.Chinese(template.Line.Match(marked));
        }

        var parts = new List<Part>();
        var at = 0;
        foreach (Match m in Marker.Matches(marked))
        {
            if (m.Index > at)
            {
                parts.Add(new Part(marked[at..m.Index]));
            }

            parts.Add(new Part("", times[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)]));
            at = m.Index + m.Length;
        }

        if (at < marked.Length)
        {
            parts.Add(new Part(marked[at..]));
        }

        return new RecordLine(parts);
    }

    private static Regex Line(string pattern) => new("^" + pattern + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline);

    private static string Severity(string wire) => wire switch
    {
        "critical" => "严重",
        "warning" => "警告",
        "info" => "提示",
        _ => wire,
    };

    private static string Notification(string wire) => wire switch
    {
        "opened" => "开启通知",
        "escalated" => "升级通知",
        "reminder" => "提醒",
        "notice" => "通知",
        _ => "解除通知",
    };

    /// <summary>"1 h 5 min" as 1 小时 5 分钟 (<c>ResponsePlan.Describe</c>'s units).</summary>
    private static string Duration(string english) =>
        Regex.Replace(english, @"(\d+) (min|h|d)\b", m => m.Groups[1].Value + " " + (m.Groups[2].Value switch { "min" => "分钟", "h" => "小时", _ => "天" }), RegexOptions.CultureInvariant);

    /// <summary>"Title now due {time} (was 15:45)" for each step a stronger playbook brought forward.</summary>
    private static string Sooner(string english) =>
        string.Join("；", english.Split("; ").Select(s => Regex.Replace(s, @"^(?<title>.*) now due (?<due>\u0001\d+\u0002) \(was (?<was>[\d:]+)\)$", m => $"“{m.Groups["title"].Value}”截止提前至 {m.Groups["due"].Value}（原 {m.Groups["was"].Value} UTC）", RegexOptions.CultureInvariant)));
}
