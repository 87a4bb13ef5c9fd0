using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace SentimentWatch.Web.Tests;

/// <summary>
/// Decision 260 on the case metrics page: a support lead picks their own From and To days (read in the browser's zone, To
/// including its day) beside the last 7, 30 or 90 days, and exports the same period as CSV. Before, the page offered the
/// rolling periods only and no export.
/// </summary>
public sealed class CaseMetricsPeriodTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    private async Task<string> ApiAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
        var response = await Fixture.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(body);
        return body;
    }

    [Fact]
    public async Task TheLeadsOwnDays_AreShown_AndExported_AsTheApiCountsThemInTheirZone()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, shanghai).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var weekAgo = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, shanghai).AddDays(-7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var api = JsonDocument.Parse(await ApiAsync($"/api/cases/metrics?from={weekAgo}&to={today}&timeZone=Asia/Shanghai"));
        var volume = api.RootElement.GetProperty("total").GetProperty("volume").GetInt32();
        volume.ShouldBeGreaterThan(0, "the demo opens cases");

        var page = await OpenAsync("support", timezoneId: "Asia/Shanghai");
        await page.GotoAsync($"/cases/metrics?from={weekAgo}&to={today}");

        await Assertions.Expect(page.GetByTestId("case-kpis").Locator(".kpi .value").First).ToHaveTextAsync(volume.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#days option:checked")).ToHaveTextAsync("From–To");
        await Assertions.Expect(page.GetByTestId("period").Locator("time").First).ToHaveAttributeAsync("datetime", new System.Text.RegularExpressions.Regex("^" + weekAgo + "T00:00:00\\.0+\\+08:00$"));
        var export = await page.GetByTestId("export").GetAttributeAsync("href");
        export.ShouldNotBeNull().ShouldContain("timeZone=Asia%2FShanghai");
        export.ShouldContain("from=" + weekAgo + "T00%3A00%3A00%2B08%3A00");

        // The file holds the cases the page counts (a header, then one line per case; titles are one line each).
        var csv = await ApiAsync(export);
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(volume + 1);
        await ShotAsync(page, "metrics-own-days");

        // Choosing a listed period replaces the typed days.
        await page.Locator("#days").SelectOptionAsync("7");
        await page.WaitForURLAsync(url => url.Contains("days=7", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#from")).ToHaveValueAsync("");
        await Assertions.Expect(page.Locator("#days option:checked")).ToHaveTextAsync("7 days");
    }

    [Fact]
    public async Task AnUnreadableDay_IsRefusedByItsBox_AndTheLast30DaysAreShown()
    {
        var page = await OpenAsync("support", "zh-CN");
        await page.GotoAsync("/cases/metrics?from=yesterday");

        var refused = page.GetByTestId("refused");
        await Assertions.Expect(refused).ToContainTextAsync("开始");
        await Assertions.Expect(refused.Locator("[data-code=not-a-date]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("case-kpis")).ToBeVisibleAsync();

        // The period shown is the one selected: the last 30 days, not "From–To" over a refused day.
        await Assertions.Expect(page.Locator("#days option:checked")).ToHaveTextAsync("30 天");
        await page.GotoAsync("/cases/metrics?days=5000");
        await Assertions.Expect(page.Locator("#days option:checked")).ToHaveTextAsync("30 天");
        var start = DateTimeOffset.Parse((await page.GetByTestId("period").Locator("time").First.GetAttributeAsync("datetime"))!, CultureInfo.InvariantCulture);
        (DateTimeOffset.UtcNow - start).TotalDays.ShouldBeInRange(29.9, 30.1);
    }
}
