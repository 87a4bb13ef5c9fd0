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

    /// <summary>
    /// Decision 259: over a range across New York's last clock change the offset of now cut the days on the far side an
    /// hour off (at 01:00 or 23:00 local); the browser's zone starts every bucket at local midnight. The demo mentions
    /// are shifted to now, so the range runs from a few days before the last change to now.
    /// </summary>
    [Fact]
    public async Task TheSearchHistogramsBucketsStartAtLocalMidnightOnBothSidesOfAClockChange()
    {
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var change = DateTimeOffset.UtcNow;
        while (newYork.GetUtcOffset(change.AddDays(-1)) == newYork.GetUtcOffset(DateTimeOffset.UtcNow))
        {
            change = change.AddDays(-1);
        }

        var page = await OpenAsync("analyst", timezoneId: "America/New_York");
        var from = change.AddDays(-4).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var search = await SearchPage.OpenAsync(page, "?q=" + Uri.EscapeDataString("退款 OR refund") + "&from=" + from);
        await Assertions.Expect(search.Histogram).ToHaveAttributeAsync("data-chart-ready", "true");

        var source = await search.Histogram.GetAttributeAsync("data-chart");
        using var spec = JsonDocument.Parse(await page.Locator("#" + source).TextContentAsync() ?? "{}");
        spec.RootElement.GetProperty("interval").GetString().ShouldBeOneOf("day", "week");
        var starts = spec.RootElement.GetProperty("starts").EnumerateArray().Select(s => DateTimeOffset.Parse(s.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        starts.Select(s => s.Offset).Distinct().ShouldBe([newYork.GetUtcOffset(change.AddDays(-2)), newYork.GetUtcOffset(DateTimeOffset.UtcNow)]);
        starts.ShouldAllBe(s => TimeZoneInfo.ConvertTime(s, newYork).TimeOfDay == TimeSpan.Zero && s.Offset == newYork.GetUtcOffset(s));
        (await page.Context.CookiesAsync()).Single(c => c.Name == "sw-time-zone").Value.ShouldBe("America/New_York");
    }

    /// <summary>
    /// Decision 260: the dates a reader types are the reader's days, and one day in both boxes is that day. A reader in
    /// Shanghai who asked for a day got 08:00 to 08:00 local (UTC's day), and the same date in From and To was refused.
    /// The hits are checked against the API asked with the zone, and the export link carries it.
    /// </summary>
    [Fact]
    public async Task TheSearchsDatesAreTheReadersDays_AndOneDayInBothBoxesIsThatDay()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/mentions?sort=newest&pageSize=200&from=" + DateTimeOffset.UtcNow.AddDays(-30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
        using var all = JsonDocument.Parse(await (await Fixture.Http.SendAsync(request)).Content.ReadAsStringAsync());
        var published = all.RootElement.GetProperty("hits").EnumerateArray()
            .Select(h => (Id: h.GetProperty("mention").GetProperty("id").GetString()!, At: h.GetProperty("mention").GetProperty("publishedAt").GetDateTimeOffset()))
            .ToList();
        Func<DateTimeOffset, DateOnly> Local = at => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, shanghai).DateTime);

        // A day whose mentions UTC's day would split (some fall on another UTC date), after the oldest day read, which 200 may cut.
        var oldest = published.Min(p => Local(p.At));
        var day = published.Select(p => Local(p.At)).First(d => d > oldest && published.Any(p => Local(p.At) == d && DateOnly.FromDateTime(p.At.UtcDateTime) != d));
        var date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var inDay = published.Where(p => Local(p.At) == day).Select(p => p.Id).ToList();
        var expected = inDay.Count;

        var page = await OpenAsync("analyst", timezoneId: "Asia/Shanghai");
        // A shared link's tracking parameter: the page ignores it, and its export link (which the API would refuse it on) drops it.
        var search = await SearchPage.OpenAsync(page, $"?from={date}&to={date}&pageSize=200&utm_source=newsletter");

        await Assertions.Expect(search.Hits).ToHaveCountAsync(expected);
        var times = await page.Locator("[data-testid=hits] > li time[datetime]").EvaluateAllAsync<string[]>("ts => ts.map(t => t.getAttribute('datetime'))");
        times.Select(t => Local(DateTimeOffset.Parse(t, System.Globalization.CultureInfo.InvariantCulture))).ShouldAllBe(d => d == day);
        var export = await page.GetByTestId("export").GetAttributeAsync("href");
        export.ShouldNotBeNull().ShouldContain("timeZone=Asia%2FShanghai");
        export.ShouldNotContain("utm_source");
        using var csv = new HttpRequestMessage(HttpMethod.Get, export);
        csv.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
        var rows = "\n" + await (await Fixture.Http.SendAsync(csv)).Content.ReadAsStringAsync();
        Func<string, bool> Exported = id => rows.Contains("\n" + id + ",", StringComparison.Ordinal);
        inDay.ShouldAllBe(id => Exported(id));
        published.Where(p => Local(p.At) != day).ShouldAllBe(p => !Exported(p.Id));
    }
}
