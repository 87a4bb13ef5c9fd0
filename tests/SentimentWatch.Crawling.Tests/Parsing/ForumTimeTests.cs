using SentimentWatch.Crawling.Parsing;
using Shouldly;

namespace SentimentWatch.Crawling.Tests.Parsing;

public sealed class ForumTimeTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData("2026-11-20 14:03", "2026-11-20T14:03:00+08:00")]
    [InlineData("发表于 2026-11-20 14:03", "2026-11-20T14:03:00+08:00")]
    [InlineData("2026-1-5 9:07", "2026-01-05T09:07:00+08:00")]
    [InlineData("2026年11月20日 14:03", "2026-11-20T14:03:00+08:00")]
    [InlineData("2026/11/20", "2026-11-20T00:00:00+08:00")]
    [InlineData("3 小时前", "2026-11-23T09:00:00+08:00")]
    [InlineData("3\u00a0小时前", "2026-11-23T09:00:00+08:00")]
    [InlineData("半小时前", "2026-11-23T11:30:00+08:00")]
    [InlineData("15 分钟前", "2026-11-23T11:45:00+08:00")]
    [InlineData("昨天 08:15", "2026-11-22T08:15:00+08:00")]
    [InlineData("前天 23:59", "2026-11-21T23:59:00+08:00")]
    [InlineData("2 hours ago", "2026-11-23T10:00:00+08:00")]
    [InlineData("yesterday at 21:40", "2026-11-22T21:40:00+08:00")]
    [InlineData("11-20 14:03", "2026-11-20T14:03:00+08:00")]
    [InlineData("1795395600", "2026-11-23T01:00:00+00:00")]
    [InlineData("1795395600000", "2026-11-23T01:00:00+00:00")]
    [InlineData("2026-11-20T06:03:00+00:00", "2026-11-20T06:03:00+00:00")]
    [InlineData("Fri, 20 Nov 2026 06:03:00 GMT", "2026-11-20T06:03:00+00:00")]
    [InlineData("Mon Nov 23 09:00:00 +0800 2026", "2026-11-23T09:00:00+08:00")]
    [InlineData("2026-11-20 02:03 PM", "2026-11-20T14:03:00+08:00")]
    [InlineData("11-20-2026, 02:03 PM", "2026-11-20T14:03:00+08:00")]
    [InlineData("Fri Nov 20, 2026 6:03 am", "2026-11-20T06:03:00+08:00")]
    [InlineData("November 19, 2026, 10:10pm", "2026-11-19T22:10:00+08:00")]
    [InlineData("Yesterday, 09:15 PM", "2026-11-22T21:15:00+08:00")]
    [InlineData("Today, 12:05 AM", "2026-11-23T00:05:00+08:00")]
    public void ReadsTheFormatsForumsPrintInTheSiteTimeZone(string raw, string expected) =>
        ForumTime.Parse(raw, Shanghai, Now).ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("")]
    [InlineData("sometime last spring")]
    public void ReturnsNullForWhatItCannotRead(string raw) => ForumTime.Parse(raw, Shanghai, Now).ShouldBeNull();
}
