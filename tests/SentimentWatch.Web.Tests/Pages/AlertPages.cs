using Microsoft.Playwright;

namespace SentimentWatch.Web.Tests.Pages;

/// <summary>/alerts — the alert desk.</summary>
public sealed class AlertDeskPage(IPage page)
{
    public static async Task<AlertDeskPage> OpenAsync(IPage page)
    {
        await page.GotoAsync("/alerts");
        return new AlertDeskPage(page);
    }

    public ILocator Rows => page.Locator("[data-testid=alerts-table] tbody tr");

    public ILocator Row(string text) => Rows.Filter(new() { HasText = text });

    public ILocator Silence(long id) => page.Locator($"[data-testid=silences-table] tr[data-silence-id='{id}']");

    public ILocator Notice => page.GetByTestId("notice");

    public Task LiftAsync(long id) => Silence(id).GetByRole(AriaRole.Button, new() { Name = "Lift" }).ClickAsync();
}

/// <summary>/alerts/{id} — one alert.</summary>
public sealed class AlertPage(IPage page)
{
    public ILocator Status => page.GetByTestId("alert-status");

    public ILocator WhyChart => page.Locator("canvas[data-testid=why-chart][data-chart-ready=true]");

    public ILocator History => page.GetByTestId("alert-history");

    public ILocator Notice => page.GetByTestId("notice");

    public Task AcknowledgeAsync() => page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();

    public Task ResolveAsync() => page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();

    public async Task SilenceAsync(string duration, string reason)
    {
        await page.Locator("#duration").SelectOptionAsync(duration);
        await page.Locator("#reason").FillAsync(reason);
        await page.GetByRole(AriaRole.Button, new() { Name = "Silence", Exact = true }).ClickAsync();
    }
}
