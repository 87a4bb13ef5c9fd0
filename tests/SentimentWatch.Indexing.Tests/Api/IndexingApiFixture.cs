using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Security;
using SentimentWatch.Indexing.Lucene;

namespace SentimentWatch.Indexing.Tests.Api;

/// <summary>
/// A minimal web app serving <see cref="IndexingApi.MapIndexingApi"/> over a real Lucene index,
/// with a test authentication scheme: the <c>X-Test-Role</c> header names the caller's role.
/// </summary>
public sealed class IndexingApiFixture : IAsyncLifetime
{
    public const string RoleHeader = "X-Test-Role";

    private readonly TempFolder folder = new();
    private WebApplication app = null!;

    public LuceneMentionIndex Index { get; private set; } = null!;

    public HttpClient Client(string? role = ApiRoles.Analyst)
    {
        var client = app.GetTestClient();
        if (role is not null)
        {
            client.DefaultRequestHeaders.Add(RoleHeader, role);
        }

        return client;
    }

    public async Task InitializeAsync()
    {
        Index = new LuceneMentionIndex(Path.Combine(folder.Path, "index"));
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IMentionIndex>(Index);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddAuthentication(TestRoleHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TestRoleHandler>(TestRoleHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicies.Analyst, policy => policy.RequireRole(ApiRoles.Analyst, ApiRoles.Admin));
        app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapIndexingApi();
        await app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        Index.Dispose();
        folder.Dispose();
    }

    private sealed class TestRoleHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "TestRole";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers[RoleHeader].ToString() is not { Length: > 0 } role)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "tester"), new Claim(ClaimTypes.Role, role)], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
