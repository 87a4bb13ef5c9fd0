using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace SentimentWatch.Web.Identity;

/// <summary>Adds the "must change password" mark to the session, so every page can send its owner to the password form.</summary>
public sealed class ConsoleClaimsPrincipalFactory(
    UserManager<ConsoleUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<IdentityOptions> options) : UserClaimsPrincipalFactory<ConsoleUser, IdentityRole>(users, roles, options)
{
    public const string MustChangePasswordClaim = "sw:must_change_password";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ConsoleUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(MustChangePasswordClaim, "true"));
        }

        return identity;
    }
}
