using System.Text.Json;
using Microsoft.Playwright;
using SentimentWatch.Web.Tests.Pages;

namespace SentimentWatch.Web.Tests;

/// <summary>
/// Decision 256: the console's histograms cut days at the reader's midnight. console.js keeps the browser's UTC offset in a
/// cookie and the pages ask the index for buckets in it; before, every reader got UTC days (Beijing's cut at 08:00, and in
/// New York each day's bar was labelled with the day before).
/// </summary>
public sealed class ReaderOffsetTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Theory]
    [InlineData("America/New_York", "-05:00")]
    [InlineData("Asia/Kolkata", "+05:30")]
    [InlineData("UTC", "+00:00")]
    public async Task TheSearchHistogramsDaysStartAtTheReadersMidnight(string zone, string offset)
    {
        var page = await OpenAsync("analyst", timezoneId: zone);
        var search = await SearchPage.OpenAsync(page, "?q=" + Uri.EscapeDataString("退款 OR refund"));
        await Assertions.Expect(search.Histogram).ToHaveAttributeAsync("data-chart-ready", "true");

        var source = await search.Histogram.GetAttributeAsync("data-chart");
        using var spec = JsonDocument.Parse(await page.Locator("#" + source).TextContentAsync() ?? "{}");
        spec.RootElement.GetProperty("interval").GetString().ShouldBe("day");
        var starts = spec.RootElement.GetProperty("starts").EnumerateArray().Select(s => s.GetString()!).ToList();
        starts.ShouldNotBeEmpty();
        starts.ShouldAllBe(s => s.EndsWith("T00:00:00.0000000" + offset, StringComparison.Ordinal));
        (await page.Context.CookiesAsync()).Single(c => c.Name == "sw-utc-offset").Value
            .ShouldBe(((int)TimeZoneInfo.FindSystemTimeZoneById(zone).GetUtcOffset(DateTimeOffset.UtcNow).TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
