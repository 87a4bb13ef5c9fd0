using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Web.Pages.Account;

public sealed class PasswordModel(
    UserManager<ConsoleUser> users,
    SignInManager<ConsoleUser> signIn,
    FirstAdmin firstAdmin,
    IOptions<ConsoleOptions> options,
    IStringLocalizer<ConsoleText> t,
    ILogger<PasswordModel> logger) : PageModel
{
    /// <summary>Where the person was going when the form stopped them: they go there once their password is their own.</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool MustChange => User.HasClaim(ConsoleClaimsPrincipalFactory.MustChangePasswordClaim, "true");

    public bool Done { get; private set; }

    public List<string> Errors { get; } = [];

    public int MinimumLength => options.Value.PasswordMinimumLength;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? current, string? next, string? confirm)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (string.IsNullOrEmpty(current) || string.IsNullOrEmpty(next))
        {
            Errors.Add(t["Enter your current password and the new one."]);
            return Page();
        }

        if (next != confirm)
        {
            Errors.Add(t["The two new passwords differ."]);
            return Page();
        }

        if (next == current)
        {
            Errors.Add(t["The new password must differ from the current one."]);
            return Page();
        }

        var result = await users.ChangePasswordAsync(user, current, next);
        if (!result.Succeeded)
        {
            Errors.AddRange(result.Errors.Select(e => e.Code switch
            {
                "PasswordMismatch" => t["The current password is wrong."].Value,
                "PasswordTooShort" => t["The new password needs at least {0} characters.", MinimumLength].Value,
                "PasswordRequiresUniqueChars" => t["The new password needs more different characters."].Value,
                _ => e.Description,
            }));
            return Page();
        }

        var wasForced = user.MustChangePassword;
        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        if (firstAdmin.IsFirstAdmin(user))
        {
            firstAdmin.ForgetGeneratedPassword();
        }

        await signIn.RefreshSignInAsync(user);
        logger.LogInformation("{UserName} changed their console password", user.UserName);
        if (wasForced)
        {
            return LocalRedirect(SignInModel.SafeReturnUrl(ReturnUrl));
        }

        Done = true;
        return Page();
    }
}
