using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SentimentWatch.Tests.Api;

public sealed class AuthenticationTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-key-we-ever-issued")]
    [InlineData(ServiceFactory.AdminKey + "x")]
    public async Task WithoutAValidKey_TheApiAnswers401(string? key)
    {
        var client = service.ClientWithKey(key);

        var search = await client.GetAsync("/api/mentions?q=refund");
        var intake = await client.PostAsJsonAsync("/api/intake/mentions", Array.Empty<object>());

        search.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        intake.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        search.Headers.WwwAuthenticate.ToString().ShouldContain("X-Api-Key");
    }

    [Theory]
    [InlineData(ServiceFactory.SupportKey, "/api/mentions?q=refund")]
    [InlineData(ServiceFactory.PrKey, "/api/mentions?q=refund")]
    [InlineData(ServiceFactory.AnalystKey, "/api/pipeline/parked")]
    public async Task AKeyWhoseRoleMayNotDoThat_Gets403(string key, string path)
    {
        var response = await service.ClientWithKey(key).GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnAnalystMayPostNoMentions_ButMaySearch()
    {
        var analyst = service.ClientWithKey(ServiceFactory.AnalystKey);

        (await analyst.PostAsJsonAsync("/api/intake/mentions", new[] { new { source = "x", text = "t", publishedAt = DateTimeOffset.UtcNow } }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await analyst.GetAsync("/api/mentions?q=refund")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Health_NeedsNoKey_AndThenSaysOnlyTheStatusOfEachComponent()
    {
        var response = await service.ClientWithKey(null).GetAsync("/health");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var content = await response.Content.ReadAsStringAsync();
        var health = JsonDocument.Parse(content).RootElement;
        health.GetProperty("status").GetString().ShouldBe("healthy");
        var checks = health.GetProperty("checks");
        checks.EnumerateObject().Select(c => c.Name).ShouldBe(["store", "index", "pipeline", "crawl"], ignoreOrder: true);
        foreach (var check in checks.EnumerateObject())
        {
            check.Value.EnumerateObject().Select(p => p.Name).ShouldBe(["status"]);
        }

        content.ShouldNotContain(service.DataDirectory);
        content.ShouldNotContain("lucene");
        content.ShouldNotContain("pending");
    }

    [Fact]
    public async Task Health_WithAKey_ReportsTheDetailsOfStoreIndexPipelineAndCrawl()
    {
        var health = await service.ClientWithKey(ServiceFactory.SupportKey).GetFromJsonAsync<JsonElement>("/health");

        health.GetProperty("status").GetString().ShouldBe("healthy");
        var checks = health.GetProperty("checks");
        checks.GetProperty("store").GetProperty("status").GetString().ShouldBe("healthy");
        checks.GetProperty("store").GetProperty("data").GetProperty("pending").ValueKind.ShouldBe(JsonValueKind.Number);
        checks.GetProperty("index").GetProperty("data").GetProperty("provider").GetString().ShouldBe("lucene");
        checks.GetProperty("pipeline").GetProperty("status").GetString().ShouldBe("healthy");
        checks.GetProperty("crawl").GetProperty("status").GetString().ShouldBe("healthy");
    }
}

public sealed class GeneratedAdminKeyTests
{
    [Fact]
    public async Task WithNoKeyConfigured_AnAdminKeyIsGeneratedIntoTheDataDirectory_AndWorks()
    {
        using var service = new ServiceFactory { ConfigureKeys = false };
        (await service.ClientWithKey(null).GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var keyFile = Path.Combine(service.DataDirectory, SentimentWatch.Security.ApiKeyRing.GeneratedKeyFileName);
        await WaitForFileAsync(keyFile);
        var key = (await File.ReadAllTextAsync(keyFile)).Trim();

        key.Length.ShouldBeGreaterThanOrEqualTo(32);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(keyFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        (await service.ClientWithKey(key).GetAsync("/api/pipeline/parked")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await service.ClientWithKey(ServiceFactory.AdminKey).GetAsync("/api/pipeline/parked")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static async Task WaitForFileAsync(string path)
    {
        for (var i = 0; i < 100 && !File.Exists(path); i++)
        {
            await Task.Delay(50);
        }
    }
}
