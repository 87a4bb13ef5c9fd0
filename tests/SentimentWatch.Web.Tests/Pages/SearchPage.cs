using Microsoft.Playwright;

namespace SentimentWatch.Web.Tests.Pages;

/// <summary>/search — query box, filters, histogram, hits.</summary>
public sealed class SearchPage(IPage page)
{
    public static async Task<SearchPage> OpenAsync(IPage page, string query = "")
    {
        await page.GotoAsync("/search" + query);
        return new SearchPage(page);
    }

    public ILocator Hits => page.Locator("[data-testid=hits] > li");

    public ILocator Highlights => page.Locator("[data-testid=snippet] em");

    public ILocator Histogram => page.Locator("canvas[data-testid=histogram]");

    public ILocator Total => page.Locator("#hist-title");

    public async Task SearchAsync(string query)
    {
        await page.Locator("#q").FillAsync(query);
        await page.Locator("#q").PressAsync("Enter");
        await page.WaitForURLAsync(url => url.Contains("q=", StringComparison.Ordinal));
    }

    /// <summary>
    /// Clicks the first bar that has mentions, where Chart.js drew it, until the page navigates. The chart is first brought
    /// to its final frame (<c>update('none')</c>): read mid-animation a bar's position is where it was growing from, and a
    /// click there can miss it (a CI run on 5 December timed out waiting for the zoom that way).
    /// </summary>
    public async Task ClickFirstBarAsync()
    {
        var start = page.Url;
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator("canvas[data-testid=histogram][data-chart-ready=true]").WaitForAsync();
            var point = await page.EvaluateAsync<double[]>(@"() => {
                const canvas = document.querySelector('canvas[data-testid=histogram]');
                const chart = canvas.chart;
                chart.update('none');
                for (let i = 0; i < chart.data.labels.length; i++) {
                    for (let d = chart.data.datasets.length - 1; d >= 0; d--) {
                        if (chart.data.datasets[d].data[i] > 0) {
                            const bar = chart.getDatasetMeta(d).data[i];
                            return [bar.x, bar.y + 2];
                        }
                    }
                }
                return null;
            }");
            await page.Locator("canvas[data-testid=histogram]").ClickAsync(new() { Position = new() { X = (float)point[0], Y = (float)point[1] } });
            try
            {
                await page.WaitForURLAsync(url => url != start, new() { Timeout = 5_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
                // The chart was redrawn between reading the bar and the click (a live refresh): read it again.
            }
        }
    }
}
