using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SentimentWatch.Web.Infrastructure;

namespace SentimentWatch.Web.Tests.Infrastructure;

/// <summary>The console's one duration formatter, read from the console's own resources as the pages read them.</summary>
public sealed class DurationText_Format
{
    private static readonly IStringLocalizer T = new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance).Create(typeof(ConsoleText));

    [Theory]
    [InlineData("en-US", 0, 0, 20, "1m")]
    [InlineData("en-US", 0, 42, 0, "42m")]
    [InlineData("en-US", 0, 59, 50, "1h")]
    [InlineData("en-US", 7, 44, 0, "7h 44m")]
    [InlineData("en-US", 3, 0, 0, "3h")]
    [InlineData("en-US", 167, 59, 0, "6d 23h")]
    [InlineData("en-US", 48, 30, 0, "2d")]
    [InlineData("zh-CN", 0, 42, 0, "42分钟")]
    [InlineData("zh-CN", 7, 44, 0, "7小时44分钟")]
    [InlineData("zh-CN", 3, 0, 0, "3小时")]
    [InlineData("zh-CN", 167, 59, 0, "6天23小时")]
    [InlineData("zh-CN", 48, 30, 0, "2天")]
    public void WritesMinutesHoursAndDaysInTheReadersLanguage(string culture, int hours, int minutes, int seconds, string expected)
    {
        var span = new TimeSpan(hours, minutes, seconds);
        InCulture(culture, () => DurationText.Format(span, T)).ShouldBe(expected);
        InCulture(culture, () => DurationText.Format(-span, T)).ShouldBe(expected, "an overdue span reads as how long it is overdue");
    }

    private static string InCulture(string culture, Func<string> write)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            return write();
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
