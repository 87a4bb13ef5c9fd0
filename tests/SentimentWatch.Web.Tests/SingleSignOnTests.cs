using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Web.Tests;

/// <summary>
/// OpenID Connect single sign-on end to end: real chromium, the real console, and a minimal
/// OpenID provider on 127.0.0.1 standing in for the company's (none can run here), speaking the
/// documented discovery, JWKS, authorization-code + PKCE, token and userinfo exchanges.
/// </summary>
public sealed class SingleSignOnTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Fact]
    public async Task SignInWithMinimalOpenIdProvider_GivesAConsoleAccountWithTheProvidersRole()
    {
        var issued = Fixture.OpenIdProvider.TokensIssued;
        var page = await OpenAsync();
        // An anonymous visit to a page lands on sign-in, which offers the provider.
        await page.GotoAsync("/search?q=refund");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Lumo SSO" }).ClickAsync();

        // On the provider's page (another origin), the person is chosen there.
        await page.WaitForURLAsync(url => url.StartsWith(Fixture.OpenIdProvider.Authority + "/authorize", StringComparison.Ordinal));
        await ShotAsync(page, "provider");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue as olga.sso" }).ClickAsync();

        // Back in the console as olga.sso with the provider's role: an analyst, who may not see cases.
        await page.WaitForURLAsync(url => url.StartsWith(Fixture.BaseUrl + "/search?q=refund", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("header")).ToContainTextAsync("olga.sso");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Search", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cases", Exact = true })).ToHaveCountAsync(0);
        Fixture.OpenIdProvider.TokensIssued.ShouldBe(issued + 1, "the code was redeemed at the provider's token endpoint");
        await ShotAsync(page, "signed-in");

        await using var scope = Fixture.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var user = await users.FindByNameAsync("olga.sso");
        user.ShouldNotBeNull();
        (await users.GetRolesAsync(user)).ShouldBe(["analyst"]);
        (await users.GetLoginsAsync(user)).Single().LoginProvider.ShouldBe("oidc");
    }

    [Fact]
    public async Task SignInWithMinimalOpenIdProvider_WithoutAConsoleRole_IsRefused()
    {
        var page = await OpenAsync();
        await page.GotoAsync("/account/signin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Lumo SSO" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue as nora.norole" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Your account has no role in this console. Ask an admin.")).ToBeVisibleAsync();
        await ShotAsync(page);
        (await page.GotoAsync("/"))!.Url.ShouldContain("/account/signin", Case.Sensitive, "no session was made");
        await using var scope = Fixture.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>().FindByNameAsync("nora.norole")).ShouldBeNull();
    }

    // A provider's user name can change or be chosen by its owner: one equal to a console account's name must not sign in as
    // that account (nor replace its roles with the provider's). Before, "ada" at the provider became the console's admin ada,
    // demoted to analyst.
    [Fact]
    public async Task SignInWithMinimalOpenIdProvider_AsAUserNameALocalAccountHas_IsRefusedAndTheAccountUntouched()
    {
        var page = await OpenAsync();
        await page.GotoAsync("/account/signin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Lumo SSO" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue as ada" }).ClickAsync();

        await Assertions.Expect(page.GetByText("A console account with your user name already exists and is not linked to single sign-on. Ask an admin.")).ToBeVisibleAsync();
        (await page.GotoAsync("/"))!.Url.ShouldContain("/account/signin", Case.Sensitive, "no session was made");
        await using var scope = Fixture.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var ada = (await users.FindByNameAsync("ada")).ShouldNotBeNull();
        (await users.GetRolesAsync(ada)).ShouldBe(["admin"]);
        (await users.GetLoginsAsync(ada)).ShouldBeEmpty();
    }
    // Identity's default user-name list is ASCII letters and digits: a provider's 张伟 was refused by CreateAsync, whose
    // result went unread, and the sign-in went on with an unsaved account (an error page). Names of every script are console
    // names now; one that still cannot be (a space) gets a message and no half-made account.
    [Fact]
    public async Task SignInWithMinimalOpenIdProvider_AsAChineseUserName_GivesAnAccount_AndANameThatCannotBeOne_IsToldSo()
    {
        var page = await OpenAsync();
        await page.GotoAsync("/account/signin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Lumo SSO" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue as 张伟" }).ClickAsync();
        await Assertions.Expect(page.Locator("header")).ToContainTextAsync("张伟");

        await using var scope = Fixture.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var zhang = (await users.FindByNameAsync("张伟")).ShouldNotBeNull();
        (await users.GetRolesAsync(zhang)).ShouldBe(["pr"]);
        (await users.GetLoginsAsync(zhang)).Single().ProviderKey.ShouldBe("sub-张伟");

        var other = await OpenAsync();
        await other.GotoAsync("/account/signin");
        await other.GetByRole(AriaRole.Button, new() { Name = "Sign in with Lumo SSO" }).ClickAsync();
        await other.GetByRole(AriaRole.Button, new() { Name = "Continue as li wei" }).ClickAsync();
        await Assertions.Expect(other.GetByText("Your single sign-on account could not be set up here", new() { Exact = false })).ToBeVisibleAsync();
        await ShotAsync(other);
        (await other.GotoAsync("/"))!.Url.ShouldContain("/account/signin", Case.Sensitive, "no session was made");
        (await users.FindByNameAsync("li wei")).ShouldBeNull();
    }
}
