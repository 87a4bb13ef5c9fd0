using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Crawling.Sources;
using SentimentWatch.Storage;
using Shouldly;

namespace SentimentWatch.Crawling.Tests;

public sealed class CrawlingOptionsValidatorTests
{
    [Fact]
    public void EveryMistakeIsReportedAtOnceWithItsSettingPath()
    {
        var options = new CrawlingOptions
        {
            Politeness = new PolitenessOptions { MaxConcurrencyPerHost = 0, MaxParseTime = TimeSpan.Zero },
            Sources =
            [
                new CrawlSource { Id = "ok", Kind = SourceKind.Rss, Urls = ["https://example.invalid/feed"], Interval = TimeSpan.FromMinutes(5) },
                new CrawlSource { Id = "ok", Kind = SourceKind.Rss, Urls = ["ftp://example.invalid/feed"], Cron = "not cron" },
                new CrawlSource { Id = "forum", Kind = SourceKind.Html, Urls = ["https://bbs.example.invalid/"], Interval = TimeSpan.FromMinutes(5), TimeZone = "Mars/Olympus", Selectors = new HtmlSelectors { Post = "", Text = "td.t_f", Time = "em[id^=authorposton] span@title || em[" } },
                new CrawlSource { Id = "api", Kind = SourceKind.Json, Urls = ["https://api.example.invalid/"], Json = new JsonPaths { NextCursor = "next" } },
            ],
        };

        var result = new CrawlingOptionsValidator().Validate(null, options);

        result.Failed.ShouldBeTrue();
        var failures = result.Failures!.ToList();
        failures.ShouldContain(f => f.StartsWith("Crawling:Politeness:MaxConcurrencyPerHost", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Politeness:MaxParseTime must be from 00:00:00.100", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:1:Id 'ok' is used by another source", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:1:Urls:0 'ftp://", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:1:Cron 'not cron'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:2:TimeZone 'Mars/Olympus'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:2:Selectors:Post is required", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:2:Selectors:Time 'em['", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:3 needs a schedule", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:3:Json:CursorParameter is required", StringComparison.Ordinal));
        failures.Count.ShouldBe(10);
    }

    [Fact]
    public void ASourceBeyondTheBoundsOfTheAdminApiIsRefusedInConfigurationTooNamingTheSetting()
    {
        var feed = "https://example.invalid/feed";
        var options = new CrawlingOptions
        {
            Sources =
            [
                new CrawlSource { Id = new string('k', 65), Kind = SourceKind.Rss, Urls = [feed], Interval = TimeSpan.FromMinutes(5) },
                new CrawlSource { Id = "many", Kind = SourceKind.Rss, Urls = [.. Enumerable.Range(0, 101).Select(i => $"{feed}?page={i}")], Interval = TimeSpan.FromMinutes(5) },
                new CrawlSource { Id = "long-url", Kind = SourceKind.Rss, Urls = [feed + "/" + new string('u', 2_048)], Interval = TimeSpan.FromMinutes(5) },
                new CrawlSource { Id = "forever", Kind = SourceKind.Rss, Urls = [feed], Interval = TimeSpan.MaxValue },
                new CrawlSource { Id = "masto", Kind = SourceKind.Mastodon, BaseUrl = "https://mastodon.example/" + new string('p', 3_000), Hashtag = "x9", Interval = TimeSpan.FromMinutes(5) },
                new CrawlSource { Id = "monthly", Kind = SourceKind.Rss, Urls = [feed], Interval = TimeSpan.FromDays(30) },
            ],
        };

        var failures = new CrawlingOptionsValidator().Validate(null, options).Failures!.ToList();

        failures.ShouldBe(
        [
            $"Crawling:Sources:0:Id must be at most 64 characters (was 65: '{new string('k', 60)}…')",
            "Crawling:Sources:1:Urls must list at most 100 URLs (was 101); split them over several sources",
            $"Crawling:Sources:2:Urls:0 must be at most 2048 characters (was 2077: '{(feed + "/" + new string('u', 2_048))[..60]}…')",
            "Crawling:Sources:3:Interval must be from 00:00:01 to 30.00:00:00 (was 10675199.02:48:05.4775807)",
            "Crawling:Sources:4:BaseUrl must be at most 2048 characters (was 3025)",
        ]);
    }

    [Fact]
    public async Task AHostWhoseConfiguredSourceBreaksTheBoundsDoesNotStart()
    {
        var data = Path.Combine(Path.GetTempPath(), "sw-crawl-bounds-" + Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = data,
            ["Crawling:Sources:0:Id"] = "k1",
            ["Crawling:Sources:0:Kind"] = "rss",
            ["Crawling:Sources:0:Urls:0"] = "https://example.invalid/feed",
            ["Crawling:Sources:0:Interval"] = "10675199.02:48:05.4775807",
        });
        builder.AddStorage();
        builder.AddCrawling();
        await using var app = builder.Build();
        try
        {
            var failure = await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync());

            failure.Failures.ShouldHaveSingleItem().ShouldStartWith("Crawling:Sources:0:Interval must be from 00:00:01 to 30.00:00:00");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Fact]
    public void AValidConfigurationPasses() =>
        new CrawlingOptionsValidator().Validate(null, new CrawlingOptions
        {
            Sources = [new CrawlSource { Id = "feed", Kind = SourceKind.Atom, Urls = ["https://example.invalid/atom"], Cron = "0 0/10 * * * ?" }],
        }).Succeeded.ShouldBeTrue();
}
