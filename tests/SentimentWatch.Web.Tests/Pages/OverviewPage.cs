using Microsoft.Playwright;

namespace SentimentWatch.Web.Tests.Pages;

/// <summary>/ — the overview.</summary>
public sealed class OverviewPage(IPage page)
{
    /// <summary>Opens the overview at <paramref name="path"/>: <c>/overview</c> for a support agent, whom <c>/</c> sends to the case queue.</summary>
    public static async Task<OverviewPage> OpenAsync(IPage page, string? range = null, string path = "/")
    {
        await page.GotoAsync(range is null ? path : path + "?range=" + range);
        return new OverviewPage(page);
    }

    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator Watch(string id) => page.GetByTestId("watch-" + id);

    public ILocator Charts => page.Locator("canvas[data-testid=overview-chart]");

    public ILocator ReadyCharts => page.Locator("canvas[data-testid=overview-chart][data-chart-ready=true]");
}
