using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Web.Pages.Account;

public sealed class SignInModel(
    SignInManager<ConsoleUser> signIn,
    UserManager<ConsoleUser> users,
    IOptions<ConsoleOptions> options,
    IStringLocalizer<ConsoleText> t,
    TimeProvider clock,
    FirstAdmin firstAdmin,
    ILogger<SignInModel> logger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Message { get; private set; }

    public bool LockedOut { get; private set; }

    /// <summary>
    /// While the first admin's generated password still opens their account, the page says where that password is and
    /// which account it opens (never the password): a newcomer has nothing else to go by. Gone once it opens nothing.
    /// </summary>
    public string? FirstRunUserName { get; private set; }

    public string? SingleSignOn => options.Value.OpenIdConnect.Enabled ? options.Value.OpenIdConnect.DisplayName : null;

    public async Task OnGetAsync() => FirstRunUserName = await firstAdmin.GeneratedPasswordAccountAsync(users);

    public async Task<IActionResult> OnPostAsync()
    {
        var name = UserName?.Trim();
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(Password))
        {
            Message = t["Enter your user name and password."];
            return await PageAsync();
        }

        var result = await signIn.PasswordSignInAsync(name, Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            if (await users.FindByNameAsync(name) is { } user)
            {
                user.LastSignInAt = clock.GetUtcNow();
                await users.UpdateAsync(user);
            }

            logger.LogInformation("Console sign-in by {UserName} from {RemoteIp}", name, HttpContext.Connection.RemoteIpAddress);
            return LocalRedirect(SafeReturnUrl(ReturnUrl));
        }

        if (result.IsLockedOut)
        {
            logger.LogWarning("Console sign-in refused: {UserName} is locked out (from {RemoteIp})", name, HttpContext.Connection.RemoteIpAddress);
            LockedOut = true;
            Message = t["This account is locked after too many wrong passwords. Try again in {0} minutes or ask an admin to unlock it.", (int)options.Value.LockoutDuration.TotalMinutes];
        }
        else
        {
            logger.LogWarning("Console sign-in failed for {UserName} from {RemoteIp}", name, HttpContext.Connection.RemoteIpAddress);
            Message = t["The user name or password is wrong."];
        }

        return await PageAsync();
    }

    private async Task<PageResult> PageAsync()
    {
        FirstRunUserName = await firstAdmin.GeneratedPasswordAccountAsync(users);
        return Page();
    }

    public IActionResult OnPostExternal()
    {
        if (!options.Value.OpenIdConnect.Enabled)
        {
            return NotFound();
        }

        var callback = "/account/external?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl(ReturnUrl));
        var properties = signIn.ConfigureExternalAuthenticationProperties(ConsoleRegistration.OpenIdConnectScheme, callback);
        return Challenge(properties, ConsoleRegistration.OpenIdConnectScheme);
    }

    /// <summary>Only paths on this site: a link that sends a person elsewhere after sign-in is a phishing aid.</summary>
    /// <remarks>Control characters are refused too: <c>LocalRedirect</c> would throw on them (after a password change was saved).</remarks>
    public static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            && !url.Any(char.IsControl)
            ? url
            : "/";
}
