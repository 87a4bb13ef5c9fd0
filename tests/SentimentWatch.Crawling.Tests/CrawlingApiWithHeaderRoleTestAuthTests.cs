using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SentimentWatch.Core.Crawling;
using SentimentWatch.Core.Security;
using SentimentWatch.Storage;
using Shouldly;
using SentimentWatch.Testing;

namespace SentimentWatch.Crawling.Tests;

public sealed class CrawlingApiWithHeaderRoleTestAuthTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "sw-crawl-api-" + Guid.NewGuid().ToString("N"));
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data,
            ["Crawling:Sources:0:Id"] = "news-rss",
            ["Crawling:Sources:0:Kind"] = "rss",
            ["Crawling:Sources:0:Urls:0"] = "http://127.0.0.1:9/feeds/rss.xml",
            ["Crawling:Sources:0:Interval"] = "01:00:00",
            ["Crawling:Sources:0:Enabled"] = "false",
        });
        builder.AddStorage();
        builder.AddCrawling();
        builder.Services.AddTestAuthentication();
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapCrawlingApi();
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task GetSourcesListsEveryConfiguredSourceWithItsHealth()
    {
        var client = _app.GetTestClient().As(ApiRoles.Analyst);

        var health = await client.GetFromJsonAsync<List<SourceHealth>>("/api/sources");

        health.ShouldNotBeNull();
        health.Single().SourceId.ShouldBe("news-rss");
        health[0].Enabled.ShouldBeFalse();
        health[0].ExpectedInterval.ShouldBe(TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task AnUnknownSourceIsA404ProblemNamingTheParameter()
    {
        var client = _app.GetTestClient().As(ApiRoles.Analyst);

        var response = await client.GetAsync("/api/sources/nope");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("parameter 'id'");
    }

    [Fact]
    public async Task WithoutAKeyTheSourcesAreNotShown()
    {
        var response = await _app.GetTestClient().GetAsync("/api/sources");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
