using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Web.Pages.Account;

/// <summary>Signing out is a POST with the anti-forgery token: a link elsewhere cannot sign anyone out.</summary>
public sealed class SignOutModel(SignInManager<ConsoleUser> signIn, ILogger<SignOutModel> logger) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        logger.LogInformation("Console sign-out by {UserName}", User.Identity?.Name);
        await signIn.SignOutAsync();
        return Redirect("/account/signin");
    }
}
