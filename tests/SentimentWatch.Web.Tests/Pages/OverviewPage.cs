using Microsoft.Playwright;

namespace SentimentWatch.Web.Tests.Pages;

/// <summary>/ — the overview.</summary>
public sealed class OverviewPage(IPage page)
{
    public static async Task<OverviewPage> OpenAsync(IPage page, string? range = null)
    {
        await page.GotoAsync(range is null ? "/" : "/?range=" + range);
        return new OverviewPage(page);
    }

    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator Watch(string id) => page.GetByTestId("watch-" + id);

    public ILocator Charts => page.Locator("canvas[data-testid=overview-chart]");

    public ILocator ReadyCharts => page.Locator("canvas[data-testid=overview-chart][data-chart-ready=true]");
}
