using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Security;

namespace SentimentWatch.Security;

public static class SecurityRegistration
{
    /// <summary>API-key authentication and one authorization policy per <see cref="ApiPolicies"/> name.</summary>
    public static IHostApplicationBuilder AddApiKeyAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>());
        builder.Services.AddSingleton<ApiKeyRing>();

        builder.Services
            .AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        builder.Services.AddAuthorizationBuilder().AddApiPolicies();
        return builder;
    }

    /// <summary>One policy per <see cref="ApiPolicies"/> name, admitting <see cref="ApiPolicies.AdmittedRoles"/>.</summary>
    public static AuthorizationBuilder AddApiPolicies(this AuthorizationBuilder authorization)
    {
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

        return authorization;
    }
}
