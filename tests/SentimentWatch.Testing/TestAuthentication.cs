using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Security;

namespace SentimentWatch.Testing;

/// <summary>
/// Capability test hosts authenticate callers by headers instead of API keys (the host's own
/// tests cover the API-key scheme): <c>X-Test-Roles</c> carries the caller's roles, comma
/// separated, <c>X-Test-User</c> optionally its name. Authorization uses the real policies,
/// <see cref="ApiPolicies.AdmittedRoles"/>, so access-rule tests test the rules the host enforces.
/// It is a test double: tests that call the API through it say so in their class or test name
/// (<c>…WithHeaderRoleTestAuth…</c>), as tests with a stand-in scorer do.
/// </summary>
public static class TestAuthentication
{
    public const string SchemeName = "Test";
    public const string UserHeader = "X-Test-User";
    public const string RolesHeader = "X-Test-Roles";

    public static IServiceCollection AddTestAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderHandler>(SchemeName, null);
        var authorization = services.AddAuthorizationBuilder();
        foreach (var (policy, roles) in ApiPolicies.AdmittedRoles)
        {
            authorization.AddPolicy(policy, p =>
            {
                p.RequireAuthenticatedUser();
                if (roles.Count > 0)
                {
                    p.RequireRole(roles);
                }
            });
        }

        return services;
    }

    /// <summary>Makes <paramref name="client"/> call as a user holding <paramref name="roles"/> (comma separated).</summary>
    public static HttpClient As(this HttpClient client, string roles, string user = "tester")
    {
        client.DefaultRequestHeaders.Remove(UserHeader);
        client.DefaultRequestHeaders.Remove(RolesHeader);
        client.DefaultRequestHeaders.Add(UserHeader, user);
        client.DefaultRequestHeaders.Add(RolesHeader, roles);
        return client;
    }

    private sealed class HeaderHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var roles = Request.Headers[RolesHeader].ToString();
            var user = Request.Headers[UserHeader].ToString();
            if (roles.Length == 0 && user.Length == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var claims = new List<Claim> { new(ClaimTypes.Name, user.Length > 0 ? user : "tester") };
            claims.AddRange(roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(role => new Claim(ClaimTypes.Role, role)));
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
        }
    }
}
