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
    public void A_fragment_that_does_not_parse_in_time_reads_as_no_text_and_an_ordinary_one_reads_as_usual()
    {
        var parser = new HtmlParser();
        HtmlText.OfFragment("<p>Refund took <b>three</b> weeks</p><p>still waiting</p>", parser, TimeSpan.FromSeconds(5))
            .ShouldBe("Refund took three weeks\nstill waiting");
        HtmlText.OfFragment(string.Concat(Enumerable.Repeat("<div>", 80_000)) + "hidden", parser, TimeSpan.FromSeconds(5)).ShouldBe(string.Empty);
        HtmlText.OfFragment(string.Concat(Enumerable.Repeat("<span>", 20_000)) + "nested <b>deep</b>", parser, TimeSpan.FromMinutes(1))
            .ShouldBe("nested deep");
    }
}
