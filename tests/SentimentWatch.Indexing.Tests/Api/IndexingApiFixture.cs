using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Security;
using SentimentWatch.Indexing.Lucene;
using SentimentWatch.Testing;

namespace SentimentWatch.Indexing.Tests.Api;

/// <summary>
/// A minimal web app serving <see cref="IndexingApi.MapIndexingApi"/> over a real Lucene index,
/// with the shared header-based test authentication (<see cref="TestAuthentication"/>) and the real policies.
/// </summary>
public sealed class IndexingApiFixture : IAsyncLifetime
{
    private readonly TempFolder folder = new();
    private WebApplication app = null!;

    public LuceneMentionIndex Index { get; private set; } = null!;

    public HttpClient Client(string? role = ApiRoles.Analyst)
    {
        var client = app.GetTestClient();
        return role is null ? client : client.As(role);
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
        builder.Services.AddTestAuthentication();
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
}
