using SentimentWatch.Crawling.Fetching;
using Shouldly;

namespace SentimentWatch.Crawling.Tests.Fetching;

public sealed class RobotsRulesTests
{
    private const string Robots = """
        # Discuz! default robots.txt (abridged)
        User-agent: *
        Disallow: /api/
        Disallow: /home.php?mod=spacecp
        Disallow: /*?mod=misc*
        Allow: /api/public/
        Disallow: /*.php$

        User-agent: SentimentWatchBot
        Disallow: /search
        Crawl-delay: 2
        """;

    [Theory]
    [InlineData("SentimentWatchBot/1.0", "/search?q=x", false)]
    [InlineData("SentimentWatchBot/1.0", "/api/x", true)] // our own group replaces '*'
    [InlineData("OtherBot/2", "/api/x", false)]
    [InlineData("OtherBot/2", "/api/public/feed", true)] // longer Allow wins
    [InlineData("OtherBot/2", "/forum.php?mod=misc&action=x", false)]
    [InlineData("OtherBot/2", "/forum.php", false)]
    [InlineData("OtherBot/2", "/forum.php?mod=viewthread", true)] // '$' anchors the end
    [InlineData("OtherBot/2", "/robots.txt", true)]
    public void LongestMatchingRuleOfTheAgentsGroupDecides(string agent, string path, bool allowed) =>
        RobotsRules.Parse(Robots, agent).IsAllowed(new Uri("http://bbs.example" + path)).ShouldBe(allowed);

    [Fact]
    public void CrawlDelayOfTheAgentsGroupIsKept() =>
        RobotsRules.Parse(Robots, "SentimentWatchBot/1.0").CrawlDelay.ShouldBe(TimeSpan.FromSeconds(2));
}
