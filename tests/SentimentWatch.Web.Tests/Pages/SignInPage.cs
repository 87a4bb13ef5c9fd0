using Microsoft.Playwright;

namespace SentimentWatch.Web.Tests.Pages;

/// <summary>/account/signin.</summary>
public sealed class SignInPage(IPage page)
{
    public static async Task<SignInPage> OpenAsync(IPage page, string? returnUrl = null)
    {
        await page.GotoAsync("/account/signin" + (returnUrl is null ? "" : "?ReturnUrl=" + Uri.EscapeDataString(returnUrl)));
        return new SignInPage(page);
    }

    public ILocator Message => page.GetByTestId("signin-message");

    public async Task SignInAsync(string user, string password)
    {
        await page.Locator("#username").FillAsync(user);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("form:has(#username) button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }
}
