using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Playwright;
using SentimentWatch.Web.Tests.Pages;

namespace SentimentWatch.Web.Tests;

/// <summary>Base of the browser tests: a fresh browser context per test (its own cookies) and a screenshot of every test.</summary>
[Collection(ConsoleCollection.Name)]
public abstract class ConsoleTest(ConsoleFixture fixture) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    protected ConsoleFixture Fixture { get; } = fixture;

    /// <summary>A new page, signed in as the person holding <paramref name="role"/> when given.</summary>
    protected async Task<IPage> OpenAsync(string? role = null, string locale = "en-US", int width = 1280, int height = 860, string? timezoneId = null)
    {
        var context = await Fixture.NewContextAsync(locale, width, height, timezoneId);
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        // Generous: the suite runs beside the multi-worker test (four processes on two cores), and a
        // navigation once took more than 15 s there.
        page.SetDefaultTimeout(30_000);
        if (role is not null)
        {
            var signIn = await SignInPage.OpenAsync(page);
            await signIn.SignInAsync(ConsoleFixture.People[role], ConsoleFixture.Password);
            await page.WaitForURLAsync(url => !url.Contains("/account/signin", StringComparison.Ordinal));
        }

        return page;
    }

    /// <summary>GET an API route with the fixture's admin key; the response must succeed.</summary>
    protected async Task<JsonElement> GetAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Api-Key", ConsoleFixture.AdminKey);
        var response = await Fixture.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Saves what the page shows under the test output (bin/…/screenshots/NAME.png).</summary>
    protected async Task ShotAsync(IPage page, string? suffix = null, [CallerMemberName] string test = "")
    {
        var name = GetType().Name + "." + test + (suffix is null ? "" : "-" + suffix) + ".png";
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.ScreenshotDirectory, name), FullPage = true });
    }

    /// <summary>What the README shows: the visible part of the page only, so the file stays small (screenshots/docs-NAME.png).</summary>
    protected static async Task DocShotAsync(IPage page, string name)
    {
        await page.SetViewportSizeAsync(1200, 760);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.ScreenshotDirectory, "docs-" + name + ".png") });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }
}
