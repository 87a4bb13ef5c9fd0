using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Security;
using SentimentWatch.Storage;
using SentimentWatch.Web.Identity;
using SentimentWatch.Web.Infrastructure;

namespace SentimentWatch.Web;

/// <summary>
/// The web console in the service's own process: Razor Pages at the site root, people's
/// sign-in (Identity on the state store, optional OpenID Connect), one authentication scheme
/// that picks the console session or the API key per request, zh-CN/en texts, embedded assets,
/// helpful error pages, and the OpenAPI document of the HTTP API.
/// </summary>
public static class ConsoleRegistration
{
    /// <summary>Chooses per request between the console's session cookie and the host's API-key scheme.</summary>
    public const string SessionOrApiKeyScheme = "SessionOrApiKey";

    /// <summary>The host's API-key scheme (SentimentWatch.Security.ApiKeyAuthenticationHandler), by name: the console does not reference the host.</summary>
    public const string ApiKeyScheme = "ApiKey";

    public const string ApiKeyHeader = "X-Api-Key";
    public const string SessionCookie = "sw_session";
    public const string AntiforgeryCookie = "sw_antiforgery";
    public const string LanguageCookie = "sw_lang";
    public const string OpenIdConnectScheme = "oidc";

    public static readonly CultureInfo[] Cultures = [new("en"), new("zh-CN")];

    public static IHostApplicationBuilder AddConsole(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsoleOptions>, ConsoleOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // Whether single sign-on is on decides which schemes exist, so it is read while building.
        var console = builder.Configuration.GetSection(ConsoleOptions.SectionName).Get<ConsoleOptions>() ?? new ConsoleOptions();

        // Session and anti-forgery cookies are encrypted with keys kept beside the state store, so
        // sessions survive a restart and every worker sharing the data directory reads them (decision 239).
        var dataDirectory = Path.GetFullPath(builder.Configuration[$"{StorageOptions.SectionName}:DataDirectory"] ?? new StorageOptions().DataDirectory);
        services.AddConsoleKeys(dataDirectory, console.KeyCertificate);

        services.AddStateDbContext<ConsoleIdentityDbContext>();
        services.AddIdentityCore<ConsoleUser>()
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ConsoleIdentityDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<ConsoleClaimsPrincipalFactory>()
            .AddUserValidator<ConsoleUserNameValidator>();
        services.AddOptions<IdentityOptions>().Configure<IOptions<ConsoleOptions>>((identity, options) =>
        {
            // Length over composition rules (NIST SP 800-63B): long passphrases, no forced symbols.
            identity.Password.RequiredLength = options.Value.PasswordMinimumLength;
            identity.Password.RequireDigit = false;
            identity.Password.RequireLowercase = false;
            identity.Password.RequireUppercase = false;
            identity.Password.RequireNonAlphanumeric = false;
            identity.Password.RequiredUniqueChars = 4;
            identity.Lockout.AllowedForNewUsers = true;
            identity.Lockout.MaxFailedAccessAttempts = options.Value.LockoutAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = options.Value.LockoutDuration;
            identity.User.RequireUniqueEmail = false;
            // Names of every script: ConsoleUserNameValidator checks them instead of Identity's ASCII list.
            identity.User.AllowedUserNameCharacters = string.Empty;
        });

        // A role change, lock or password reset by an admin ends the person's other sessions within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddSingleton<FirstAdmin>();
        services.AddHostedService(sp => sp.GetRequiredService<FirstAdmin>());

        var authentication = services.AddAuthentication();
        authentication.AddIdentityCookies();
        authentication.AddPolicyScheme(SessionOrApiKeyScheme, "Console session or API key", o => o.ForwardDefaultSelector = SelectScheme);
        services.Configure<AuthenticationOptions>(o =>
        {
            o.DefaultScheme = SessionOrApiKeyScheme;
            o.DefaultAuthenticateScheme = SessionOrApiKeyScheme;
            o.DefaultChallengeScheme = SessionOrApiKeyScheme;
            o.DefaultForbidScheme = SessionOrApiKeyScheme;
        });
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).Configure<IOptions<ConsoleOptions>>((cookie, options) =>
        {
            cookie.LoginPath = "/account/signin";
            cookie.LogoutPath = "/account/signout";
            cookie.AccessDeniedPath = "/account/denied";
            cookie.Cookie.Name = SessionCookie;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.SlidingExpiration = true;
            cookie.ExpireTimeSpan = options.Value.SessionIdleTimeout;

            // Scripts calling /api with the session get a status, not the sign-in page.
            cookie.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
        });

