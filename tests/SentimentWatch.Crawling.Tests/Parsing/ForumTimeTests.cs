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
    [InlineData("25 May 2008 11:42", "2008-05-25T11:42:00+08:00")]
    [InlineData("Posted: Thu Jan 09, 2003 10:01 PM  Post subject: welp", "2003-01-09T22:01:00+08:00")]
    [InlineData("by Jakob » Sun May 26, 2019 4:34 pm", "2019-05-26T16:34:00+08:00")]
    [InlineData("Tue Jun 27 19:33:15 2017", "2017-06-27T19:33:15+08:00")]
    [InlineData("May 25th, 2008 at 9:15 am", "2008-05-25T09:15:00+08:00")]
    [InlineData("星期四 一月 09, 2003 10:01 pm", "2003-01-09T22:01:00+08:00")]
    [InlineData("十二月 25, 2025", "2025-12-25T00:00:00+08:00")]
    [InlineData("01/12 21:52", "2026-01-12T21:52:00+08:00")]
    [InlineData("5月25日 11:42", "2026-05-25T11:42:00+08:00")]
    [InlineData("5月25日 下午 3:42", "2026-05-25T15:42:00+08:00")]
    [InlineData("May 25", "2026-05-25T00:00:00+08:00")]
    [InlineData("1523049024.0", "2018-04-06T21:10:24+00:00")]
    public void ReadsTheFormatsForumsPrintInTheSiteTimeZone(string raw, string expected) =>
        ForumTime.Parse(raw, Shanghai, Now).ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("")]
    [InlineData("sometime last spring")]
    public void ReturnsNullForWhatItCannotRead(string raw) => ForumTime.Parse(raw, Shanghai, Now).ShouldBeNull();

    [Theory]
    [InlineData("12/25 08:00", "2025-12-25T08:00:00+08:00")] // printed on 23 Nov 2026 without a year: last Christmas, not next
    [InlineData("11-24 09:00", "2025-11-24T09:00:00+08:00")] // tomorrow's date is a year ago
    [InlineData("11-23 13:00", "2026-11-23T13:00:00+08:00")] // an hour ahead is still today (clock skew)
    [InlineData("Dec 31", "2025-12-31T00:00:00+08:00")]
    [InlineData("12月1日 10:00", "2025-12-01T10:00:00+08:00")]
    public void ADateWithoutAYearIsTheLatestOneNotInTheFuture(string raw, string expected) =>
        ForumTime.Parse(raw, Shanghai, Now).ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("sometime long ago")]
    [InlineData("Posted by alice")]
    [InlineData("13/45 99:99")]
    public void TextThatIsNoTimeIsNotReadAsOne(string raw) => ForumTime.Parse(raw, Shanghai, Now).ShouldBeNull();
}
