using AngleSharp.Html.Parser;
using SentimentWatch.Crawling.Parsing;
using Shouldly;

namespace SentimentWatch.Crawling.Tests.Parsing;

public sealed class HtmlTextTests
{
    // A feed entry's content is parsed as a fragment. One of 60,000 nested elements would take tens of seconds (AngleSharp's tree
    // construction grows with the square of the depth); past the deadline it reads as no text, and the feed parser skips the
    // entry as one with neither text nor title.
    [Fact]
    public void A_fragment_that_does_not_parse_in_time_reads_as_no_text_and_an_ordinary_one_reads_as_usual()
    {
        var parser = new HtmlParser();
        HtmlText.OfFragment("<p>Refund took <b>three</b> weeks</p><p>still waiting</p>", parser, TimeSpan.FromSeconds(2))
            .ShouldBe("Refund took three weeks\nstill waiting");
        var deep = string.Concat(Enumerable.Repeat("<div>", 60_000)) + "hidden";
        HtmlText.OfFragment(deep, parser, TimeSpan.FromSeconds(2)).ShouldBe(string.Empty);
    }
}
