using SentimentWatch.Alerting.Notifications;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Alerting.Tests.Notifications;

/// <summary>
/// A step named in an announcement after its due time says it is overdue (a review found an escalation two hours in
/// announcing "due 08:30" as if there were time left); one still ahead reads as before.
/// </summary>
public sealed class NextStepLineTests
{
    private static readonly DateTimeOffset OpenedAt = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private static ResponseStep Step(TimeSpan offset) => new()
    {
        StepId = "holding-statement",
        PlaybookId = "critical",
        Title = "发布情况说明 / holding statement",
        Owner = "PR lead",
        DueAt = OpenedAt + offset,
        CreatedAt = OpenedAt,
    };

    [Fact]
    public void A_step_still_ahead_gives_its_due_time()
    {
        var line = NextStep.From(Step(TimeSpan.FromMinutes(30)), OpenedAt, OpenedAt.AddMinutes(5), MessageStyle.From("en", "UTC")).Line;
        line.ShouldBe("发布情况说明 / holding statement (owner: PR lead), due 08:30 UTC, 30 min after the start");
    }

    [Fact]
    public void A_step_past_its_time_says_by_how_much_it_is_overdue_in_english_and_chinese()
    {
        var now = OpenedAt.AddHours(2);
        var en = NextStep.From(Step(TimeSpan.FromMinutes(30)), OpenedAt, now, MessageStyle.From("en", "UTC")).Line;
        en.ShouldBe("发布情况说明 / holding statement (owner: PR lead), overdue by 1 h 30 min: it was due 08:30 UTC, 30 min after the start");
        var zh = NextStep.From(Step(TimeSpan.FromMinutes(30)), OpenedAt, now, MessageStyle.From("zh-CN", "Asia/Shanghai")).Line;
        zh.ShouldStartWith("发布情况说明 / holding statement（负责人：PR lead），已超时 1 小时 30 分钟：截止 16:30");
        zh.ShouldEndWith("（事件开始后 30 分钟内）");
    }
}
