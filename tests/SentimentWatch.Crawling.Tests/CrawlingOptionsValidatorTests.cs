using SentimentWatch.Crawling.Sources;
using Shouldly;

namespace SentimentWatch.Crawling.Tests;

public sealed class CrawlingOptionsValidatorTests
{
    [Fact]
    public void EveryMistakeIsReportedAtOnceWithItsSettingPath()
    {
        var options = new CrawlingOptions
        {
            Politeness = new PolitenessOptions { MaxConcurrencyPerHost = 0 },
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
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:1:Id 'ok' is used by another source", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:1:Urls:0 'ftp://", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:1:Cron 'not cron'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:2:TimeZone 'Mars/Olympus'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:2:Selectors:Post is required", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:2:Selectors:Time 'em['", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:3 needs a schedule", StringComparison.Ordinal));
        failures.ShouldContain(f => f.StartsWith("Crawling:Sources:3:Json:CursorParameter is required", StringComparison.Ordinal));
        failures.Count.ShouldBe(9);
    }

    [Fact]
    public void AValidConfigurationPasses() =>
        new CrawlingOptionsValidator().Validate(null, new CrawlingOptions
        {
            Sources = [new CrawlSource { Id = "feed", Kind = SourceKind.Atom, Urls = ["https://example.invalid/atom"], Cron = "0 0/10 * * * ?" }],
        }).Succeeded.ShouldBeTrue();
}
