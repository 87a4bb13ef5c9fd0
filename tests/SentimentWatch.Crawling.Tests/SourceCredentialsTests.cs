using SentimentWatch.Crawling.Sources;
using Shouldly;

namespace SentimentWatch.Crawling.Tests;

/// <summary>
/// A source's credentials go only to the hosts its start URLs name: thread and next-page links are read from crawled pages, and
/// one pointing elsewhere must not carry the token there (before, only redirects were held to the requested host).
/// </summary>
public sealed class SourceCredentialsTests
{
    private static CrawlSource Source() => new()
    {
        Id = "api",
        Kind = SourceKind.Json,
        Urls = ["https://api.example.com/v1/statuses?limit=40"],
        Auth = new SourceAuth { Headers = { ["Authorization"] = "Bearer secret" }, Query = { ["access_token"] = "secret" } },
    };

    [Theory]
    [InlineData("https://api.example.com/v1/statuses?max_id=99", true)]
    [InlineData("https://API.example.com/v1/other", true)]
    [InlineData("https://evil.example/collect", false)]
    [InlineData("https://api.example.com.evil.example/v1", false)]
    [InlineData("http://api.example.com/v1/statuses", false)]
    public void Credentials_go_only_to_the_hosts_of_the_start_urls(string page, bool sent) =>
        (SourceCrawler.AuthFor(Source(), new Uri(page)) is not null).ShouldBe(sent);

    [Fact]
    public void A_source_without_credentials_sends_none() =>
        SourceCrawler.AuthFor(new CrawlSource { Id = "rss", Kind = SourceKind.Rss, Urls = ["https://a.example/feed"] }, new Uri("https://a.example/feed")).ShouldBeNull();
}
