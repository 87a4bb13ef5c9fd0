using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Security;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Web.Pages.Account;

/// <summary>
/// The return from single sign-on: the person gets (or keeps) a console account of the same user
/// name whose roles follow what the provider says at each sign-in, so the audit trail names them
/// and an admin can lock them out locally.
/// </summary>
public sealed class ExternalModel(
    SignInManager<ConsoleUser> signIn,
    UserManager<ConsoleUser> users,
    IOptions<ConsoleOptions> options,
    IStringLocalizer<ConsoleText> t,
    TimeProvider clock,
    ILogger<ExternalModel> logger) : PageModel
{
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        var info = await signIn.GetExternalLoginInfoAsync();
        if (info is null)
        {
            Message = t["Single sign-on did not complete. Try again."];
            return Page();
        }

        var oidc = options.Value.OpenIdConnect;
        var name = info.Principal.FindFirstValue(oidc.UserNameClaim) ?? info.Principal.Identity?.Name;
        var roles = info.Principal.FindAll(oidc.RoleClaim).Select(c => c.Value.Trim().ToLowerInvariant()).Where(ApiRoles.All.Contains).Distinct().ToArray();
        if (string.IsNullOrWhiteSpace(name) || roles.Length == 0)
        {
            logger.LogWarning("Single sign-on for {UserName} refused: no user name or none of the console's roles in claim {RoleClaim}", name, oidc.RoleClaim);
            Message = t["Your account has no role in this console. Ask an admin."];
            return Page();
        }

        var user = await users.FindByLoginAsync(info.LoginProvider, info.ProviderKey);
        if (user is null && await users.FindByNameAsync(name) is not null)
        {
            // Linked by identity only, never by name: a provider's user name (preferred_username) can change or be edited by its
            // owner, and matching it would hand a local account (the first admin's, say) to whoever takes that name there, and
            // replace its roles with the provider's (a security review, 2026-12-07).
            logger.LogWarning("Single sign-on for {UserName} refused: a console account of that name exists and is not linked to this identity", name);
            Message = t["A console account with your user name already exists and is not linked to single sign-on. Ask an admin."];
            return Page();
        }

        if (user is null)
        {
            user = new ConsoleUser { UserName = name, CreatedAt = clock.GetUtcNow(), LockoutEnabled = true };
            var created = await users.CreateAsync(user);
            var linked = created.Succeeded ? await users.AddLoginAsync(user, info) : created;
            if (!linked.Succeeded)
            {
                // Before, both results went unread: a name Identity refused left no account and the sign-in went on with an
                // unsaved one (an error page), and a failed link left an account no later sign-in could find.
                if (created.Succeeded && !(await users.DeleteAsync(user)).Succeeded)
                {
                    logger.LogError("Single sign-on for {UserName}: the account made for it could not be removed after the link failed", name);
                }

                logger.LogWarning("Single sign-on for {UserName} refused: {Errors}", name, string.Join("; ", linked.Errors.Select(e => e.Code + ": " + e.Description)));
                Message = t["Your single sign-on account could not be set up here ({0}). Ask an admin.", Reasons(linked, name)];
                return Page();
            }
        }

        if (await users.IsLockedOutAsync(user))
        {
            Message = t["This account is locked. Ask an admin to unlock it."];
            return Page();
        }

        // The provider's roles replace the account's; a change that did not take (its results went unread before) refuses the
        // sign-in rather than let a role the provider revoked live on.
        var current = await users.GetRolesAsync(user);
        var removed = await users.RemoveFromRolesAsync(user, current.Except(roles));
        var added = removed.Succeeded ? await users.AddToRolesAsync(user, roles.Except(current)) : removed;
        user.LastSignInAt = clock.GetUtcNow();
        var updated = added.Succeeded ? await users.UpdateAsync(user) : added;
        if (!updated.Succeeded)
        {
            logger.LogError("Single sign-on for {UserName} refused: its roles could not be set ({Errors})", name, string.Join("; ", updated.Errors.Select(e => e.Code + ": " + e.Description)));
            Message = t["Your single sign-on account could not be set up here ({0}). Ask an admin.", Reasons(updated, name)];
            return Page();
        }

        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        await signIn.SignInAsync(user, isPersistent: false, info.LoginProvider);
        logger.LogInformation("Console sign-in by {UserName} through single sign-on", name);
        return LocalRedirect(SignInModel.SafeReturnUrl(returnUrl));
    }

    /// <summary>Why Identity refused, in the reader's language where the console knows the reason (a name it cannot take); else Identity's words.</summary>
    private string Reasons(IdentityResult result, string name) =>
        string.Join(" ", result.Errors.Select(e => e.Code == nameof(IdentityErrorDescriber.InvalidUserName)
            ? t["the user name '{0}' may hold only letters, digits and - . _ @ + ·, no spaces, up to {1} characters", name, ConsoleUserNameValidator.MaxLength].Value
            : e.Description));
}
