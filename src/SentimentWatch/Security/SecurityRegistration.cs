using Microsoft.AspNetCore.Authentication;
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

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicies.AnyRole, p => p.RequireAuthenticatedUser())
            .AddPolicy(ApiPolicies.Admin, p => p.RequireRole(ApiRoles.Admin))
            .AddPolicy(ApiPolicies.Analyst, p => p.RequireRole(ApiRoles.Admin, ApiRoles.Analyst))
            .AddPolicy(ApiPolicies.Support, p => p.RequireRole(ApiRoles.Admin, ApiRoles.Support))
            .AddPolicy(ApiPolicies.Pr, p => p.RequireRole(ApiRoles.Admin, ApiRoles.Pr))
            .AddPolicy(ApiPolicies.Intake, p => p.RequireRole(ApiRoles.Admin));
        return builder;
    }
}