        if (console.OpenIdConnect.Enabled)
        {
            var oidc = console.OpenIdConnect;
            authentication.AddOpenIdConnect(OpenIdConnectScheme, oidc.DisplayName, o =>
            {
                o.SignInScheme = IdentityConstants.ExternalScheme;
                o.Authority = oidc.Authority;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret;
                o.ResponseType = "code";
                // The code comes back on a top-level GET (not the handler's default form_post), so the
                // correlation and nonce cookies can be SameSite=Lax like the session, instead of
                // SameSite=None, which browsers only keep when Secure (decision 065).
                o.ResponseMode = "query";
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.UsePkce = true;
                o.RequireHttpsMetadata = oidc.Authority!.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
                o.GetClaimsFromUserInfoEndpoint = true;
                o.MapInboundClaims = false;
                o.Scope.Add("profile");
                o.TokenValidationParameters.NameClaimType = oidc.UserNameClaim;
                o.TokenValidationParameters.RoleClaimType = oidc.RoleClaim;
            });
        }

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = AntiforgeryCookie;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("en");
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            // A choice made in the console wins; otherwise the browser's language decides.
            o.RequestCultureProviders = [new CookieRequestCultureProvider { CookieName = LanguageCookie }, new BrowserLanguageProvider()];
        });

        services.AddRazorPages(o =>
            {
                o.Conventions.AuthorizeFolder("/", ApiPolicies.AnyRole);
                // The overview's second address: "/" sends a support agent to the queue (decision 235).
                o.Conventions.AddPageRoute("/Index", Pages.Cases.SupportLanding.OverviewPath.TrimStart('/'));
                o.Conventions.AllowAnonymousToPage("/Account/SignIn");
                o.Conventions.AllowAnonymousToPage("/Account/Denied");
                o.Conventions.AllowAnonymousToPage("/Account/Language");
                o.Conventions.AllowAnonymousToPage("/Account/External");
                o.Conventions.AllowAnonymousToPage("/Error");
                o.Conventions.AuthorizeFolder("/Search", ApiPolicies.Analyst);
                o.Conventions.AuthorizeFolder("/Mentions", ApiPolicies.Analyst);
                o.Conventions.AuthorizeFolder("/Alerts", ApiPolicies.Pr);
                o.Conventions.AuthorizeFolder("/Cases", ApiPolicies.Support);
                o.Conventions.AuthorizeFolder("/Ops", ApiPolicies.Admin);
            })
            .AddApplicationPart(typeof(ConsoleRegistration).Assembly)
            .AddMvcOptions(o => o.Filters.Add<MustChangePasswordFilter>())
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(ConsoleText)));

        services.AddExceptionHandler<ConsoleErrorPages>();
        services.AddSingleton<ConsoleErrorPages>();
        services.AddOptions<StatusCodePagesOptions>().Configure<ConsoleErrorPages>((o, pages) => pages.Wrap(o));
        services.AddOpenApi();
        services.AddSingleton<ConsoleAssets>();
        services.AddSingleton<DisplayNames>();
        services.TryAddSingleton(sp => new ConsoleFeatures { Cases = sp.GetService<Core.Incidents.ICaseDirectory>() is not null });
        return builder;
    }

    /// <summary>Pages, assets, the admin-only gate in front of /hangfire, and /openapi/v1.json (admins).</summary>
    public static WebApplication MapConsole(this WebApplication app)
    {
        app.UseWhen(IsConsoleRequest, console => console
            .UseRequestLocalization()
            .Use(SecurityHeaders));
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/hangfire"), hangfire => hangfire.Use(AdminOnlyAsync));
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.Use(PasswordFirstAsync));

        app.Services.GetRequiredService<ConsoleAssets>().Map(app);
        app.MapRazorPages();
        app.MapOpenApi().RequireAuthorization(ApiPolicies.Admin);
        return app;
    }

    public static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/openapi") || request.Path.StartsWithSegments("/health");

    private static bool IsConsoleRequest(HttpContext context) =>
        !IsApiRequest(context.Request) && !context.Request.Path.StartsWithSegments("/hangfire");

    /// <summary>
    /// The API key when one is sent; for /api without one, the session only for reads (a page's
    /// script fetching stats or the CSV export) — changes through /api need a key, so a session
    /// can never be ridden by a forged cross-site request; everything else is the console's session.
    /// </summary>
    private static string SelectScheme(HttpContext context)
    {
        var request = context.Request;
        if (request.Headers.ContainsKey(ApiKeyHeader))
        {
            return ApiKeyScheme;
        }

        if (IsApiRequest(request) && !(request.Cookies.ContainsKey(SessionCookie) && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))))
        {
            return ApiKeyScheme;
        }

        return IdentityConstants.ApplicationScheme;
    }

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (IsApiRequest(context.Request))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    private static async Task AdminOnlyAsync(HttpContext context, RequestDelegate next)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            await context.ChallengeAsync();
            return;
        }

        if (user.HasClaim(ConsoleClaimsPrincipalFactory.MustChangePasswordClaim, "true"))
        {
            context.Response.Redirect(MustChangePasswordFilter.PasswordPath(context.Request));
            return;
        }

        if (!user.IsInRole(ApiRoles.Admin))
        {
            await context.ForbidAsync();
            return;
        }

        await next(context);
    }

    // A session whose password someone else set (an admin handed it over) reads nothing through /api either until its owner has
    // chosen their own, as the pages and /hangfire already required (a security review, 2026-12-07). API keys carry no such claim.
    private static async Task PasswordFirstAsync(HttpContext context, RequestDelegate next)
    {
        if (context.User.HasClaim(ConsoleClaimsPrincipalFactory.MustChangePasswordClaim, "true"))
        {
            await Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Choose your own password first",
                detail: "This session's password was set by someone else: choose your own at /account/password, then use the API.").ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private static Task SecurityHeaders(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        // Everything comes from this server; scripts only from files (no inline script), so an
        // injected <script> would not run.
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self' " + FormTargets(context);
        return next(context);
    }

    private static string FormTargets(HttpContext context)
    {
        var oidc = context.RequestServices.GetRequiredService<IOptions<ConsoleOptions>>().Value.OpenIdConnect;
        return oidc.Enabled && Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) ? authority.GetLeftPart(UriPartial.Authority) : string.Empty;
    }
}
