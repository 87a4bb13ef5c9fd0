using AngleSharp.Html.Parser;
using SentimentWatch.Crawling.Parsing;
using Shouldly;

namespace SentimentWatch.Crawling.Tests.Parsing;

public sealed class HtmlTextTests
{
    // A feed entry's content is parsed as a fragment. One of 80,000 nested elements would take tens of seconds (AngleSharp's tree
    // construction grows with the square of the depth); past the deadline it reads as empty (the entry keeps only its title).
    // And text is read without recursion, so no thread's stack size bounds the depth: asserted here for 20,000 nested elements,
    // which parse within the deadline.
    [Fact]
    public void A_fragment_that_does_not_parse_in_time_is_read_without_the_parser_and_an_ordinary_one_reads_as_usual()
    {
        var parser = new HtmlParser();
        HtmlText.OfFragment("<p>Refund took <b>three</b> weeks</p><p>still waiting</p>", parser, TimeSpan.FromSeconds(5))
            .ShouldBe("Refund took three weeks\nstill waiting");
        // Past the deadline the tags are dropped in one pass: the words stay, the parser's minutes are not spent.
        HtmlText.OfFragment(string.Concat(Enumerable.Repeat("<div>", 80_000)) + "hidden &amp; kept", parser, TimeSpan.FromSeconds(5)).ShouldBe("hidden & kept");
        HtmlText.OfFragment(string.Concat(Enumerable.Repeat("<span>", 20_000)) + "nested <b>deep</b>", parser, TimeSpan.FromMinutes(1))
            .ShouldBe("nested deep");
    }

    // One budget per feed, not per fragment: once the first entry's hostile content has used it up, the next entry's ordinary
    // HTML is not parsed either (a fresh budget per fragment would let a dozen hostile entries cost a dozen budgets) but read
    // without the parser, tags dropped: its words and its title (even one with "&" or "<") are kept, and the feed names the problem.
    [Fact]
    public void A_feed_shares_one_parse_budget_among_its_entries()
    {
        var deep = string.Concat(Enumerable.Repeat("<div>", 80_000));
        var rss = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>"
            + "<item><title>first</title><guid>1</guid><description><![CDATA[" + deep + "]]></description></item>"
            + "<item><title>AT&amp;T refund &lt;3 weeks</title><guid>2</guid><description><![CDATA[<p>Refund <b>late</b> &amp; no reply</p><p>again</p>]]></description></item>"
            + "</channel></rss>";
        var page = FeedParser.Parse(rss, new Uri("https://feeds.example/rss"), TimeZoneInfo.Utc, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(2));

        page.Items.Select(i => i.Title).ShouldBe(["first", "AT&T refund <3 weeks"]);
        page.Items.Select(i => i.Text).ShouldBe(["first", "Refund late & no reply\nagain"]);
        page.Problems.ShouldContain(p => p.Contains("took longer than 00:00:02 to read", StringComparison.Ordinal) && p.Contains("without the HTML parser", StringComparison.Ordinal));
    }
}
