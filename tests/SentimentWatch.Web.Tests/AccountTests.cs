using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SentimentWatch.Web.Identity;
using SentimentWatch.Web.Pages.Account;
using SentimentWatch.Web.Tests.Pages;

namespace SentimentWatch.Web.Tests;

public sealed class AccountTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/search?q=refund")]
    [InlineData("/mentions/any-id")]
    [InlineData("/alerts")]
    [InlineData("/alerts/1")]
    [InlineData("/cases")]
    [InlineData("/cases/1")]
    [InlineData("/cases/metrics")]
    [InlineData("/ops/sources")]
    [InlineData("/ops/parked")]
    [InlineData("/ops/users")]
    [InlineData("/account/password")]
    [InlineData("/hangfire")]
    public async Task AnonymousVisit_LandsOnSignIn(string path)
    {
        var page = await OpenAsync();
        await page.GotoAsync(path);
        await page.WaitForURLAsync(url => url.Contains("/account/signin", StringComparison.Ordinal));
        new Uri(page.Url).Query.ShouldContain("ReturnUrl=" + Uri.EscapeDataString(path.Split('?')[0]));
        (await page.Locator("#username").IsVisibleAsync()).ShouldBeTrue();
        await ShotAsync(page, path.Trim('/').Replace('/', '_').Split('?')[0]);
    }

    [Theory]
    [InlineData("admin", new[] { "Overview", "Search", "Alerts", "Cases", "Operations" }, new string[0])]
    [InlineData("analyst", new[] { "Overview", "Search" }, new[] { "Alerts", "Cases", "Operations" })]
    [InlineData("pr", new[] { "Overview", "Alerts" }, new[] { "Search", "Cases", "Operations" })]
    [InlineData("support", new[] { "Overview", "Cases" }, new[] { "Search", "Alerts", "Operations" })]
    public async Task SignIn_AsEachRole_ShowsTheScreensOfThatRole(string role, string[] shown, string[] hidden)
    {
        var page = await OpenAsync(role);
        var landing = new Uri(page.Url);
        if (role == "support")
        {
            // Support staff land on the case queue (decision 235): their own cases when they hold an open one, else the open queue.
            var owns = (await GetAsync("/api/cases?owner=" + ConsoleFixture.People[role] + "&pageSize=1")).GetProperty("items").GetArrayLength() > 0;
            landing.PathAndQuery.ShouldBe(owns ? "/cases?mine=true" : "/cases");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Complaint cases");
        }
        else
        {
            landing.AbsolutePath.ShouldBe("/");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Overview");
        }

        (await page.GetByTestId("whoami").InnerTextAsync()).ShouldContain(ConsoleFixture.People[role]);
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        foreach (var link in shown)
        {
            (await nav.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).CountAsync()).ShouldBe(1, link);
        }

        foreach (var link in hidden)
        {
            (await nav.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).CountAsync()).ShouldBe(0, link);
        }

        await ShotAsync(page, role);
    }

    [Fact]
    public async Task PageOfAnotherRole_IsRefusedWithAHelpfulPage()
    {
        var page = await OpenAsync("support");
        var response = await page.GotoAsync("/ops/users");
        response!.Status.ShouldBe(403);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("You do not have access to this page");
        await ShotAsync(page);
    }

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccountOut_EvenForTheRightPassword()
    {
        await using (var scope = Fixture.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
            var user = new ConsoleUser { UserName = "lockme", CreatedAt = DateTimeOffset.UtcNow, LockoutEnabled = true };
            (await users.CreateAsync(user, ConsoleFixture.Password)).Succeeded.ShouldBeTrue();
            (await users.AddToRoleAsync(user, "analyst")).Succeeded.ShouldBeTrue();
        }

        var page = await OpenAsync();
        var signIn = await SignInPage.OpenAsync(page);
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await signIn.SignInAsync("lockme", "wrong-password-" + attempt);
            await Assertions.Expect(signIn.Message).ToHaveTextAsync("The user name or password is wrong.");
        }

        await signIn.SignInAsync("lockme", "wrong-password-5");
        await Assertions.Expect(signIn.Message).ToContainTextAsync("locked");

        await signIn.SignInAsync("lockme", ConsoleFixture.Password);
        await Assertions.Expect(signIn.Message).ToContainTextAsync("locked");
        new Uri(page.Url).AbsolutePath.ShouldBe("/account/signin");
        await ShotAsync(page);
    }

    [Fact]
    public async Task FormPost_WithoutItsAntiforgeryToken_IsRefused()
    {
        var page = await OpenAsync("admin");

        // The session cookie rides along (same browser context), only the form's token is missing.
        var withoutToken = await page.APIRequest.PostAsync("/account/password", new() { Form = FormOf(page, ("current", ConsoleFixture.Password), ("next", "another-long-passphrase"), ("confirm", "another-long-passphrase")) });
        withoutToken.Status.ShouldBe(400);
        (await withoutToken.TextAsync()).ShouldContain("The request could not be accepted");

        var signOut = await page.APIRequest.PostAsync("/account/signout", new() { Form = FormOf(page) });
        signOut.Status.ShouldBe(400);

        // Still signed in: the refused sign-out did nothing.
        await page.GotoAsync("/");
        (await page.GetByTestId("whoami").InnerTextAsync()).ShouldContain("ada");
        await page.SetContentAsync(await withoutToken.TextAsync());
        await ShotAsync(page);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        var page = await OpenAsync("analyst");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/account/signin", StringComparison.Ordinal));
        await page.GotoAsync("/search");
        await page.WaitForURLAsync(url => url.Contains("/account/signin", StringComparison.Ordinal));
        await ShotAsync(page);
    }

    [Theory]
    [InlineData("/alerts/1", "/alerts/1")]
    [InlineData("/ops/users?tab=keys", "/ops/users?tab=keys")]
    [InlineData("https://evil.example/alerts/1", "/")]
    [InlineData("//evil.example/alerts/1", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("/\t/evil.example", "/")]
    [InlineData("/alerts/1\r\nSet-Cookie: x=1", "/")]
    [InlineData(null, "/")]
    public void Return_urls_after_sign_in_or_a_forced_password_change_stay_on_this_site(string? asked, string expected) =>
        SignInModel.SafeReturnUrl(asked).ShouldBe(expected);

    [Fact]
    public async Task FirstAdmin_SignsInWithTheGeneratedPassword_AndMustChooseANewOne()
    {
        var file = Path.Combine(Fixture.DataDirectory, FirstAdmin.PasswordFileName);
        File.Exists(file).ShouldBeTrue();
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var generated = (await File.ReadAllTextAsync(file)).Trim();
        var page = await OpenAsync();
        var signIn = await SignInPage.OpenAsync(page);
        (await page.GetByTestId("first-run").InnerTextAsync()).ShouldContain("sign in as admin");
        await signIn.SignInAsync("admin", generated);
        await page.WaitForURLAsync(url => url.Contains("/account/password", StringComparison.Ordinal));
        (await page.GetByTestId("must-change").IsVisibleAsync()).ShouldBeTrue();

        // Every other page sends the admin back here until the password is changed, and remembers where they were going
        // (the first link a new PR user clicks is an alert's).
        await page.GotoAsync("/ops/users?tab=keys");
        new Uri(page.Url).AbsolutePath.ShouldBe("/account/password");
        new Uri(page.Url).Query.ShouldBe("?returnUrl=" + Uri.EscapeDataString("/ops/users?tab=keys"));
        await ShotAsync(page, "forced");

        await page.Locator("#current").FillAsync(generated);
        await page.Locator("#next").FillAsync("the first admin's own passphrase");
        await page.Locator("#confirm").FillAsync("the first admin's own passphrase");
        await page.Locator("main form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/ops/users");
        new Uri(page.Url).Query.ShouldBe("?tab=keys");
        File.Exists(file).ShouldBeFalse();
        await ShotAsync(page, "after");

        // The sign-in page's first-run hint goes with the file.
        await page.GotoAsync("/account/signin");
        (await page.GetByTestId("first-run").CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task ApiKeys_StillWorkForMachines_AndAnApiCallWithoutOneIs401NotARedirect()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(Fixture.BaseUrl) };
        var refused = await anonymous.GetAsync("/api/mentions?q=refund");
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using var machine = new HttpClient { BaseAddress = new Uri(Fixture.BaseUrl) };
        machine.DefaultRequestHeaders.Add("X-Api-Key", ConsoleFixture.AdminKey);
        (await machine.GetAsync("/api/mentions?q=refund")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await machine.GetAsync("/openapi/v1.json")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var page = await OpenAsync("pr");
        var hangfire = await page.GotoAsync("/hangfire");
        hangfire!.Status.ShouldBe(403);
        await ShotAsync(page, "pr-hangfire");
        var admin = await OpenAsync("admin");
        var dashboard = await admin.GotoAsync("/hangfire");
        dashboard!.Status.ShouldBe(200);
        await ShotAsync(admin, "admin-hangfire");
    }

    // The sweep of 5 December: with the antiforgery check off, a page elsewhere could make a signed-in admin's browser trigger or
    // delete jobs. The dashboard's own buttons send the token it puts in the page; a POST without it is refused.
    [Fact]
    public async Task The_jobs_dashboard_refuses_a_POST_without_its_antiforgery_token_and_accepts_one_with_it()
    {
        var admin = await OpenAsync("admin");
        (await admin.GotoAsync("/hangfire/recurring"))!.Status.ShouldBe(200);
        var header = await admin.GetAttributeAsync("meta[name=csrf-header]", "content");
        var token = await admin.GetAttributeAsync("meta[name=csrf-token]", "content");
        header.ShouldNotBeNullOrWhiteSpace();
        token.ShouldNotBeNullOrWhiteSpace();

        var forged = await admin.APIRequest.PostAsync("/hangfire/recurring/trigger", new() { Form = FormOf(admin, ("jobs[]", "no-such-job")) });
        forged.Status.ShouldBe(403);

        var genuine = await admin.APIRequest.PostAsync("/hangfire/recurring/trigger", new()
        {
            Form = FormOf(admin, ("jobs[]", "no-such-job")),
            Headers = new Dictionary<string, string> { [header!] = token! },
        });
        genuine.Status.ShouldBeLessThan(300);
    }

    private static IFormData FormOf(IPage page, params (string Name, string Value)[] fields)
    {
        var data = page.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
        {
            data.Set(name, value);
        }

        return data;
    }
}
