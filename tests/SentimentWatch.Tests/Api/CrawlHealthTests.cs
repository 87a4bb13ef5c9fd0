using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SentimentWatch.Tests.Api;

/// <summary>Issue 17, item 5: /health (with a key) includes crawl health and is degraded while a source fails.</summary>
public sealed class CrawlHealthTests
{
    [Fact]
    public async Task A_failing_source_makes_health_degraded_with_its_error_for_key_holders_and_only_the_word_for_others()
    {
        using var service = new ServiceFactory
        {
            Settings = new Dictionary<string, string>
            {
                // Port 1 on loopback refuses connections: a source that fails every run.
                ["Crawling:Sources:0:Id"] = "broken-feed",
                ["Crawling:Sources:0:Kind"] = "rss",
                ["Crawling:Sources:0:Urls:0"] = "http://127.0.0.1:1/feed.xml",
                ["Crawling:Sources:0:Interval"] = "00:00:05",
            },
        };
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);

        var deadline = DateTime.UtcNow.AddSeconds(90);
        JsonElement health;
        do
        {
            health = await admin.GetFromJsonAsync<JsonElement>("/health");
            await Task.Delay(200);
        }
        while (health.GetProperty("status").GetString() != "degraded" && DateTime.UtcNow < deadline);

        health.GetProperty("status").GetString().ShouldBe("degraded");
        var crawl = health.GetProperty("checks").GetProperty("crawl");
        crawl.GetProperty("status").GetString().ShouldBe("degraded");
        crawl.GetProperty("description").GetString()!.ShouldContain("broken-feed");
        crawl.GetProperty("data").GetProperty("broken-feed").GetProperty("consecutiveFailures").GetInt32().ShouldBeGreaterThan(0);

        var anonymous = await service.ClientWithKey(null).GetAsync("/health");
        anonymous.StatusCode.ShouldBe(HttpStatusCode.OK);
        var brief = await anonymous.Content.ReadAsStringAsync();
        brief.ShouldContain("\"degraded\"");
        brief.ShouldNotContain("broken-feed");
        brief.ShouldNotContain("127.0.0.1");
    }
}
